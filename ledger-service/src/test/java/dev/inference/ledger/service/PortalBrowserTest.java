package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.test.context.TestPropertySource;

import dev.inference.ledger.service.support.Chromium;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.UsageStream;

/**
 * The customer portal in a real headless Chromium: staff make a one-time link; the customer opens it and sees only
 * their account, with the API's figures, the usage chart and their receipts verified against the signed log; the link
 * cannot be used twice; the session reaches no other account; on a phone's width nothing scrolls sideways; axe-core
 * (fetched from npm by the test) finds no serious or critical violation, and the keyboard reaches the content.
 * Screenshots (desktop and phone) go to target/portal-screenshots.
 */
@TestPropertySource(properties = {"ledger.audit.checkpoint-every-events=5", "ledger.audit.checkpoint-interval=1s",
        "ledger.audit.checkpoint-poll=200ms"})
class PortalBrowserTest extends ServiceStory {

    private static final Path SHOTS = Path.of("target", "portal-screenshots");
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
    void a_customer_opens_a_one_time_link_and_sees_their_account_only_with_its_receipts_verified() {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        List<String> accounts = List.of("acct-portal-1", "acct-portal-2");
        ledger.openPrepaid(accounts, new BigDecimal("100"));
        UsageStream usage = new UsageStream(11).unique("portal-", 30, accounts);
        UsageStream.publish(infra().kafka.bootstrapServers(), usage.withDuplicates(0), 0);
        for (String account : accounts) {
            ledger.awaitBalance(account, new BigDecimal("100").subtract(usage.expectedSpend(account)), WAIT);
        }
        String staff = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\"}").body().get("token").asText();
        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();
        assertThat(api.post("/api/v1/accounts/acct-portal-1/portal-sessions", gateway, "{}").status()).isEqualTo(403);
        assertThat(api.post("/api/v1/tokens", ADMIN, "{\"role\":\"customer\",\"accountId\":\"acct-portal-1\"}").status())
                .as("customer sessions begin from a link").isEqualTo(422);
        var made = api.post("/api/v1/accounts/acct-portal-1/portal-sessions", staff, "{}");
        assertThat(made.status()).as(String.valueOf(made.body())).isEqualTo(201);
        String link = made.body().get("link").asText();
        String linkToken = link.substring(link.indexOf("link=") + 5);
        assertThat(api.get("/api/v1/accounts/acct-portal-1", linkToken).status()).as("a link reads nothing by itself").isEqualTo(403);

