package dev.inference.ledger.kernel.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import dev.inference.ledger.kernel.input.Identifier;

class UsageDecoderTest {

    /** The fixtures' dates are a few hours before this fixed now, so they never age out of the window. */
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private final UsageDecoder decoder = new UsageDecoder(UsageWindow.of(Clock.fixed(NOW, ZoneOffset.UTC)));

    @Test
    void a_token_record_of_the_contract_is_read_with_its_attribution() {
        Decoded decoded = decode("""
                {"eventId":"gw-7f3a-000001","kind":"tokens","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "source":"gateway-eu-1","apiKeyId":"key-1","projectId":"proj-a","memberId":"user-3",
                 "model":"deepseek-ai/DeepSeek-V3","provider":"deepinfra","inputTokens":2000,"cachedInputTokens":0,"outputTokens":500,
                 "aFieldFromANewerContract":true}""");

        UsageRecord record = ((Decoded.Valid) decoded).record();
        assertThat(record.eventId()).isEqualTo("gw-7f3a-000001");
        assertThat(record.occurredAt()).isEqualTo(Instant.parse("2026-11-22T10:00:00Z"));
        assertThat(record.attribution().apiKeyId()).isEqualTo("key-1");
        assertThat(record.tokens().input()).isEqualTo(2000);
        assertThat(record.tokens().output()).isEqualTo(500);
    }

    @Test
    void a_compute_interval_of_the_contract_is_read_with_its_seconds_exactly() {
        UsageRecord record = ((Decoded.Valid) decode("""
                {"eventId":"gpu-1","kind":"compute","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "meter":"llm.micro","seconds":"60.0","replicas":2,"state":"idle"}""")).record();

        assertThat(record.meter()).isEqualTo("llm.micro");
        assertThat(record.seconds()).isEqualByComparingTo("60");
        assertThat(record.replicas()).isEqualTo(2);
        assertThat(record.state()).isEqualTo("idle");
    }

    @Test
    void a_compute_record_that_names_its_endpoint_covers_an_interval_from_when_it_occurred() {
        UsageRecord record = ((Decoded.Valid) decode("""
                {"eventId":"gpu-3","kind":"compute","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "meter":"llm.micro","seconds":"90.5","endpoint":"chat-prod","replica":"r2"}""")).record();

        assertThat(record.interval()).isEqualTo(new Interval("chat-prod", "r2", Instant.parse("2026-11-22T10:00:00Z"),
                Instant.parse("2026-11-22T10:01:30.500Z")));
    }

    @Test
    void a_record_followed_by_a_line_break_is_one_record() {
        assertThat(decode(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\"") + "\n")).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void millisecond_seconds_are_read_exactly() {
        UsageRecord record = ((Decoded.Valid) decode("""
                {"eventId":"gpu-ms","kind":"compute","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "meter":"llm.micro","seconds":"12.345"}""")).record();
        assertThat(record.seconds()).isEqualByComparingTo("12.345");
    }

    @Test
    void a_compute_interval_without_replicas_or_state_is_one_running_replica() {
        UsageRecord record = ((Decoded.Valid) decode("""
                {"eventId":"gpu-2","kind":"compute","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "meter":"aws.gpu.small","seconds":3600}""")).record();

        assertThat(record.replicas()).isEqualTo(1);
        assertThat(record.state()).isEqualTo("running");
    }

