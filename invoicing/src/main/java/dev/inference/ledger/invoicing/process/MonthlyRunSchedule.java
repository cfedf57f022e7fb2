package dev.inference.ledger.invoicing.process;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;

/**
 * When the monthly run is looked for, and on which instance: a recurring task of db-scheduler (its table,
 * {@code scheduled_tasks}), run by one instance at a time. The instance running it beats every quarter of the run's
 * lease; when four beats are missed (it crashed), another instance takes the run up. Started and stopped with the
 * application, before what the run uses is closed.
 */
@Component
@ConditionalOnProperty(name = "ledger.roles.invoicing", havingValue = "true", matchIfMissing = true)
class MonthlyRunSchedule implements SmartLifecycle {

    static final String TASK = "monthly-invoicing";
    private static final int MISSED_BEATS = 4;

    private final Scheduler scheduler;
    private volatile boolean running;

    MonthlyRunSchedule(DataSource dataSource, MonthlyInvoicing monthly,
                       @Value("${ledger.invoicing.poll-interval}") Duration pollInterval,
                       @Value("${ledger.invoicing.run-lease}") Duration lease) {
        RecurringTask<Void> run = Tasks.recurring(TASK, FixedDelay.of(pollInterval))
                .execute((instance, context) -> monthly.invoiceEndedMonth());
        this.scheduler = Scheduler.create(dataSource)
                .startTasks(run)
                .threads(1)
                .pollingInterval(pollInterval)
                .heartbeatInterval(lease.dividedBy(MISSED_BEATS))
                .missedHeartbeatsLimit(MISSED_BEATS)
                .schedulerName(new SchedulerName.Fixed("instance-" + UUID.randomUUID()))
                .shutdownMaxWait(Duration.ofSeconds(5))
                .build();
    }

    @Override
    public void start() {
        scheduler.start();
        running = true;
    }

    @Override
    public void stop() {
        scheduler.stop();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
