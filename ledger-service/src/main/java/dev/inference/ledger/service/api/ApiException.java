package dev.inference.ledger.service.api;

import dev.inference.ledger.service.account.registry.AccountRegistry;

/** A request the API refuses before it reaches an aggregate; becomes a problem document. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String title;

    public ApiException(int status, String code, String title, String detail) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public static ApiException badRequest(String code, String detail) {
        return new ApiException(400, code, "Invalid request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not-found", "Not found", detail);
    }

    /** A 404 unless {@code id} is an account the ledger opened. */
    static void requireAccount(AccountRegistry registry, String id) {
        if (!registry.exists(id)) {
            throw notFound("no account '" + id + "'");
        }
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }
}
