package dev.inference.ledger.service.api;

import java.io.IOException;
import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletResponse;

/** RFC 9457 problem documents with stable types, {@code /problems/<code>}. */
public final class Problems {

    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

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
        JSON.writeValue(response.getWriter(), of(status, code, title, detail));
    }
}
