package dev.inference.ledger.service.api;

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
