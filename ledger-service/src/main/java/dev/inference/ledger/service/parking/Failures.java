package dev.inference.ledger.service.parking;

/** What an operator reads of a failure: its kind and message, and its root cause's, kept short. */
public final class Failures {

    private static final int MAX = 2000;

    private Failures() {
    }

    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root == e ? "" : " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")");
        return text.length() <= MAX ? text : text.substring(0, MAX);
    }
}
