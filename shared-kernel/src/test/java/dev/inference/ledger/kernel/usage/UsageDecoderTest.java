package dev.inference.ledger.kernel.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageDecoderTest {

    private final UsageDecoder decoder = new UsageDecoder();

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
            impossible cached count         | {"eventId":"e","kind":"tokens","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","model":"m","inputTokens":2000,"cachedInputTokens":9999999} | impossible-count
            compute without meter           | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","seconds":"60"}          | missing-field
            compute without seconds         | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro"}     | missing-field
            seconds as a binary fraction    | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":60.5} | invalid-field
            seconds not a number            | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"a minute"} | invalid-field
            seconds over a year             | {"eventId":"e","kind":"compute","accountId":"a","occurredAt":"2026-11-22T10:00:00Z","meter":"llm.micro","seconds":"1e30"} | invalid-field
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

    @Test
    void a_record_over_64_kib_is_rejected_before_it_is_parsed() {
        Decoded decoded = decoder.decode(new byte[UsageDecoder.MAX_BYTES + 1]);
        assertThat(((Decoded.Invalid) decoded).rejection().reason()).isEqualTo(Rejection.TOO_LARGE);
    }

    private Decoded decode(String json) {
        return decoder.decode(json.getBytes(StandardCharsets.UTF_8));
    }
}
