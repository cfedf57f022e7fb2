package dev.inference.ledger.service.invoice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.fontbox.ttf.TTFParser;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.io.RandomAccessReadBuffer;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.pdmodel.font.PDType0Font;

/**
 * The fonts a document embeds, so that any name a client gives prints as written: DejaVu Sans first, then
 * Droid Sans Fallback (Chinese, Japanese) and Nanum Square (Korean) for the scripts it lacks (resources/fonts/README.md). Text is drawn in runs, each in
 * the first font that has all its characters.
 */
final class DocumentFonts {

    private static final byte[] PRIMARY = read("/fonts/DejaVuSans.ttf");
    private static final byte[] FALLBACK = read("/fonts/DroidSansFallbackFull.ttf");
    private static final byte[] HANGUL = read("/fonts/NanumSquareR.ttf");
    private static final int REPLACEMENT = 0xFFFD;

    /** A piece of text and the font that draws it. */
    record Run(PDFont font, String text) {
    }

    private final List<TrueTypeFont> faces = new ArrayList<>(3);
    private final List<PDFont> fonts = new ArrayList<>(3);

    /** The fonts for one document, embedded as subsets when it is saved. */
    DocumentFonts(PDDocument document) throws IOException {
        for (byte[] bytes : new byte[][] {PRIMARY, FALLBACK, HANGUL}) {
            TrueTypeFont face = new TTFParser().parse(new RandomAccessReadBuffer(bytes));
            faces.add(face);
            fonts.add(PDType0Font.load(document, face, true));
        }
    }

    /** {@code text} cut into runs of one font each; control characters become spaces, characters no font has U+FFFD. */
    List<Run> runs(String text) throws IOException {
        List<Run> runs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int currentFont = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isISOControl(cp)) {
                cp = ' ';
            }
            int font = fontFor(cp);
            if (font < 0) {
                cp = REPLACEMENT;
                font = Math.max(fontFor(cp), 0);
            }
            if (font != currentFont && !current.isEmpty()) {
                runs.add(new Run(fonts.get(currentFont), current.toString()));
                current.setLength(0);
            }
            currentFont = font;
            current.appendCodePoint(cp);
        }
        if (!current.isEmpty()) {
            runs.add(new Run(fonts.get(currentFont), current.toString()));
        }
        return runs;
    }

    private int fontFor(int codePoint) throws IOException {
        for (int i = 0; i < faces.size(); i++) {
            if (faces.get(i).getUnicodeCmapLookup().getGlyphId(codePoint) > 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] read(String resource) {
        try (InputStream in = DocumentFonts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the font " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
