package dev.inference.ledger.service.statement;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.api.ApiException;
import dev.inference.ledger.service.security.Allowed;

/** Monthly statements of prepaid accounts: {@code GET /api/v1/accounts/{id}/statements/2026-11}. */
@RestController
@RequestMapping("/api/v1/accounts")
public class StatementsController {

    private final Statements statements;
    private final Clock clock;

    public StatementsController(Statements statements, Clock clock) {
        this.statements = statements;
        this.clock = clock;
    }

    @Operation(summary = "The account's statement of a month")
    @GetMapping("/{id}/statements/{period}")
    @Allowed({ADMIN, STAFF, AUDITOR})
    public Statements.Statement statement(@PathVariable String id, @PathVariable String period) {
        YearMonth month;
        try {
            month = YearMonth.parse(period);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid-period", "period is a calendar month, yyyy-MM");
        }
        if (month.getYear() < 1970) {
            // Before the ledger's instants begin (and before any account): nothing a date column can hold.
            throw ApiException.badRequest("invalid-period", "period must be 1970-01 or later");
        }
        if (month.isAfter(YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC)))) {
            throw ApiException.badRequest("invalid-period", "period " + period + " has not begun");
        }
        return statements.of(id, month).orElseThrow(() -> ApiException.notFound("no account " + id));
    }
}
