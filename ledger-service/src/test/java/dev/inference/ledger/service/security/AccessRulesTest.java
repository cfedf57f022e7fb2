package dev.inference.ledger.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Parameter;
import java.time.Duration;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ValueConstants;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * The security suite, built from the application's own request mappings so that a new endpoint cannot
 * escape it: every endpoint × every role × a token bound to no account, to the account the request names,
 * or to another; then hostile spellings of every path. The expected answer is worked out here from the
 * endpoint's {@link Allowed} and from where the request names an account, not asked of the product.
 */
class AccessRulesTest extends ServiceStory {

    private static final String OWN = "acct-own";
    private static final String OTHER = "acct-other";
    private static final Map<String, String> tokens = new LinkedHashMap<>();

    /**
     * Request names that name something of one account, and the thing of each account the suite uses: an
     * invoice's number, a hold's id, a receipt's id. Stated here, not asked of the product; a new one must be added here and to the
     * product's {@link AccountOwner}s alike, or {@link #every_path_variable_is_an_account_something_of_one_or_neither} fails.
     */
    private static final Map<String, Map<String, String>> OWNED = new java.util.HashMap<>(Map.of(
            "number", Map.of(OWN, "INV-1999-000001", OTHER, "INV-1999-000002"),
            "holdId", Map.of(OWN, "h-own", OTHER, "h-other")));

    /** Path variables that name nothing of an account by themselves (each is looked up under the account of the path, or spans none). */
    private static final Set<String> NEITHER = Set.of("scope", "scopeId", "topUpId", "tokenId", "subscriptionId", "period", "traceId", "grantId");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    /** One endpoint as a client calls it: a method, a path template, and what the handler binds. */
    record Endpoint(String method, String template, HandlerMethod handler) {
        Allowed allowed() {
            return handler.getMethodAnnotation(Allowed.class);
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    @BeforeAll
    static void accountsAndTokens(@Autowired org.springframework.core.env.Environment environment) {
        HttpApi api = new HttpApi(Integer.parseInt(environment.getProperty("local.server.port")));
        for (String account : List.of(OWN, OTHER)) {
            assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + account + "\",\"name\":\"" + account + "\"}")
                    .status()).isEqualTo(201);
        }
        // authorize answers 503 until this instance's view has read the event stream once
        Await.until("the authorize view is ready", Duration.ofSeconds(60),
                () -> api.get("/api/v1/authorize?accountId=" + OWN, ADMIN).status() == 200);
        for (String account : List.of(OWN, OTHER)) {
            invoiceOf(account, OWNED.get("number").get(account));
            holdOf(account, OWNED.get("holdId").get(account));
        }
        // A receipt names its account through its event: the account's first event, record 0.
        OWNED.put("receiptId", Map.of(OWN, firstEventOf(OWN) + ":0", OTHER, firstEventOf(OTHER) + ":0"));
        for (Role role : Role.values()) {
            if (!role.portal()) { // a customer's and a portal link's tokens are always bound, and only come from a link
                tokens.put(role + "/unbound", mint(api, role, null));
                tokens.put(role + "/bound", mint(api, role, OWN));
            }
        }
        portalApi = api;
    }

