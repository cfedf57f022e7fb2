package dev.inference.ledger.invoicing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

class InvoiceDocumentsTest {

    private static final Instant MONTH = Instant.parse("2026-11-01T00:00:00Z");

    @Test
    void a_buyer_named_in_any_script_is_printed_as_written_with_its_fonts_embedded() throws IOException {
        String name = "Σοφία Łukasz Иван 北京数据科技有限公司 株式会社テスト 한국어 עברית";
        byte[] pdf = InvoiceDocuments.pdf(invoice("INV-2026-000001"), name);

        try (PDDocument document = Loader.loadPDF(pdf)) {
            String text = new PDFTextStripper().getText(document);
            for (String word : name.split(" ")) {
                if (!word.equals("עברית")) { // right-to-left: drawn, but a text extractor reads it back in drawing order
                    assertThat(text).as(word).contains(word);
                }
            }
            assertThat(text).doesNotContain("????");
            for (var fontName : document.getPage(0).getResources().getFontNames()) {
                PDFont font = document.getPage(0).getResources().getFont(fontName);
                assertThat(font.isEmbedded()).as(font.getName()).isTrue();
            }
        }
    }

    @Test
    void control_characters_in_a_name_do_not_break_the_document() throws IOException {
        byte[] pdf = InvoiceDocuments.pdf(invoice("INV-2026-000002"), "Acme\u0000\u0007\nLabs \uD83D\uDE80");
        try (PDDocument document = Loader.loadPDF(pdf)) {
            assertThat(new PDFTextStripper().getText(document)).contains("Acme").contains("Labs");
        }
    }

    private static InvoiceView invoice(String number) {
        InvoiceView.Line line = new InvoiceView.Line(1, "usage", "deepseek-ai/DeepSeek-V3", "deepinfra", "input", "1M tokens", new BigDecimal("0.49"),
                new BigDecimal("1000000"), new BigDecimal("0.490000000000"), new BigDecimal("0.49"), 3, MONTH, MONTH);
        return new InvoiceView(number, "inv-1", "acct-1", "monthly", "USD", MONTH, Instant.parse("2026-12-01T00:00:00Z"),
                new BigDecimal("0.490000000000"), BigDecimal.ZERO, new BigDecimal("0.49"), BigDecimal.ZERO, Instant.parse("2026-12-01T00:00:05Z"),
                "issued", 0, 0, null, null, null, null, null, BigDecimal.ZERO, List.of(line), List.of());
    }
}
