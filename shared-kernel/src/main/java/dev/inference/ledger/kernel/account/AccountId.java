package dev.inference.ledger.kernel.account;

import java.util.regex.Pattern;

/** Account ids are chosen by the platform; they travel as Kafka keys and URL segments, so the alphabet is narrow. */
public final class AccountId {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");

    private AccountId() {
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String require(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("account id must be 1-64 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
        }
        return id;
    }
}
