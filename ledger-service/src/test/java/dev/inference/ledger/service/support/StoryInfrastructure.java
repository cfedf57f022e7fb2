package dev.inference.ledger.service.support;

import java.util.Locale;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a story class's own database and broker before its Spring context, and stops them after the
 * context closed (declared before {@code @SpringBootTest}, its afterAll runs after Spring's).
 */
public final class StoryInfrastructure implements BeforeAllCallback, AfterAllCallback {

    private static Infrastructure current;

    static Infrastructure current() {
        return current;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        current = Infrastructure.start(context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        current.close();
        current = null;
    }
}
