package dev.inference.ledger.service.api;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

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
                        Money is a decimal string; request bodies are at most 64 KiB."""))
                .components(new Components().addSecuritySchemes(BEARER, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("bearer").description("An API token, `lt_…`")))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }
}
