package dev.inference.ledger.kernel.input;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvCellTest {

    @Test
    void a_cell_that_a_spreadsheet_would_run_as_a_formula_is_defused() {
        assertThat(CsvCell.of("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(CsvCell.of("+1+cmd|' /C calc'!A0")).startsWith("\"'+");
        assertThat(CsvCell.of("-2+3")).isEqualTo("\"'-2+3\"");
        assertThat(CsvCell.of("@SUM(A1)")).isEqualTo("\"'@SUM(A1)\"");
        assertThat(CsvCell.of("\t=1")).isEqualTo("\"'\t=1\"");
    }

    @Test
    void amounts_negative_ones_included_stay_numbers_and_plain_text_stays_as_it_is() {
        assertThat(CsvCell.of("-0.001425")).isEqualTo("\"-0.001425\"");
        assertThat(CsvCell.of("12")).isEqualTo("\"12\"");
        assertThat(CsvCell.of("top-up t-1")).isEqualTo("\"top-up t-1\"");
        assertThat(CsvCell.of(null)).isEmpty();
    }
}
