package dev.inference.ledger.service.api;

import org.axonframework.modelling.command.AggregateNotFoundException;
import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import dev.inference.ledger.kernel.RuleViolation;
import dev.inference.ledger.service.security.AccessRule;
import dev.inference.ledger.service.security.ApiTokens;

/** Every error leaves as a problem document; nothing internal leaks into one. */
// Before Spring's own problem-details handler, which would answer binding errors without a stable type.
@Order(Ordered.HIGHEST_PRECEDENCE)
@RestControllerAdvice
public class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ProblemDetail api(ApiException e) {
        return Problems.of(e.status(), e.code(), e.title(), e.getMessage());
    }

    @ExceptionHandler(RuleViolation.class)
    ProblemDetail rule(RuleViolation e) {
        return Problems.of(422, e.code(), "Refused by " + e.refusedBy(), e.getMessage());
    }

    @ExceptionHandler(AggregateNotFoundException.class)
    ProblemDetail noAccount(AggregateNotFoundException e) {
        return Problems.of(404, "account-not-found", "Not found", "no such account");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = NestedExceptionUtils.getRootCause(e);
        if (cause instanceof BodyLimit.TooLarge tooLarge) {
            return Problems.of(413, "body-too-large", "Payload too large", tooLarge.getMessage());
        }
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (message.startsWith("Duplicate ")) {
            return Problems.of(400, "repeated-key", "Invalid request", "the body names a key twice; each key is sent once");
        }
        if (message.startsWith("Trailing token")) {
            return Problems.of(400, "trailing-content", "Invalid request", "the body holds more than one JSON value");
        }
        return Problems.of(400, "malformed-body", "Invalid request", "the body is not the JSON this endpoint takes");
    }

    @ExceptionHandler(AuthorizationDeniedException.class)
    ProblemDetail refused(AuthorizationDeniedException e) {
        String reason = e.getAuthorizationResult() instanceof AccessRule.Refused refused ? refused.reason() : "access denied";
        return Problems.of(403, "forbidden", "Forbidden", reason);
    }

    @ExceptionHandler(ApiTokens.TokenRefused.class)
    ProblemDetail tokenRefused(ApiTokens.TokenRefused e) {
        return Problems.of(e.status(), "token-refused", "Refused", e.getMessage());
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ProblemDetail missingHeader(MissingRequestHeaderException e) {
        return Problems.of(400, "missing-header", "Invalid request", "the header " + e.getHeaderName() + " is required");
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ProblemDetail missingParameter(MissingServletRequestParameterException e) {
        return Problems.of(400, "missing-parameter", "Invalid request", "the parameter " + e.getParameterName() + " is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badParameter(MethodArgumentTypeMismatchException e) {
        return Problems.of(400, "invalid-parameter", "Invalid request", "parameter '" + e.getName() + "' has an invalid value");
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ProblemDetail mediaType(HttpMediaTypeNotSupportedException e) {
        return Problems.of(415, "unsupported-media-type", "Unsupported media type", "send application/json");
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ProblemDetail method(HttpRequestMethodNotSupportedException e) {
        return Problems.of(405, "method-not-allowed", "Method not allowed", e.getMethod() + " is not supported here");
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ProblemDetail noResource(NoResourceFoundException e) {
        return Problems.of(404, "not-found", "Not found", "no such resource");
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e, HttpServletRequest request) {
        if (e instanceof ErrorResponse known) {
            // Spring MVC's own refusals (not acceptable, bad multipart …): the client's error, not ours.
            return Problems.of(known.getStatusCode().value(), "invalid-request", "Invalid request", "the request cannot be served as sent");
        }
        log.error("request failed", e);
        boolean write = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        return Problems.of(500, "internal-error", "Internal error",
                write ? "the request failed; it can be retried with the same Idempotency-Key" : "the request failed; it can be retried");
    }
}
