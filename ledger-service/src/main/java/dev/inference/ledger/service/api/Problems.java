package dev.inference.ledger.service.api;

import java.io.IOException;
import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import jakarta.servlet.http.HttpServletResponse;

/** RFC 9457 problem documents with stable types, {@code /problems/<code>}. */
public final class Problems {

    private Problems() {
    }

    public static URI type(String code) {
        return URI.create("/problems/" + code);
    }

    public static ProblemDetail of(int status, String code, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        problem.setType(type(code));
        problem.setTitle(title);
        return problem;
    }

    /** For filters, which answer before Spring MVC's message converters are in reach. */
    public static void write(HttpServletResponse response, int status, String code, String title, String detail) throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write("{\"type\":\"" + type(code) + "\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
    }
}