        browser.get("http://localhost:" + port + link);
        String balance = new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ENGLISH))
                .format(new BigDecimal(api.get("/api/v1/accounts/acct-portal-1", ADMIN).body().get("balance").asText()));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.textToBe(By.id("balance"), balance + " USD"));
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector("#usage-chart rect.bar"), 0));
        assertThat(browser.getCurrentUrl()).as("the link is not kept in the address").doesNotContain(linkToken);
        String page = browser.findElement(By.tagName("main")).getText();
        assertThat(page).contains("top-up:opening-acct-portal-1").doesNotContain("acct-portal-2");
        // Each receipt is checked in the page against the signed log, once a checkpoint covers it: reload until one has.
        new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(10)).until(x -> x.findElements(By.cssSelector(".receipt-ok")).size() > 0);
        });
        assertThat(browser.findElements(By.cssSelector(".receipt-bad"))).isEmpty();
        assertThat(seriousAccessibilityViolations()).as("axe-core: serious or critical violations").isEmpty();
        shot("1-desktop");
        // Keyboard only: the first Tab reaches the skip link, and following it lands on the content.
        browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        assertThat(browser.switchTo().activeElement().getText()).isEqualTo("Skip to content");

        // What the account's owner may do, from the portal: cap an API key, and top up by card through the payment provider.
        assertThat(api.post("/api/v1/accounts/acct-portal-1/api-keys", ADMIN, "{\"apiKeyId\":\"key-7\"}").status()).isEqualTo(201);
        browser.findElement(By.id("cap-key")).sendKeys("key-7");
        browser.findElement(By.id("cap-amount")).sendKeys("25");
        browser.findElement(By.cssSelector("form[aria-label='Cap an API key this month'] button")).click();
        By capStatus = By.cssSelector("form[aria-label='Cap an API key this month'] + p");
        new WebDriverWait(browser, WAIT).until(d -> !d.findElement(capStatus).getText().isEmpty()
                && !d.findElement(capStatus).getText().startsWith("Sending"));
        assertThat(browser.findElement(capStatus).getText()).startsWith("Cap saved");
        new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(5)).until(x -> x.findElement(By.cssSelector("section[aria-label='Budgets']"))
                    .getText().contains("apiKey key-7"));
        });
        BigDecimal before = new BigDecimal(api.get("/api/v1/accounts/acct-portal-1", ADMIN).body().get("balance").asText());
        browser.findElement(By.id("top-up-amount")).sendKeys("50");
        browser.findElement(By.cssSelector("form[aria-label='Top up by card'] button")).click();
        new WebDriverWait(browser, WAIT).until(d -> d.findElement(By.cssSelector("form[aria-label='Top up by card'] + p")).getText()
                .contains("card is being charged"));
        ledger.awaitBalance("acct-portal-1", before.add(new BigDecimal("50")), WAIT);
        String toppedUp = new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ENGLISH)).format(before.add(new BigDecimal("50")));
        new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(By.id("balance"), toppedUp + " USD"));
        });
        shot("2-topped-up");

        // The link is good once; the session it opened reaches its own account only.
        assertThat(api.post("/api/v1/portal/sessions", linkToken, "{}").status()).isEqualTo(401);
        String session = (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('ledger-portal-session')");
        assertThat(api.get("/api/v1/accounts/acct-portal-2", session).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/accounts/acct-portal-1", session).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/tokens", session).status()).isEqualTo(403);
        // What the account's owner may do: a budget on an API key.
        assertThat(api.put("/api/v1/accounts/acct-portal-1/budgets/apiKey/key-1", session, "{\"hardCap\":\"50\"}").status()).isEqualTo(200);
        assertThat(api.put("/api/v1/accounts/acct-portal-2/budgets/apiKey/key-1", session, "{\"hardCap\":\"50\"}").status()).isEqualTo(403);
        // A customer caps its API keys, not the account: that budget is the platform's. One staff set, reached, is in view.
        assertThat(api.put("/api/v1/accounts/acct-portal-1/budgets/account/acct-portal-1", session, "{\"hardCap\":\"999999\"}").status())
                .isEqualTo(422);
        assertThat(api.put("/api/v1/accounts/acct-portal-1/budgets/account/acct-portal-1", staff, "{\"hardCap\":\"0.01\"}").status())
                .isEqualTo(200);
        new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.TimeoutException.class).until(d -> {
            d.navigate().refresh();
            return new WebDriverWait(d, Duration.ofSeconds(5)).until(x -> x.findElement(By.id("alerts")).getText()
                    .contains("cap of account acct-portal-1 is reached"));
        });
        assertThat(browser.findElement(By.cssSelector("section[aria-label='Usage this month by API key and project']")).getText())
                .contains("Cost by API key and project");

        // A phone's width: nothing scrolls sideways.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        new WebDriverWait(browser, WAIT).until(ExpectedConditions.numberOfElementsToBeMoreThan(By.id("balance"), 0));
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(((Number) overflow).intValue()).as("horizontal scroll on a phone").isLessThanOrEqualTo(0);
        assertThat(seriousAccessibilityViolations()).as("axe-core on a phone").isEmpty();
        shot("3-phone");
        browser.manage().window().setSize(new Dimension(1280, 1600));

        // Signing out ends the session at the ledger; a page with an ended session says so and keeps nothing.
        browser.findElement(By.id("sign-out")).click();
        // The page reloads itself: an element found before the reload is stale after it.
        new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> d.findElement(By.tagName("main")).getText().contains("link your provider gave you"));
        assertThat(api.get("/api/v1/accounts/acct-portal-1", session).status()).isEqualTo(401);
    }

    /** axe-core's serious and critical violations on the page as it is now: the rule and how many elements break it. */
    @SuppressWarnings("unchecked")
    private static List<String> seriousAccessibilityViolations() {
        try {
            ((JavascriptExecutor) browser).executeScript(dev.inference.ledger.service.support.Axe.script());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("axe-core could not be installed: " + e.getMessage(), e);
        }
        return (List<String>) ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                axe.run(document).then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
                    .map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' element(s), e.g. ' + v.nodes[0].html)),
                    (e) => done(['axe failed: ' + e]));""");
    }

    private static void shot(String name) {
        Chromium.shot(browser, SHOTS, name);
    }
}
