package dev.inference.ledger.service.recharge;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.inference.ledger.accounts.AccountCommand.PaymentAnswer;
import dev.inference.ledger.payments.PaymentProvider;
import dev.inference.ledger.accounts.AccountCommand.RecordRechargeOutcome;
import dev.inference.ledger.service.recharge.RechargeQueue.DueRecharge;
import dev.inference.ledger.service.runtime.PeriodicWorker;

/**
 * Makes the asks the queue says are due: asks the payment provider, then tells the account its answer.
 * A crash between the two asks again with the same idempotency key, which the provider answers as
 * before without charging twice; an answer recorded twice is ignored by the account. An answer that is
 * not definite (or a provider that throws) is recorded as unknown: the account decides when the same
 * key is asked again, and when to give up. Instances may all run this: the provider and the account
 * make a repeat harmless.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.recharges", havingValue = "true", matchIfMissing = true)
public class RechargeWorker extends PeriodicWorker {

    private static final Logger log = LoggerFactory.getLogger(RechargeWorker.class);
    private static final int BATCH = 20;
    private static final Duration UNANSWERED_RETRY = Duration.ofSeconds(10);

    private final RechargeQueue queue;
    private final PaymentProvider provider;
    private final CommandGateway commands;
    private final Clock clock;
    // Attempts already recorded whose row the projection has not removed yet: not worth asking again.
    private final Set<String> recorded = Collections.newSetFromMap(new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1000;
        }
    });

    public RechargeWorker(RechargeQueue queue, PaymentProvider provider, CommandGateway commands, Clock clock,
                          @Value("${ledger.recharge.poll-interval}") Duration pollInterval) {
        super("recharge-worker", pollInterval);
        this.queue = queue;
        this.provider = provider;
        this.commands = commands;
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        for (DueRecharge due : queue.due(clock.instant(), BATCH)) {
            String ask = due.idempotencyKey() + "#" + due.unanswered();
            if (recorded.contains(ask)) {
                continue;
            }
            try {
                PaymentProvider.Outcome outcome = provider.payOrUnknown(
                        new PaymentProvider.Request(due.idempotencyKey(), due.accountId(), due.amount()));
                commands.sendAndWait(new RecordRechargeOutcome(due.accountId(), due.rechargeId(), due.attempt(), due.unanswered(),
                        PaymentAnswer.valueOf(outcome.answer().name()), outcome.reference(), outcome.reason()));
                recorded.add(ask);
            } catch (ConcurrencyException e) {
                // The account was being charged at that moment; the provider remembers its answer, so ask
                // again on the next round, in a moment.
                log.debug("recharge {} attempt {}: the account was busy, recording on the next round", due.rechargeId(), due.attempt());
            } catch (RuntimeException e) {
                log.warn("recharge {} attempt {}: no answer recorded, asking again in {}: {}", due.rechargeId(), due.attempt(),
                        UNANSWERED_RETRY, e.toString());
                queue.postpone(due, clock.instant().plus(UNANSWERED_RETRY));
            }
        }
    }
}
