package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.File;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium through chromedriver) against a
 * real daemon running real containers. Screenshots of the main pages go to
 * {@code target/screenshots}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT {

    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    static Path root;
    static TestDaemon daemon;
    static WebDriver browser;
    static WebDriverWait wait;
    static int hostPort;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-dashboard");
        daemon = TestDaemon.start(root);
        var imported = daemon.send(HttpRequest.newBuilder(daemon.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build());
        assertThat(imported.statusCode()).isEqualTo(200);
        Files.createDirectories(SCREENSHOTS);
        try (ServerSocket s = new ServerSocket(0)) {
            hostPort = s.getLocalPort();
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + root.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(daemon.dashboardLoginUrl()); // on TCP the dashboard wants a login: the URL jpod-up.sh prints
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        for (String name : List.of("dash-web", "outside", "dash-bad")) {
            daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/" + name + "?force=true")).DELETE().build());
        }
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + daemon.port() + path;
    }

    static void open(String path) {
        browser.get(url(path));
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    static void screenshot(String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** Every visible form field has a label a screen reader can read. */
    static void everyFieldIsLabelled() {
        everyFieldIsLabelled(browser);
    }

    static void everyFieldIsLabelled(WebDriver browser) {
        Object unlabelled = ((JavascriptExecutor) browser).executeScript(
                "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))"
                        + ".filter(e => e.labels.length === 0 && !e.getAttribute('aria-label'))"
                        + ".map(e => e.name || e.id);");
        assertThat((List<?>) unlabelled).as("fields without a label on " + browser.getCurrentUrl()).isEmpty();
    }

    @Test
    @Order(1)
    void overviewShowsTheRuntimeAndCounts() throws Exception {
        open("/");
        assertThat(browser.getTitle()).isEqualTo("Overview · jpod");
        assertThat(text("#binary-runc")).contains("found").contains("/runc").contains("runc version");
        assertThat(text("#binary-conmon")).contains("found").contains("conmon version");
        assertThat(text("#readiness")).startsWith("Ready");
        assertThat(text("#cgroup-manager")).isEqualTo("cgroupfs");
        assertThat(text("#storage-driver")).isEqualTo("overlay");
        assertThat(text("#disk")).matches("[0-9.]+ [KMGTP]iB free of [0-9.]+ [KMGTP]iB");
        assertThat(text("#check-state")).contains("UP");
        assertThat(text("#check-storage")).contains("free").contains("iB");
        assertThat(text("#counts")).contains("0\ncontainers").contains("1\nimages");
        assertThat(text("#locks-used")).isEqualTo("0");
        everyFieldIsLabelled();
        screenshot("overview");
    }

    @Test
    @Order(2)
    void aBadFormShowsTheEnginesMessageAndKeepsWhatWasTyped() throws Exception {
        open("/ui/containers/new");
        browser.findElement(By.id("f-image")).sendKeys("no-such-image");
        browser.findElement(By.id("f-name")).sendKeys("dash-bad");
        browser.findElement(By.id("f-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".flash .error")));
        assertThat(text(".flash .error")).contains("no-such-image");
        assertThat(browser.findElement(By.id("f-name")).getAttribute("value")).isEqualTo("dash-bad");
        assertThat(daemon.get("/containers/dash-bad/json").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(3)
    void runAContainerFromTheFormAndFollowItsLogs() throws Exception {
        open("/ui/containers/new");
        everyFieldIsLabelled();
        browser.findElement(By.id("f-image")).sendKeys("busybox");
        browser.findElement(By.id("f-name")).sendKeys("dash-web");
        browser.findElement(By.id("f-command")).sendKeys(
                "sh -c 'trap \"exit 0\" TERM; echo \"$GREETING\"; i=0; while true; do i=$((i+1)); echo tick $i; sleep 1; done'");
        browser.findElement(By.id("f-env")).sendKeys("GREETING=hello from the dashboard");
        browser.findElement(By.id("f-ports")).sendKeys("127.0.0.1:" + hostPort + ":8080");
        browser.findElement(By.id("f-volumes")).sendKeys("dashdata:/data");
        screenshot("run-form");
        browser.findElement(By.id("f-submit")).click();

        wait.until(ExpectedConditions.urlContains("/ui/containers/"));
        wait.until(ExpectedConditions.textToBe(By.id("state"), "running"));
        assertThat(text(".flash .notice")).isEqualTo("started dash-web");
        assertThat(text("#summary")).contains("127.0.0.1:" + hostPort + "->8080/tcp");
        // the logs stream in: the greeting (from the env), then new ticks without a reload
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "hello from the dashboard"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("logs"), "tick 3"));
        // the processes table shows the container's shell
        assertThat(text("#top")).contains("sh -c");
        screenshot("container");

        // the engine agrees: running, with the env, port and volume asked for
        String inspect = daemon.get("/containers/dash-web/json").body();
        assertThat(inspect).contains("\"Running\":true").contains("GREETING=hello from the dashboard")
                .contains("\"HostPort\":\"" + hostPort + "\"").contains("\"Name\":\"dashdata\"");
    }

    @Test
    @Order(4)
    void theContainerListFollowsTheEngineWithoutReload() throws Exception {
        open("/ui/containers");
        wait.until(d -> "ready".equals(((JavascriptExecutor) d).executeScript("return document.body.dataset.live")));
        assertThat(text("#ctr-dash-web")).contains("running").contains("busybox");
        // a container made by another client appears by itself: the page follows the event stream
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        var created = daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/create?name=outside"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"300\"],\"HostConfig\":{\"NetworkMode\":\"none\"}}"))
                .build());
        assertThat(created.statusCode()).isEqualTo(201);
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(
                ExpectedConditions.presenceOfElementLocated(By.id("ctr-outside")));
        assertThat(text("#ctr-outside")).contains("created");
        daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/outside/start"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        new WebDriverWait(browser, Duration.ofSeconds(5)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("ctr-outside"), "running"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded")).isEqualTo(true);

        // search narrows the table as one types
        browser.findElement(By.id("search")).sendKeys("outside");
        assertThat(browser.findElement(By.id("ctr-dash-web")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("ctr-outside")).isDisplayed()).isTrue();
        browser.findElement(By.id("search")).clear();
        everyFieldIsLabelled();
        screenshot("containers");

        // a narrow screen gets one card per container
        browser.manage().window().setSize(new Dimension(420, 900));
        open("/ui/containers");
        screenshot("containers-narrow");
        browser.manage().window().setSize(new Dimension(1280, 1000));
    }

    @Test
    @Order(5)
    void stopAndRemoveWithConfirmation() throws Exception {
        open("/ui/containers/dash-web");
        browser.findElement(By.cssSelector("button[aria-label='Stop dash-web']")).click();
        wait.until(ExpectedConditions.textToBe(By.id("state"), "exited"));
        assertThat(text(".flash .notice")).isEqualTo("stopped dash-web");
        assertThat(daemon.get("/containers/dash-web/json").body()).contains("\"Status\":\"exited\"");

        // commit makes an image of it, named in the form
        browser.findElement(By.id("commit-image")).sendKeys("dash-snap:1");
        browser.findElement(By.cssSelector("form.commit button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash .notice"), "Committed"));
        assertThat(text(".flash .notice")).isEqualTo("Committed dash-web as dash-snap:1");
        assertThat(daemon.get("/images/dash-snap:1/json").statusCode()).isEqualTo(200);

        // remove asks first; cancelling keeps the container
        browser.findElement(By.cssSelector("button[aria-label='Remove dash-web']")).click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(text("#confirm-text")).isEqualTo("Remove dash-web?");
        screenshot("confirm-remove");
        // by keyboard: Escape cancels, and the container stays
        new org.openqa.selenium.interactions.Actions(browser).sendKeys(org.openqa.selenium.Keys.ESCAPE).perform();
        wait.until(ExpectedConditions.invisibilityOf(dialog));
        assertThat(daemon.get("/containers/dash-web/json").statusCode()).isEqualTo(200);

        // Enter on the confirmation (which has the focus when the dialog opens) removes it
        browser.findElement(By.cssSelector("button[aria-label='Remove dash-web']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok")));
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("confirm-ok");
        new org.openqa.selenium.interactions.Actions(browser).sendKeys(org.openqa.selenium.Keys.ENTER).perform();
        wait.until(ExpectedConditions.urlToBe(url("/ui/containers")));
        assertThat(text(".flash .notice")).isEqualTo("removed dash-web");
        assertThat(browser.findElements(By.id("ctr-dash-web"))).isEmpty();
        assertThat(daemon.get("/containers/dash-web/json").statusCode()).isEqualTo(404);
    }

    @Test
    @Order(6)
    void uploadAnImageWithProgressAndSeeTheOtherPages() throws Exception {
        Path tar = root.resolve("rootfs.tar");
        Files.write(tar, TarBuilder.busyboxRootfs());
        open("/ui/images");
        everyFieldIsLabelled();
        browser.findElement(By.id("u-file")).sendKeys(tar.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("input[name=kind][value=import]")).click();
        browser.findElement(By.id("u-ref")).sendKeys("uploaded:1");
        browser.findElement(By.cssSelector("#upload-form button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-state"), "imported"));
        assertThat(text("#upload-state")).contains("uploaded:1");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("images"), "uploaded:1"));
        assertThat(daemon.get("/images/uploaded:1/json").statusCode()).isEqualTo(200);
        WebElement uploadedRow = browser.findElements(By.cssSelector("#images tbody tr")).stream()
                .filter(r -> r.getText().contains("uploaded:1")).findFirst().orElseThrow();
        uploadedRow.findElement(By.cssSelector("input[name=name]")).sendKeys("retagged:2");
        uploadedRow.findElement(By.cssSelector("form.inline button")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash .notice"),
                "as retagged:2"));
        assertThat(text("#images")).contains("retagged:2").contains("uploaded:1");
        assertThat(daemon.get("/images/retagged:2/json").statusCode()).isEqualTo(200);
        screenshot("images");

        open("/ui/volumes");
        assertThat(text("#vol-dashdata")).contains("dashdata").contains("local");
        everyFieldIsLabelled();
        screenshot("volumes");
        open("/ui/networks");
        assertThat(text("#networks")).contains("jpod").contains("10.89.0.0/24");
        screenshot("networks");
        // a pod made, seen and removed from its page
        open("/ui/pods");
        browser.findElement(By.cssSelector("details.create summary")).click();
        browser.findElement(By.id("p-name")).sendKeys("dash-pod");
        browser.findElement(By.cssSelector("details.create button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".flash .notice"),
                "created pod dash-pod"));
        assertThat(text("#pod-dash-pod")).contains("Created");
        screenshot("pods");
        browser.findElement(By.cssSelector("#pod-dash-pod a")).click();
        wait.until(ExpectedConditions.urlContains("/ui/pods/"));
        assertThat(text("#pod")).contains("infra");
        browser.findElement(By.cssSelector("button[aria-label='Remove pod dash-pod']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok"))).click();
        wait.until(ExpectedConditions.urlToBe(url("/ui/pods")));
        assertThat(text(".flash .notice")).isEqualTo("removed pod dash-pod");
        assertThat(daemon.get("/libpod/pods/dash-pod/exists").statusCode()).isEqualTo(404);
        open("/ui/config");
        assertThat(text("#cfg-storage\\.graphroot")).contains(root.resolve("storage").toString())
                .contains("option");
        assertThat(text("#cfg-num_locks")).contains("2048").contains("default");
        everyFieldIsLabelled();
        screenshot("config");

        // a page for something that does not exist says so, with the API's message and status
        open("/ui/containers/no-such-container");
        assertThat(text("h1")).contains("404");
        assertThat(text("main .error")).contains("no-such-container");
    }

    @Test
    @Order(7)
    void anotherSitesPageCannotPressTheButtons() throws Exception {
        // what a foreign page's hidden form would send through the user's browser
        var forged = daemon.send(HttpRequest.newBuilder(daemon.uri("/ui/containers/outside/remove"))
                .header("Origin", "http://attacker.example").header("Sec-Fetch-Site", "cross-site")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("\"message\"").contains("cross-site");
        assertThat(daemon.get("/containers/outside/json").statusCode()).isEqualTo(200);
        // the dashboard's own origin passes
        var own = daemon.send(HttpRequest.newBuilder(daemon.uri("/ui/containers/outside/remove"))
                .header("Origin", "http://127.0.0.1:" + daemon.port()).header("Sec-Fetch-Site", "same-origin")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(own.statusCode()).isEqualTo(302);
        assertThat(daemon.get("/containers/outside/json").statusCode()).isEqualTo(404);
    }
}
