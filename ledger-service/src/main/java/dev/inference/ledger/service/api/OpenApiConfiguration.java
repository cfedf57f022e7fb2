package dev.inference.ledger.service.api;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.Role;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;

/** The OpenAPI description is generated from the controllers (springdoc); this adds what they cannot say. */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {

    static final String BEARER = "bearer";

    @Bean
    OpenAPI ledgerApi() {
        return new OpenAPI()
                .info(new Info().title("Inference billing ledger").version("v1").description("""
                        Balances, ledger entries, top-ups, budgets, prices and quotes of an event-sourced billing ledger.
                        Every call needs `Authorization: Bearer <token>`; a token has one role (gateway, staff, auditor,
                        admin, metrics) and may be bound to one account, in which case it acts on that account only.
                        Errors are RFC 9457 problem documents with a stable `type` (`/problems/<code>`).
                        Money is a decimal string; request bodies are at most 64 KiB.""")
                        .license(new License().name("Apache License 2.0").identifier("Apache-2.0")))
                // Relative to where the document is served: never the Host header a caller sent.
                .servers(List.of(new Server().url("/").description("this service")))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").description("An API token, `lt_…`")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    /**
     * Who may call each operation, from the one access rule's declaration on its handler ({@link Allowed}): in the
     * description a reader sees, and as {@code x-roles} and {@code x-reach} for tools (docs/reference/api.md is made from them).
     */
    @Bean
    OperationCustomizer accessOfEachOperation() {
        return (operation, handler) -> {
            Allowed allowed = handler.getMethodAnnotation(Allowed.class);
            if (allowed == null) {
                return operation;
            }
            List<String> roles = Arrays.stream(allowed.value()).map(Role::wire).toList();
            String reach = allowed.reach() == Allowed.Reach.ONE_ACCOUNT ? "one-account" : "all-accounts";
            operation.addExtension("x-roles", roles);
            operation.addExtension("x-reach", reach);
            String who = "Roles: " + String.join(", ", roles) + (allowed.reach() == Allowed.Reach.ONE_ACCOUNT
                    ? "; a token bound to an account may use it for that account only." : "; an unbound token only.");
            operation.setDescription(operation.getDescription() == null ? who : operation.getDescription() + "\n\n" + who);
            return operation;
        };
    }

    /** The problem documents every endpoint may answer, each with an example, on every operation. */
    @Bean
    OpenApiCustomizer problemResponses() {
        return api -> {
            api.getComponents().addSchemas("Problem", new ObjectSchema().description("RFC 9457 problem document")
                    .addProperty("type", new StringSchema().example("/problems/invalid-field"))
                    .addProperty("title", new StringSchema()).addProperty("status", new IntegerSchema())
                    .addProperty("detail", new StringSchema()).addProperty("instance", new StringSchema()));
            api.getPaths().values().forEach(path -> path.readOperations().forEach(operation -> {
                ApiResponses responses = operation.getResponses();
                PROBLEMS.forEach((status, example) -> responses.putIfAbsent(status, problem(example)));
            }));
        };
    }

    private static final Map<String, String[]> PROBLEMS = new TreeMap<>(Map.of(
            "400", new String[] {"malformed-body", "the body is not the JSON this endpoint takes"},
            "401", new String[] {"unauthenticated", "send 'Authorization: Bearer <token>'"},
            "403", new String[] {"forbidden", "this token is bound to another account"},
            "404", new String[] {"not-found", "no account 'acct-42'"},
            "413", new String[] {"body-too-large", "request bodies are at most 65536 bytes"},
            "422", new String[] {"invalid-field", "projectId is 300 characters long; at most 64 are accepted"}));

    private static ApiResponse problem(String[] example) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + example[0]);
        body.put("detail", example[1]);
        return new ApiResponse().description(example[1]).content(new Content().addMediaType("application/problem+json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/Problem")).example(body)));
    }
}
