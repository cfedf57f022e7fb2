package dev.inference.ledger.service.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's real Chromium, headless, driven by its chromedriver (bin/test installs both); and its screenshots. */
public final class Chromium {

    private static final Path BROWSER = Path.of(System.getenv().getOrDefault("LEDGER_TEST_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("LEDGER_TEST_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private Chromium() {
    }

    /** A headless window of {@code width} × {@code height}. */
    public static WebDriver start(int width, int height) {
        assertThat(BROWSER).as("Chromium (apt-get install chromium chromium-driver; .ci/run does)").isExecutable();
        assertThat(DRIVER).as("chromedriver (apt-get install chromium-driver; .ci/run does)").isExecutable();
        ChromeOptions options = new ChromeOptions().setBinary(BROWSER.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=" + width + "," + height);
        return new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build(), options);
    }

    /** The page as it is now, kept as {@code <folder>/<name>.png}. */
    public static void shot(WebDriver browser, Path folder, String name) {
        try {
            Files.createDirectories(folder);
            Files.move(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), folder.resolve(name + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
