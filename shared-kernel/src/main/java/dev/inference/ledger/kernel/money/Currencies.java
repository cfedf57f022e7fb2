package dev.inference.ledger.kernel.money;

import java.util.Set;

/** The currencies the ledger keeps accounts in. Prices are published in USD; others come with FX. */
public final class Currencies {

    public static final String USD = "USD";
    private static final Set<String> SUPPORTED = Set.of(USD);

    private Currencies() {
    }

    public static boolean isSupported(String code) {
        return code != null && SUPPORTED.contains(code);
    }

    public static String requireSupported(String code) {
        if (!isSupported(code)) {
            throw new IllegalArgumentException("unsupported currency: " + code + " (supported: " + SUPPORTED + ")");
        }
        return code;
    }
}
