package dev.inference.ledger.invoicing;

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
 * Droid Sans Fallback (Chinese, Japanese) and Nanum Square (Korean) for the scripts it lacks
 * (resources/fonts/README.md). Text is drawn in runs, each in the first font that has all its characters.
 */
final class DocumentFonts {

    /** In the order they are tried: DejaVu Sans, then Droid Sans Fallback, then Nanum Square. */
    private static final List<byte[]> FACES = List.of(read("/fonts/DejaVuSans.ttf"), read("/fonts/DroidSansFallbackFull.ttf"),
            read("/fonts/NanumSquareR.ttf"));
    private static final int REPLACEMENT = 0xFFFD;

    /** A piece of text and the font that draws it. */
    record Run(PDFont font, String text) {
    }

    private final PDDocument document;
    // Parsed and added to the document only once a character needs them: most invoices need the first alone.
    private final TrueTypeFont[] faces = new TrueTypeFont[FACES.size()];
    private final PDFont[] fonts = new PDFont[FACES.size()];

    /** The fonts for one document, each embedded as a subset when it is saved, if it was used. */
    DocumentFonts(PDDocument document) {
        this.document = document;
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
                runs.add(new Run(font(currentFont), current.toString()));
                current.setLength(0);
            }
            currentFont = font;
            current.appendCodePoint(cp);
        }
        if (!current.isEmpty()) {
            runs.add(new Run(font(currentFont), current.toString()));
        }
        return runs;
    }

    private int fontFor(int codePoint) throws IOException {
        for (int i = 0; i < faces.length; i++) {
            if (face(i).getUnicodeCmapLookup().getGlyphId(codePoint) > 0) {
                return i;
            }
        }
        return -1;
    }

    private TrueTypeFont face(int i) throws IOException {
        if (faces[i] == null) {
            faces[i] = new TTFParser().parse(new RandomAccessReadBuffer(FACES.get(i)));
        }
        return faces[i];
    }

    private PDFont font(int i) throws IOException {
        if (fonts[i] == null) {
            fonts[i] = PDType0Font.load(document, face(i), true);
        }
        return fonts[i];
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