    /** An issued invoice of the account, as the invoice projection keeps it. */
    private static void invoiceOf(String account, String number) {
        try (Connection c = infra().database.connect(); PreparedStatement insert = c.prepareStatement("""
                INSERT INTO invoices (invoice_id, number, account_id, kind, currency, period_start, period_end, exact_charges, carried_in,
                                      total, carried_out, issued_at, status, last_sequence)
                VALUES (?, ?, ?, 'monthly', 'USD', now(), now(), 1, 0, 1, 0, now(), 'paid', 0)""")) {
            insert.setString(1, account + "/monthly/1999-12");
            insert.setString(2, number);
            insert.setString(3, account);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstEventOf(String account) {
        try (Connection c = infra().database.connect(); PreparedStatement select = c.prepareStatement(
                "SELECT eventidentifier FROM domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber LIMIT 1")) {
            select.setString(1, account);
            try (var rs = select.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A hold of the account, as the hold desk stores it (long expired: it reserves nothing). */
    private static void holdOf(String account, String holdId) {
        try (Connection c = infra().database.connect(); PreparedStatement insert = c.prepareStatement("""
                INSERT INTO holds (hold_id, account_id, currency, amount, placed_at, expires_at, state)
                VALUES (?, ?, 'USD', 1, now() - interval '2 hours', now() - interval '1 hour', 'expired')""")) {
            insert.setString(1, holdId);
            insert.setString(2, account);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpApi portalApi;

    /** A fresh portal link of the suite's own account: a link is good once. */
    private static String link() {
        HttpApi.Response made = portalApi.post("/api/v1/accounts/" + OWN + "/portal-sessions", ADMIN, "{}");
        assertThat(made.status()).as(String.valueOf(made.body())).isEqualTo(201);
        String link = made.body().get("link").asText();
        return link.substring(link.indexOf("link=") + 5);
    }

    /**
     * The suite's token of a role, bound or not. A portal link's and a customer session's are made fresh for each use: a link
     * is spent by its exchange, and a session by signing out.
     */
    private static String token(Role role, boolean bound) {
        if (role == Role.PORTAL_LINK && bound) {
            return link();
        }
        if (role == Role.CUSTOMER && bound) {
            return portalApi.post("/api/v1/portal/sessions", link(), "{}").body().get("token").asText();
        }
        return tokens.get(role + (bound ? "/bound" : "/unbound"));
    }

    private static String mint(HttpApi api, Role role, String account) {
        String body = "{\"role\":\"" + role.wire() + "\"" + (account == null ? "" : ",\"accountId\":\"" + account + "\"") + "}";
        HttpApi.Response minted = api.post("/api/v1/tokens", ADMIN, body);
        assertThat(minted.status()).as(String.valueOf(minted.body())).isEqualTo(201);
        return minted.body().get("token").asText();
    }

    private List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mappings.getHandlerMethods().entrySet()) {
            if (!entry.getValue().getBeanType().getPackageName().startsWith("dev.inference.ledger")) {
                continue;
            }
            for (String template : entry.getKey().getPatternValues()) {
                for (var method : entry.getKey().getMethodsCondition().getMethods()) {
                    endpoints.add(new Endpoint(method.name(), template, entry.getValue()));
                }
            }
        }
        assertThat(endpoints).as("the API's endpoints").hasSizeGreaterThan(20);
        return endpoints;
    }

    @Test
    void every_endpoint_of_the_api_declares_who_may_call_it() {
        assertThat(endpoints()).allSatisfy(e -> assertThat(e.allowed()).as(e + " has @Allowed").isNotNull());
    }

    @Test
    void every_endpoint_refuses_a_request_without_a_token() {
        HttpApi api = new HttpApi(port);
        for (Endpoint endpoint : endpoints()) {
            HttpApi.Response response = send(api, endpoint, OWN, null);
            assertThat(response.status()).as(endpoint.toString()).isEqualTo(401);
            assertThat(response.contentType()).as(endpoint.toString()).startsWith("application/problem+json");
        }
    }

    @Test
    void every_endpoint_answers_each_role_and_account_as_its_declaration_says() {
        HttpApi api = new HttpApi(port);
        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            for (Role role : Role.values()) {
                for (boolean bound : new boolean[] {false, true}) {
                    if (role.portal() && !bound) {
                        continue; // no such token
                    }
                    for (String target : List.of(OWN, OTHER)) {
                        boolean expectRefused = refused(endpoint, role, bound, target);
                        HttpApi.Response response = send(api, endpoint, target, token(role, bound));
                        boolean wasRefused = response.status() == 403;
                        String caseName = endpoint + " as " + role + (bound ? " bound to " + OWN : " unbound") + " naming " + target
                                + " → " + response.status() + " " + response.body();
                        if (wasRefused != expectRefused || response.status() == 401 || response.status() >= 500) {
                            wrong.add(caseName);
                        }
                        if (wasRefused) {
                            assertThat(response.body().get("type").asText()).as(caseName).isEqualTo("/problems/forbidden");
                        }
                    }
                }
            }
        }
        assertThat(wrong).as("answers that break the rule").isEmpty();
    }

    /** The rule, stated independently: role, reach, and a bound token only on the account the request names. */
    private static boolean refused(Endpoint endpoint, Role role, boolean bound, String target) {
        Allowed allowed = endpoint.allowed();
        if (Arrays.stream(allowed.value()).noneMatch(r -> r == role)) {
            return true;
        }
        if (bound && allowed.reach() == Allowed.Reach.ALL_ACCOUNTS) {
            return true;
        }
        return bound && namesAccount(endpoint) && !target.equals(OWN);
    }

    private static boolean namesAccount(Endpoint endpoint) {
        for (Parameter parameter : endpoint.handler().getMethod().getParameters()) {
            String name = RequestNames.pathOrQueryName(parameter);
            if (name != null && (AccessRule.ACCOUNT_NAMES.contains(name) || OWNED.containsKey(name))) {
                return true;
            }
            if (parameter.isAnnotationPresent(RequestBody.class) && bodyFields(parameter.getType()).contains("accountId")) {
                return true;
            }
        }
        return false;
    }

    /** Names that are not accounts must not look like one: an account path variable is {id} or {accountId}. */
    @Test
    void no_endpoint_names_an_account_under_another_name() {
        for (Endpoint endpoint : endpoints()) {
            for (Parameter parameter : endpoint.handler().getMethod().getParameters()) {
                String name = RequestNames.requestName(parameter);
                if (name != null) {
                    assertThat(name.toLowerCase()).as(endpoint + " parameter " + name)
                            .satisfiesAnyOf(n -> assertThat(n).doesNotContain("account"), n -> assertThat(n).isEqualTo("accountid"));
                }
            }
        }
    }

    @Test
    void every_path_variable_is_an_account_something_of_one_or_neither() {
        for (Endpoint endpoint : endpoints()) {
            Matcher m = VARIABLE.matcher(endpoint.template());
            while (m.find()) {
                assertThat(m.group(1)).as(endpoint + ": say in this suite what {" + m.group(1) + "} names")
                        .isIn(concat(AccessRule.ACCOUNT_NAMES, OWNED.keySet(), NEITHER));
            }
        }
    }

    private static List<String> concat(Set<String> a, Set<String> b, Set<String> c) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        all.addAll(c);
        return all;
    }

    private static final List<String> HOSTILE = List.of("percent-encoded", "double-encoded", "matrix-first", "matrix-last",
            "dot-segment", "dot-dot-segment", "double-slash", "upper-case", "trailing-slash", "encoded-slash", "encoded-dot");

    /**
     * Every path spelled as an attacker would, with no token and with a token bound to another account:
     * never a success. A spelling is either refused outright or means the same path and meets the same rule.
     */
    @Test
    void hostile_spellings_of_every_path_never_get_past_the_rule() {
        HttpApi api = new HttpApi(port);
        List<String> wrong = new ArrayList<>();
        for (Endpoint endpoint : endpoints()) {
            if (endpoint.allowed() == null) {
                continue;
            }
            for (String spelling : HOSTILE) {
                String path = hostile(spelling, concrete(endpoint, OTHER));
                HttpApi.Response anonymous = api.call(endpoint.method(), path, null, body(endpoint, OTHER), headers(endpoint));
                if (anonymous.status() < 400 || anonymous.status() >= 500) {
                    wrong.add(endpoint + " as " + path + " without a token → " + anonymous.status());
                }
                if (namesAccount(endpoint) || endpoint.allowed().reach() == Allowed.Reach.ALL_ACCOUNTS) {
                    String token = token(endpoint.allowed().value()[0], true);
                    HttpApi.Response bound = api.call(endpoint.method(), path, token, body(endpoint, OTHER), headers(endpoint));
                    if (bound.status() < 400 || bound.status() >= 500) {
                        wrong.add(endpoint + " as " + path + " bound to " + OWN + " → " + bound.status());
                    }
                }
            }
        }
        assertThat(wrong).as("hostile spellings that got through").isEmpty();
    }

    @Test
    void the_reported_bypasses_are_closed() {
        HttpApi api = new HttpApi(port);
        assertThat(api.post("/%61pi/v1/tokens", null, "{\"role\":\"admin\"}").status()).isEqualTo(401);
        assertThat(api.post("/api;x/v1/accounts/" + OWN + "/top-ups", null, "{\"amount\":\"50\"}", "Idempotency-Key", "k-1")
                .status()).isIn(400, 401);
        String staffOfOwn = tokens.get(Role.STAFF + "/bound");
        assertThat(api.post("/api/v1/accounts", staffOfOwn, "{\"accountId\":\"acct-new\",\"name\":\"New\"}").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/audit/reconciliation", tokens.get(Role.AUDITOR + "/bound")).status()).isEqualTo(403);
        assertThat(api.post("/api/v1/tokens", tokens.get(Role.ADMIN + "/bound"), "{\"role\":\"admin\"}").status()).isEqualTo(403);
        assertThat(api.get("/api/v1/accounts/acct-new", ADMIN).status()).isEqualTo(404);
    }

    private static String hostile(String spelling, String path) {
        return switch (spelling) {
            case "percent-encoded" -> path.replaceFirst("/api/", "/%61pi/");
            case "double-encoded" -> path.replaceFirst("/api/", "/%2561pi/");
            case "matrix-first" -> path.replaceFirst("/api/", "/api;x=1/");
            case "matrix-last" -> path + ";x=1";
            case "dot-segment" -> path.replaceFirst("/api/", "/api/./");
            case "dot-dot-segment" -> path.replaceFirst("/api/v1/", "/api/v1/../v1/");
            case "double-slash" -> path.replaceFirst("/api/", "/api//");
            case "upper-case" -> path.replaceFirst("/api/", "/API/");
            case "trailing-slash" -> path + "/";
            case "encoded-slash" -> path.replaceFirst("/v1/", "%2Fv1%2F");
            case "encoded-dot" -> path.replaceFirst("/api/", "/api/%2e/");
            default -> throw new IllegalArgumentException(spelling);
        };
    }

    private static HttpApi.Response send(HttpApi api, Endpoint endpoint, String account, String token) {
        return api.call(endpoint.method(), concrete(endpoint, account), token, body(endpoint, account), headers(endpoint));
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]+)}");

    /** The template with its variables filled in: accounts by {@code account}, anything else by a harmless id. */
    private static String concrete(Endpoint endpoint, String account) {
        Matcher m = VARIABLE.matcher(endpoint.template());
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            m.appendReplacement(path, AccessRule.ACCOUNT_NAMES.contains(name) ? account
                    : OWNED.containsKey(name) ? OWNED.get(name).get(account) : name.equals("scope") ? "project" : "x-1");
        }
        m.appendTail(path);
        return path + query(endpoint, account);
    }

    /** Query parameters: an account where the parameter names one, a harmless value where one is required. */
    private static String query(Endpoint endpoint, String account) {
        StringBuilder query = new StringBuilder();
        for (Parameter parameter : endpoint.handler().getMethod().getParameters()) {
            RequestParam param = parameter.getAnnotation(RequestParam.class);
            if (param == null) {
                continue;
            }
            String name = RequestNames.pathOrQueryName(parameter);
            if (AccessRule.ACCOUNT_NAMES.contains(name) || param.required() && param.defaultValue().equals(ValueConstants.DEFAULT_NONE)) {
                query.append(query.isEmpty() ? "?" : "&").append(name).append('=')
                        .append(AccessRule.ACCOUNT_NAMES.contains(name) ? account : "x-1");
            }
        }
        return query.toString();
    }

    private static String body(Endpoint endpoint, String account) {
        for (Parameter parameter : endpoint.handler().getMethod().getParameters()) {
            if (parameter.isAnnotationPresent(RequestBody.class)) {
                List<String> fields = bodyFields(parameter.getType());
                StringBuilder json = new StringBuilder("{");
                for (String field : fields.isEmpty() ? List.of("accountId") : fields) {
                    json.append(json.length() > 1 ? "," : "").append('"').append(field).append("\":")
                            .append(field.equals("accountId") ? "\"" + account + "\"" : "null");
                }
                return json.append('}').toString();
            }
        }
        return endpoint.method().equals("GET") || endpoint.method().equals("DELETE") ? null : "{}";
    }

    private static List<String> bodyFields(Class<?> type) {
        if (type.isRecord()) {
            return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        }
        return type.getName().endsWith("JsonNode") ? List.of("accountId") : List.of();
    }

    private static String[] headers(Endpoint endpoint) {
        for (Parameter parameter : endpoint.handler().getMethod().getParameters()) {
            if (parameter.isAnnotationPresent(RequestHeader.class)) {
                return new String[] {RequestNames.requestName(parameter), UUID.randomUUID().toString()};
            }
        }
        return new String[0];
    }
}
