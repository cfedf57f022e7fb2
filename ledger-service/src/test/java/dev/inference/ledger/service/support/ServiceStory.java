package dev.inference.ledger.service.support;

import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A story told against the whole service, over HTTP and Kafka, with a database and a broker of its own.
 * The context is closed after the class, so Spring's context cache never hands one class's database
 * to the next, and no earlier class's processors keep running beside it.
 */
@ExtendWith(StoryInfrastructure.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class ServiceStory {

    protected static final String ADMIN = Infrastructure.ADMIN_TOKEN;

    @LocalServerPort
    protected int port;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        StoryInfrastructure.current().register(registry);
    }

    protected static Infrastructure infra() {
        return StoryInfrastructure.current();
    }
}
