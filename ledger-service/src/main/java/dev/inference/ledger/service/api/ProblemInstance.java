package dev.inference.ledger.service.api;

import java.net.URI;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import dev.inference.ledger.kernel.input.Identifier;

/**
 * A problem document names the request it answers in {@code instance}, which Spring fills with the whole
 * path: a refused path of thousands of characters would be echoed back in full. Keep its beginning only.
 */
@RestControllerAdvice
public class ProblemInstance implements ResponseBodyAdvice<Object> {

    private static final int MAX = 2 * Identifier.ECHO;

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && problem.getInstance() != null) {
            String instance = problem.getInstance().toString();
            if (instance.length() > MAX) {
                String kept = instance.substring(0, MAX).replaceAll("%[0-9A-Fa-f]?$", "");
                problem.setInstance(URI.create(kept + "..."));
            }
        }
        return body;
    }
}
