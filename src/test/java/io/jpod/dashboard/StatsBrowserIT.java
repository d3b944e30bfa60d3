package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.File;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's usage figures and charts (uPlot, served by the daemon) in a real headless Chromium,
 * for a real container that keeps a CPU busy.
 */
class StatsBrowserIT {

    static Path root;
    static TestDaemon daemon;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-stats-browser");
        daemon = TestDaemon.start(root);
        var imported = daemon.send(HttpRequest.newBuilder(daemon.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build());
        assertThat(imported.statusCode()).isEqualTo(200);
        var created = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/create?name=chart-busy"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"Image\":\"busybox\",\"Cmd\":[\"sh\",\"-c\",\"while :; do :; done\"]}"))
                .build());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var started = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/chart-busy/start"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(204);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + root.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(daemon.dashboardLoginUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/chart-busy?force=true")).DELETE().build());
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static void open(String path) {
        browser.get("http://127.0.0.1:" + daemon.port() + path);
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    static int points(String chartId) {
        Object n = ((JavascriptExecutor) browser).executeScript(
                "var c = document.getElementById(arguments[0]); return c ? Number(c.dataset.points || 0) : -1;",
                chartId);
        return ((Number) n).intValue();
    }

    static void screenshot(String name) throws Exception {
        Files.createDirectories(DashboardBrowserIT.SCREENSHOTS);
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, DashboardBrowserIT.SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void chartsColumnAndTotalsFollowTheContainer() throws Exception {
        open("/ui/containers/chart-busy");
        // uPlot came from the daemon's /webjars/ and drew into canvases, fed by the stats stream
        assertThat(((JavascriptExecutor) browser).executeScript("return typeof window.uPlot")).isEqualTo("function");
        wait.until(d -> !d.findElements(By.cssSelector("#chart-cpu canvas")).isEmpty());
        wait.until(d -> points("chart-cpu") >= 3 && points("chart-network") >= 2);
        assertThat(browser.findElements(By.cssSelector("#chart-memory canvas"))).isNotEmpty();
        wait.until(d -> text("#usage-cpu").matches("[0-9.]+%") && Double.parseDouble(text("#usage-cpu")
                .replace("%", "")) > 10);
        assertThat(text("#usage-memory")).matches("[0-9.]+ (B|KiB|MiB) / [0-9.]+ (MiB|GiB|TiB)");
        Object drawn = ((JavascriptExecutor) browser).executeScript(
                "return document.querySelector('#chart-cpu canvas').width");
        assertThat(((Number) drawn).intValue()).isPositive();
        DashboardBrowserIT.everyFieldIsLabelled(browser);
        screenshot("container-usage");

        open("/ui/containers");
        wait.until(d -> text("#ctr-chart-busy .usage-cell").matches("[0-9.]+% CPU, .+ / .+"));

        open("/");
        wait.until(d -> points("chart-total-cpu") >= 2);
        assertThat(text("#total-running")).isEqualTo("1");
        assertThat(text("#total-cpu")).matches("[0-9.]+% of [0-9]+ CPUs \\([0-9]+%\\)");
        assertThat(text("#total-memory")).matches(".+ of [0-9.]+ (MiB|GiB|TiB)");
        screenshot("overview-usage");
    }
}