    @Test
    void a_units_record_of_the_contract_is_read() {
        UsageRecord record = ((Decoded.Valid) decode("""
                {"eventId":"img-1","kind":"units","accountId":"acct-42","occurredAt":"2026-11-22T10:00:00Z",
                 "model":"black-forest-labs/FLUX-1-schnell","unit":"image","quantity":"4"}""")).record();

        assertThat(record.unit()).isEqualTo("image");
        assertThat(record.quantity()).isEqualByComparingTo("4");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json                        | {"eventId":                                                                                          | malformed-json
            not an object                   | [1,2]                                                                                                | malformed-json
            no eventId                      | {"kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1}     | missing-field
            no model                        | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","inputTokens":1}   | missing-field
            no counts                       | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m"}       | missing-field
            bad time                        | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"yesterday","model":"m","inputTokens":1}  | invalid-field
            bad kind                        | {"eventId":"e","kind":"vibes","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m"}        | invalid-field
            bad account                     | {"eventId":"e","kind":"tokens","accountId":"a b","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1} | invalid-field
            fractional tokens               | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1.5} | invalid-field
            tokens as string                | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":"1"} | invalid-field
            negative tokens                 | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","outputTokens":-3} | negative-quantity
            impossible cached count         | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":2000,"cachedInputTokens":9999999} | implausible-quantity
            compute without meter           | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","seconds":"60"}          | missing-field
            compute without seconds         | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro"}     | missing-field
            seconds as a binary fraction    | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":60.5} | invalid-field
            seconds not a number            | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"a minute"} | invalid-field
            seconds in exponent notation    | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1e3"} | invalid-field
            seconds over a year             | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"31622401"} | implausible-quantity
            seconds over a year, whole      | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":40000000} | implausible-quantity
            seconds in Arabic-Indic digits  | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"١٢"} | invalid-field
            seconds with a plus sign        | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"+12"} | invalid-field
            seconds with a space            | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":" 12"} | invalid-field
            seconds ending in a point       | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"12."} | invalid-field
            seconds starting with a point   | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":".5"} | invalid-field
            a billion replicas              | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1","replicas":1000000000} | implausible-quantity
            replicas beyond a long          | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1","replicas":99999999999999999999} | invalid-field
            output beyond any request       | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","outputTokens":10000001} | implausible-quantity
            input beyond any request        | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":9223372036854775807} | implausible-quantity
            tokens in exponent notation     | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1e3} | invalid-field
            units beyond a million          | {"eventId":"e","kind":"units","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","unit":"image","quantity":"1000001"} | implausible-quantity
            a key twice                     | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1,"inputTokens":900} | repeated-key
            a key twice, same value         | {"eventId":"e","eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1} | repeated-key
            a nested key twice              | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1,"meta":{"x":1,"x":2}} | repeated-key
            a second document after it      | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1}{"eventId":"f","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1} | trailing-content
            text after it                   | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1} trailing words | trailing-content
            a number after it               | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":1} 7 | trailing-content
            negative seconds                | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"-1"} | negative-quantity
            negative replicas               | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1","replicas":-1} | negative-quantity
            unknown state                   | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1","state":"napping"} | invalid-field
            units without unit              | {"eventId":"e","kind":"units","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","quantity":"4"} | missing-field
            units without model             | {"eventId":"e","kind":"units","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","unit":"image","quantity":"4"} | missing-field
            negative quantity               | {"eventId":"e","kind":"units","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","unit":"image","quantity":"-4"} | negative-quantity
            a quantity of a billion digits  | {"eventId":"e","kind":"units","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","unit":"image","quantity":"1E+1000000000"} | invalid-field
            seconds of a billion places     | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1E-1000000000"} | invalid-field
            """)
    void a_bad_record_is_rejected_with_a_stable_reason(String why, String json, String reason) {
        Decoded decoded = decode(json);
        assertThat(decoded).isInstanceOfSatisfying(Decoded.Invalid.class,
                invalid -> assertThat(invalid.rejection().reason()).as(why).isEqualTo(reason));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a year ahead                | 2027-11-22T12:00:00Z      | future-event
            six minutes ahead           | 2026-11-22T12:06:00Z      | future-event
            in 2099                     | 2099-01-01T00:00:00Z      | future-event
            in 1970                     | 1970-01-01T00:00:00Z      | too-late
            40 days ago                 | 2026-10-13T12:00:00Z      | too-late
            a second beyond 35 days     | 2026-10-18T11:59:59Z      | too-late
            """)
    void a_record_outside_the_time_window_is_rejected(String why, String occurredAt, String reason) {
        assertThat(rejection(tokens("\"occurredAt\":\"" + occurredAt + "\"")).reason()).as(why).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            five minutes ahead          | 2026-11-22T12:05:00Z
            exactly 35 days ago         | 2026-10-18T12:00:00Z
            """)
    void a_record_at_the_edge_of_the_time_window_is_accepted(String why, String occurredAt) {
        assertThat(decode(tokens("\"occurredAt\":\"" + occurredAt + "\""))).as(why).isInstanceOf(Decoded.Valid.class);
    }

    @Test
    void the_lateness_window_is_configurable() {
        UsageDecoder strict = new UsageDecoder(new UsageWindow(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofDays(1)));
        Decoded decoded = strict.decode(tokens("\"occurredAt\":\"2026-11-20T12:00:00Z\"").getBytes(StandardCharsets.UTF_8));
        assertThat(((Decoded.Invalid) decoded).rejection().reason()).isEqualTo(Rejection.TOO_LATE);
    }

    @Test
    void a_record_names_the_hold_it_settles_and_ends_it_unless_it_says_final_false() {
        var ends = ((Decoded.Valid) decode(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\",\"holdId\":\"h-1\""))).record().attribution();
        var draws = ((Decoded.Valid) decode(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\",\"holdId\":\"h-1\",\"final\":false"))).record().attribution();

        assertThat(ends.holdId()).isEqualTo("h-1");
        assertThat(ends.endsHold()).isTrue();
        assertThat(draws.endsHold()).isFalse();
        assertThat(((Decoded.Valid) decode(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\""))).record().attribution().endsHold()).isFalse();
    }

    @Test
    void final_is_a_boolean_beside_a_hold() {
        assertThat(rejection(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\",\"holdId\":\"h-1\",\"final\":\"no\"")).reason()).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(rejection(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\",\"final\":false")).detail()).contains("needs a holdId");
    }

    /** Every text field the decoder reads, by the kind of record that carries it. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"EVENT_ID", "ACCOUNT", "SOURCE", "API_KEY", "PROJECT", "MEMBER", "MODEL", "PROVIDER", "METER",
            "ENDPOINT", "REPLICA", "UNIT", "TRACE", "HOLD"})
    void every_identifier_longer_than_its_bound_is_an_invalid_field_whose_detail_does_not_repeat_it(Identifier id) {
        String huge = "x".repeat(10_000);
        Rejection rejection = rejection(recordWith(id, huge));

        assertThat(rejection.reason()).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(rejection.detail()).startsWith(id.field()).hasSizeLessThan(200);
        assertThat(decode(recordWith(id, "x".repeat(id.maxLength())))).isInstanceOf(Decoded.Valid.class);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"EVENT_ID", "ACCOUNT", "SOURCE", "API_KEY", "PROJECT", "MEMBER", "MODEL", "PROVIDER", "METER",
            "ENDPOINT", "REPLICA", "UNIT", "TRACE", "HOLD"})
    void every_identifier_with_a_control_character_is_an_invalid_field(Identifier id) {
        Rejection rejection = rejection(recordWith(id, "a\\u0000b"));

        assertThat(rejection.reason()).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(rejection.detail()).startsWith(id.field()).doesNotContain("\u0000");
    }

    @Test
    void a_decimal_string_of_sixty_thousand_digits_is_refused_by_its_length_without_being_parsed() {
        Rejection rejection = rejection(units("\"quantity\":\"" + "9".repeat(60_000) + "\""));

        assertThat(rejection.reason()).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(rejection.detail()).contains("60000 characters").hasSizeLessThan(200);
    }

    @Test
    void a_json_number_of_five_hundred_digits_is_refused_by_the_parsers_bound_before_it_is_read() {
        Rejection rejection = rejection(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\",\"outputTokens\":" + "9".repeat(500)));

        assertThat(rejection.reason()).isEqualTo(Rejection.INVALID_FIELD);
        assertThat(rejection.detail()).contains("exceeds the maximum").hasSizeLessThan(300);
    }

    @Test
    void a_huge_kind_state_or_time_is_not_repeated_in_the_detail() {
        String huge = "y".repeat(50_000);
        for (String json : List.of(tokens("\"occurredAt\":\"2026-11-22T10:00:00Z\"").replace("\"tokens\"", "\"" + huge + "\""),
                tokens("\"occurredAt\":\"" + huge + "\""),
                "{\"eventId\":\"e\",\"kind\":\"compute\",\"accountId\":\"a\",\"occurredAt\":\"2026-11-22T10:00:00Z\","
                        + "\"meter\":\"llm.micro\",\"seconds\":\"1\",\"state\":\"" + huge + "\"}")) {
            Rejection rejection = rejection(json);
            assertThat(rejection.reason()).isEqualTo(Rejection.INVALID_FIELD);
            assertThat(rejection.detail()).hasSizeLessThan(300);
        }
    }

    @Test
    void a_rejections_detail_is_bounded_whoever_writes_it() {
        assertThat(new Rejection("any", "z".repeat(100_000)).detail()).hasSizeLessThanOrEqualTo(Rejection.MAX_DETAIL + 1);
    }

    @Test
    void a_record_over_64_kib_is_rejected_before_it_is_parsed() {
        Decoded decoded = decoder.decode(new byte[UsageDecoder.MAX_BYTES + 1]);
        assertThat(((Decoded.Invalid) decoded).rejection().reason()).isEqualTo(Rejection.TOO_LARGE);
    }

    private Decoded decode(String json) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private Rejection rejection(String json) {
        Decoded decoded = decode(json);
        assertThat(decoded).isInstanceOf(Decoded.Invalid.class);
        return ((Decoded.Invalid) decoded).rejection();
    }

    private static String tokens(String fields) {
        return "{\"eventId\":\"e\",\"kind\":\"tokens\",\"accountId\":\"a\"," + fields
                + ",\"model\":\"deepseek-ai/DeepSeek-V3\",\"inputTokens\":1}";
    }

    private static String units(String fields) {
        return "{\"eventId\":\"e\",\"kind\":\"units\",\"accountId\":\"a\",\"occurredAt\":\"2026-11-22T10:00:00Z\","
                + "\"model\":\"m\",\"unit\":\"image\"," + fields + "}";
    }

    /** A valid record of a kind that reads {@code id}, with {@code value} (raw JSON string content) in that field. */
    private static String recordWith(Identifier id, String value) {
        var fields = new java.util.LinkedHashMap<String, String>();
        fields.put("eventId", "e");
        fields.put("kind", id == Identifier.UNIT ? "units" : id == Identifier.METER || id == Identifier.ENDPOINT
                || id == Identifier.REPLICA ? "compute" : "tokens");
        fields.put("accountId", "a");
        fields.put("occurredAt", "2026-11-22T10:00:00Z");
        switch (fields.get("kind")) {
            case "units" -> {
                fields.put("model", "m");
                fields.put("unit", "image");
                fields.put("quantity", "4");
            }
            case "compute" -> {
                fields.put("meter", "llm.micro");
                fields.put("seconds", "60");
                fields.put("endpoint", "chat");
            }
            default -> fields.put("model", "m");
        }
        fields.put(id.field(), value);
        StringBuilder json = new StringBuilder("{");
        fields.forEach((k, v) -> json.append('"').append(k).append("\":\"").append(v).append("\","));
        return json.append("\"inputTokens\":1}").toString();
    }
}
