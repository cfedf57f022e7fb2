package dev.inference.ledger.service.account.entries;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.inference.ledger.kernel.input.CsvCell;

/**
 * One account's ledger entries, oldest first, streamed page by page from its events (never all in memory):
 * JSON lines or CSV, each entry with its cursor, type, reference, changes, balance after, times, and for
 * usage its item, provider, catalog version and cost.
 */
@Component
public class EntriesExport {

    private static final int PAGE = 1_000;
    private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).setRootValueSeparator(null);
    static final String CSV_HEADER = "cursor,sequence,type,reference,balance_change,unbilled_change,balance_after,occurred_at,recorded_at,"
            + "item,provider,catalog_version,cost\n";

    private final EntriesProjection entries;

    public EntriesExport(EntriesProjection entries) {
        this.entries = entries;
    }

    public void jsonLines(String accountId, OutputStream out) {
        each(accountId, page -> {
            try (JsonGenerator json = JSON.createGenerator(out)) {
                for (LedgerEntry e : page) {
                    json.writeStartObject();
                    json.writeStringField("cursor", e.cursor().encode());
                    json.writeNumberField("sequence", e.cursor().sequence());
                    json.writeStringField("type", e.type());
                    json.writeStringField("reference", e.reference());
                    json.writeStringField("balanceChange", e.balanceChange().toPlainString());
                    json.writeStringField("unbilledChange", e.unbilledChange().toPlainString());
                    json.writeStringField("balanceAfter", e.balanceAfter() == null ? null : e.balanceAfter().toPlainString());
                    json.writeStringField("occurredAt", String.valueOf(e.occurredAt()));
                    json.writeStringField("recordedAt", String.valueOf(e.recordedAt()));
                    if (e.details() != null && e.details().charge() != null) {
                        var charge = e.details().charge();
                        json.writeStringField("item", charge.item());
                        json.writeStringField("provider", charge.provider());
                        json.writeNumberField("catalogVersion", charge.catalogVersion());
                        json.writeStringField("cost", charge.cost().toPlainString());
                    }
                    json.writeEndObject();
                    json.writeRaw('\n');
                }
            }
        });
    }

    public void csv(String accountId, OutputStream out) {
        write(out, CSV_HEADER);
        each(accountId, page -> {
            StringBuilder rows = new StringBuilder(page.size() * 160);
            for (LedgerEntry e : page) {
                var charge = e.details() == null ? null : e.details().charge();
                rows.append(String.join(",", e.cursor().encode(), String.valueOf(e.cursor().sequence()), e.type(), CsvCell.of(e.reference()),
                        e.balanceChange().toPlainString(), e.unbilledChange().toPlainString(),
                        e.balanceAfter() == null ? "" : e.balanceAfter().toPlainString(), String.valueOf(e.occurredAt()),
                        String.valueOf(e.recordedAt()), charge == null ? "" : CsvCell.of(charge.item()), charge == null ? "" : CsvCell.of(charge.provider()),
                        charge == null ? "" : String.valueOf(charge.catalogVersion()), charge == null ? "" : charge.cost().toPlainString()))
                        .append('\n');
            }
            write(out, rows.toString());
        });
    }

    private interface PageWriter {
        void write(List<LedgerEntry> page) throws IOException;
    }

    private void each(String accountId, PageWriter writer) {
        EntryCursor cursor = EntryCursor.START;
        try {
            for (List<LedgerEntry> page = entries.page(accountId, cursor, PAGE); !page.isEmpty(); page = entries.page(accountId, cursor, PAGE)) {
                writer.write(page);
                cursor = page.get(page.size() - 1).cursor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the export stopped", e);
        }
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("the export stopped", e);
        }
    }
}
