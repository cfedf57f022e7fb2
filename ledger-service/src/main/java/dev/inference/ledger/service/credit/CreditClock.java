package dev.inference.ledger.service.credit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.inference.ledger.accounts.AccountCommand.ApplyDueCredits;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Tells each account whose grant reached its effective time or its expiry to look at its grants: the account decides
 * (and a charge decides the same first), so a repeat, or every instance doing it, changes nothing. An account that
 * is charged meanwhile has its grants looked at by the charge anyway: this is for the accounts that sit idle.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.recharges", havingValue = "true", matchIfMissing = true)
public class CreditClock extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(CreditClock.class);
    private static final int BATCH = 200;
    /** An account asked is not asked again this soon: the view of its grants may not have caught up yet. */
    private static final Duration ASKED = Duration.ofSeconds(10);

    private final Credits credits;
    private final CommandGateway commands;
    private final Clock clock;
    private final Map<String, Instant> asked = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
            return size() > 10_000;
        }
    };

    public CreditClock(Credits credits, CommandGateway commands, Clock clock, @Value("${ledger.credits.poll-interval}") Duration pollInterval) {
        super("credit-clock", pollInterval);
        this.credits = credits;
        this.commands = commands;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        Instant now = clock.instant();
        for (String accountId : credits.accountsDue(now, BATCH)) {
            Instant before = asked.get(accountId);
            if (before != null && before.plus(ASKED).isAfter(now)) {
                continue;
            }
            try {
                commands.sendAndWait(new ApplyDueCredits(accountId));
                credits.settled(accountId, now);
                asked.put(accountId, now);
            } catch (ConcurrencyException e) {
                // the account is busy: its charge looks at the grants itself, or the next round does
            } catch (RuntimeException e) {
                log.warn("credit-clock: grants of account {} not applied: {}", accountId, e.toString());
            }
        }
    }
}
