package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.Chromium;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The staff console in a real headless Chromium (Debian's chromium and chromium-driver, which .ci/run
 * installs): sign in with a token, find an account, watch its balance move as usage arrives on Kafka, see
 * the usage chart drawn, top up and find the entry; a token bound to another account sees nothing of it.
 * Screenshots go to target/console-screenshots.
 */
class ConsoleBrowserTest extends ServiceStory {

    private static final Path SHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(40);

    private static WebDriver browser;

    @BeforeAll
    static void startBrowser() {
        browser = Chromium.start(1280, 1600);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void staff_find_an_account_watch_usage_move_its_balance_see_the_chart_top_up_and_a_bound_token_sees_no_other_account() {
        HttpApi api = new HttpApi(port);
        new Ledger(infra().database, api, ADMIN).openPrepaid(List.of("acct-console-1", "acct-console-2"), new BigDecimal("100.00"));
        String staff = token(api, "{\"role\":\"staff\"}");
        String bound = token(api, "{\"role\":\"staff\",\"accountId\":\"acct-console-2\"}");
        String gateway = token(api, "{\"role\":\"gateway\"}");
        // A commitment at the catalog's prices (no discount): the page shows what usage consumed of it.
        assertThat(api.post("/api/v1/accounts/acct-console-1/commitments", ADMIN, "{\"commitmentId\":\"c-console\",\"amount\":\"1000\","
                + "\"endsAt\":\"" + java.time.Instant.now().plus(Duration.ofDays(30)) + "\"}").status()).isEqualTo(201);

        browser.get("http://localhost:" + port + "/console");
        signIn(gateway);
        waitFor(By.cssSelector("[role=status] .error"));
        assertThat(text(By.cssSelector("[role=status]"))).contains("gateway token cannot use the console");

        signIn(staff);
        WebElement query = waitFor(By.id("q"));
        query.sendKeys("acct-console");
        browser.findElement(By.cssSelector("form[role=search] button")).click();
        waitFor(By.linkText("acct-console-1")).click();
        waitUntil(By.id("balance"), "100 USD");
        // A gateway holds 5: the page shows it held, and 95 available, by itself.
        assertThat(api.post("/api/v1/holds", ADMIN, "{\"accountId\":\"acct-console-1\",\"amount\":\"5.00\"}").status()).isEqualTo(201);
        waitUntil(By.id("held"), "5 USD");
        waitUntil(By.id("available"), "95 USD");
        shot("1-account");

        UsageStream usage = new UsageStream(15).unique("console-", 30, List.of("acct-console-1"));
        UsageStream.publish(infra().kafka.bootstrapServers(), usage.withDuplicates(0), 0);
        BigDecimal after = new BigDecimal("100").subtract(usage.expectedSpend("acct-console-1"));
        // The page follows the ledger by itself: no reload.
        new WebDriverWait(browser, WAIT).until(d -> !d.findElement(By.id("balance")).getText().startsWith("100 "));
        assertThat(new BigDecimal(text(By.id("balance")).replace(" USD", "").replace(",", "")))
                .isCloseTo(after, org.assertj.core.data.Offset.offset(new BigDecimal("0.000001")));
        browser.navigate().refresh();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#usage-chart rect.bar"), 0));
        assertThat(browser.findElements(By.cssSelector("ul.legend li"))).isNotEmpty();
        shot("2-usage");
        // The balance is its grants: the opening top-up, in the order usage draws them, and what each paid.
        waitUntil(By.cssSelector("section[aria-label='Credit grants']"), "top-up:opening-acct-console-1");
        assertThat(text(By.cssSelector("section[aria-label='Credit grants']"))).contains("purchased", "open");
        waitUntil(By.cssSelector("section[aria-label='Entries, newest first'] tbody tr"), "top-up:opening-acct-console-1");
        waitUntil(By.cssSelector("section[aria-label='Commitments']"), "c-console");
        assertThat(text(By.cssSelector("section[aria-label='Commitments']"))).contains("active", "1,000");
        assertThat(text(By.cssSelector("section[aria-label='Entries, newest first']"))).contains("commitment:c-console");

        // Staff open the account's portal as its customer sees it: a one-time link.
        browser.findElement(By.cssSelector("form[aria-label='Make a portal link'] button[type=submit]")).click();
        waitFor(By.id("confirm-ok")).click();
        assertThat(waitFor(By.id("portal-link-a")).getAttribute("href")).contains("/portal/#link=lt_");

        WebElement amount = waitFor(By.id("top-up-amount"));
        amount.sendKeys("25");
        browser.findElement(By.cssSelector("form[aria-label='Top up'] button[type=submit]")).click();
        waitFor(By.id("confirm-ok")).click();
        // The entry appears once the account views applied the top-up: look again until it does.
        new WebDriverWait(browser, WAIT).ignoring(TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("section[aria-label='Entries, newest first'] tbody tr td:nth-child(2)"))).getText().equals("top-up");
        });
        assertThat(text(By.cssSelector("section[aria-label='Entries, newest first'] tbody tr"))).contains("25");
        shot("3-topped-up");

        browser.findElement(By.id("sign-out")).click();
        signIn(bound);
        waitUntil(By.cssSelector("main h2"), "acct-console-2");
        browser.get("http://localhost:" + port + "/console/#/accounts/acct-console-1");
        waitFor(By.cssSelector("main .error"));
        assertThat(text(By.cssSelector("main"))).doesNotContain("Balance").containsIgnoringCase("forbidden");
        shot("4-bound-token-refused");
        // The token was never put in a URL, nor kept beyond the tab.
        assertThat(browser.getCurrentUrl()).doesNotContain(bound);
        assertThat((Long) ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("return localStorage.length")).isZero();
    }

    @Test
    void an_admin_sees_a_record_held_for_review_and_charges_it_from_the_console() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        ledger.openPrepaid(List.of("acct-console-3"), new BigDecimal("100.00"));
        // A day of a thousand llm.super replicas: 517,456.99584, above the review ceiling.
        UsageStream.publish(infra().kafka.bootstrapServers(), List.of(new UsageStream.Usage("acct-console-3",
                "{\"eventId\":\"console-day\",\"kind\":\"compute\",\"accountId\":\"acct-console-3\",\"occurredAt\":\""
                        + UsageStream.RECENTLY + "\",\"meter\":\"llm.super\",\"seconds\":\"86400\",\"replicas\":1000}")), 0);
        Await.until("the record is held", WAIT, () -> api.get("/api/v1/accounts/acct-console-3/usage/held", ADMIN).body().path("usage").size() == 1);

        browser.get("http://localhost:" + port + "/console");
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        signIn(ADMIN);
        waitFor(By.id("q"));
        browser.get("http://localhost:" + port + "/console/#/accounts/acct-console-3");
        By held = By.cssSelector("section[aria-label='Usage held for review'] tbody tr");
        waitFor(held);
        assertThat(text(held)).contains("console-day").contains("517,456.99584");
        shot("5-usage-held");
        browser.findElement(By.cssSelector("section[aria-label='Usage held for review'] tbody tr button:not(.danger)")).click();
        waitFor(By.id("confirm-ok")).click();
        ledger.awaitBalance("acct-console-3", new BigDecimal("100").subtract(new BigDecimal("517456.99584")), WAIT);
        new WebDriverWait(browser, WAIT).ignoring(TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("section[aria-label='Usage held for review'] tbody tr"))).getText().equals("None.");
        });
        shot("6-usage-charged");
        browser.findElement(By.id("sign-out")).click();
    }

    private static String token(HttpApi api, String body) {
        return api.post("/api/v1/tokens", ADMIN, body).body().get("token").asText();
    }

    private void signIn(String token) {
        WebElement field = waitFor(By.id("token"));
        field.clear();
        field.sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    private static WebElement waitFor(By what) {
        return new WebDriverWait(browser, WAIT).until(ExpectedConditions.visibilityOfElementLocated(what));
    }

    private static void waitUntil(By what, String text) {
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBePresentInElementLocated(what, text));
    }

    private static String text(By what) {
        return browser.findElement(what).getText();
    }

    private static void shot(String name) {
        Chromium.shot(browser, SHOTS, name);
    }
}
