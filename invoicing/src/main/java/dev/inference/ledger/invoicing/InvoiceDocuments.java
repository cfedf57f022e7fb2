package dev.inference.ledger.invoicing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import dev.inference.ledger.kernel.input.CsvCell;

/** An issued invoice as a person reads it: a PDF (PDFBox) and a CSV of its lines. */
public final class InvoiceDocuments {

    static final String SELLER = "Inference billing ledger";
    private static final float MARGIN = 50;
    private static final float LEADING = 14;

    private InvoiceDocuments() {
    }

    public static byte[] pdf(InvoiceView invoice, String buyerName) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Invoice " + invoice.number(), ""});
        rows.add(new String[] {"Seller: " + SELLER, ""});
        rows.add(new String[] {"Buyer: " + buyerName + " (" + invoice.accountId() + ")", ""});
        rows.add(new String[] {"Kind: " + invoice.kind() + "   Status: " + invoice.status(), ""});
        if (invoice.creditNote() != null) {
            rows.add(new String[] {"VOID: cancelled by credit note " + invoice.creditNote() + " (" + invoice.voidReason() + ")", ""});
        }
        rows.add(new String[] {"Period: " + invoice.periodStart() + " to " + invoice.periodEnd(), ""});
        rows.add(new String[] {"Issued: " + invoice.issuedAt(), ""});
        rows.add(new String[] {"", ""});
        rows.add(new String[] {"Line", "Amount " + invoice.currency()});
        for (InvoiceView.Line l : invoice.lines()) {
            rows.add(new String[] {l.lineNo() + ". " + describe(l), l.amount().setScale(2).toPlainString()});
            if (l.quantity() != null) {
                rows.add(new String[] {"    " + l.quantity().stripTrailingZeros().toPlainString() + " at " + l.unitPrice().stripTrailingZeros()
                        .toPlainString() + " per " + l.priceUnit() + ", " + l.records() + " records, exact " + l.exactAmount().toPlainString(), ""});
            }
        }
        rows.add(new String[] {"", ""});
        rows.add(new String[] {"Exact charges", invoice.exactCharges().toPlainString()});
        rows.add(new String[] {"Rounding carried in", invoice.carriedIn().toPlainString()});
        rows.add(new String[] {"Rounding carried to the next invoice", invoice.carriedOut().toPlainString()});
        rows.add(new String[] {"Total due", invoice.total().setScale(2).toPlainString() + " " + invoice.currency()});
        if (!invoice.creditNotes().isEmpty()) {
            rows.add(new String[] {"", ""});
            for (InvoiceView.CreditNote note : invoice.creditNotes()) {
                rows.add(new String[] {"Credit note " + note.creditNoteNumber() + " (" + note.settlement()
                        + (note.refundStatus() == null ? "" : ", refund " + note.refundStatus()) + "): " + note.reason(),
                        note.amount().negate().setScale(2).toPlainString()});
            }
            rows.add(new String[] {"Total after credit notes", invoice.total().subtract(invoice.credited()).setScale(2).toPlainString() + " "
                    + invoice.currency()});
        }
        rows.add(new String[] {"Tax: not charged", ""});
        try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            DocumentFonts fonts = new DocumentFonts(document);
            int perPage = (int) ((PDRectangle.A4.getHeight() - 2 * MARGIN) / LEADING);
            for (int first = 0; first < rows.size(); first += perPage) {
                PDPage page = new PDPage(PDRectangle.A4);
                document.addPage(page);
                try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                    float y = PDRectangle.A4.getHeight() - MARGIN;
                    for (String[] row : rows.subList(first, Math.min(rows.size(), first + perPage))) {
                        write(text, fonts, MARGIN, y, row[0]);
                        write(text, fonts, PDRectangle.A4.getWidth() - MARGIN - 110, y, row[1]);
                        y -= LEADING;
                    }
                }
            }
            document.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String csv(InvoiceView invoice) {
        StringBuilder csv = new StringBuilder("number,line,kind,item,provider,component,quantity,unit_price,price_unit,records,"
                + "first_occurred_at,last_occurred_at,exact_amount,amount,currency\n");
        for (InvoiceView.Line l : invoice.lines()) {
            csv.append(String.join(",", CsvCell.of(invoice.number()), String.valueOf(l.lineNo()), CsvCell.of(l.kind()), CsvCell.of(l.item()),
                    CsvCell.of(l.provider()), CsvCell.of(l.component()), plain(l.quantity()), plain(l.unitPrice()), CsvCell.of(l.priceUnit()),
                    String.valueOf(l.records()), l.firstOccurredAt() == null ? "" : l.firstOccurredAt().toString(), l.lastOccurredAt() == null ? "" : l.lastOccurredAt().toString(),
                    plain(l.exactAmount()), plain(l.amount()), invoice.currency())).append('\n');
        }
        for (InvoiceView.CreditNote note : invoice.creditNotes()) {
            csv.append(String.join(",", CsvCell.of(invoice.number()), CsvCell.of(note.creditNoteNumber()), "credit-note",
                    CsvCell.of(note.reason()), "", CsvCell.of(note.settlement()), "", "", "", "0", note.creditedAt().toString(),
                    note.creditedAt().toString(), plain(note.amount().negate()), plain(note.amount().negate()), invoice.currency())).append('\n');
        }
        return csv.toString();
    }

    private static String describe(InvoiceView.Line l) {
        return l.item() + (l.provider() == null ? "" : " (" + l.provider() + ")") + ", " + l.component();
    }

    /** A name from a client prints as written, in whichever embedded font has its script; a long one is cut. */
    private static void write(PDPageContentStream text, DocumentFonts fonts, float x, float y, String value) throws IOException {
        if (value.isEmpty()) {
            return;
        }
        String shown = value.codePointCount(0, value.length()) > 110 ? value.substring(0, value.offsetByCodePoints(0, 110)) : value;
        text.beginText();
        text.newLineAtOffset(x, y);
        for (DocumentFonts.Run run : fonts.runs(shown)) {
            text.setFont(run.font(), 10);
            text.showText(run.text());
        }
        text.endText();
    }

    private static String plain(BigDecimal value) {
        return value == null ? "" : value.toPlainString();
    }
}
