package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * Image builds from the dashboard in a real headless Chromium against a real daemon: the log
 * streams in as the RUN steps run, the built image shows up under its name with its history, a
 * failing RUN shows its exit code, Cancel stops a long RUN and leaves no container behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBuildIT {

    static Path root;
    static TestDaemon daemon;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-dashboard-build");
        daemon = TestDaemon.start(root);
        var imported = daemon.send(HttpRequest.newBuilder(daemon.uri("/images/create?fromSrc=-&repo=busybox&tag=latest"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(TarBuilder.busyboxRootfs())).build());
        assertThat(imported.statusCode()).isEqualTo(200);
        Files.createDirectories(DashboardBrowserIT.SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + root.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(daemon.dashboardLoginUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (daemon != null) {
            // a build that failed to clean up must not leave its container's mounts behind
            var ids = java.util.regex.Pattern.compile("\"Id\":\"([0-9a-f]{64})\"").matcher(containers());
            while (ids.find()) {
                daemon.send(HttpRequest.newBuilder(daemon.uri("/containers/" + ids.group(1) + "?force=true"))
                        .DELETE().build());
            }
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static void open(String path) {
        browser.get("http://127.0.0.1:" + daemon.port() + path);
        wait.until(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    static String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    static void screenshot(String name) throws Exception {
        ((JavascriptExecutor) browser).executeScript("document.getElementById('build-progress').scrollIntoView()");
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, DashboardBrowserIT.SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void awaitState(String state) {
        wait.until(ExpectedConditions.attributeToBe(By.id("build-progress"), "data-state", state));
    }

    static void awaitLog(String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#build-progress .build-log"),
                text));
    }

    /** The daemon's containers, all of them (a build's RUN step makes one). */
    static String containers() throws Exception {
        return daemon.get("/containers/json?all=true").body();
    }

    @Test
    @Order(1)
    void aTypedDockerfileBuildsWithItsLogStreamingIn() throws Exception {
        open("/ui/images");
        DashboardBrowserIT.everyFieldIsLabelled(browser);
        browser.findElement(By.id("b-text")).sendKeys("FROM busybox\nARG GREETING\nRUN echo dash-marker-$GREETING\n"
                + "CMD [\"echo\", \"hi\"]\n");
        browser.findElement(By.id("b-tags")).sendKeys("dash-built:1 dash-built:latest");
        browser.findElement(By.id("b-args")).sendKeys("GREETING=hello\nUNUSED=1");
        browser.findElement(By.id("b-submit")).click();
        awaitLog("Successfully built");
        awaitState("SUCCEEDED");
        String log = text("#build-progress .build-log");
        assertThat(log).contains("Step 1/4 : FROM busybox", "Step 3/4 : RUN echo dash-marker-$GREETING",
                " ---> Running in ", "Successfully tagged dash-built:1", "Successfully tagged dash-built:latest");
        // the RUN step's own output on a line of its own, with the build argument's value
        assertThat(log.lines()).contains("dash-marker-hello");
        assertThat(log).contains("[Warning] One or more build-args [UNUSED] were not consumed");
        assertThat(text("#build-progress .build-result")).isEqualTo("built dash-built:1");
        assertThat(browser.findElement(By.cssSelector("#build-progress .build-error")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.cssSelector("#build-progress .build-cancel")).isDisplayed()).isFalse();
        String shortId = text("#build-progress .build-image code");
        assertThat(shortId).matches("[0-9a-f]{12}");
        assertThat(log).contains("Successfully built " + shortId);
        // the list refreshes with the image under both names; the RUN step's container is gone
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("images"), "dash-built:1"));
        WebElement row = browser.findElement(By.id("img-" + shortId));
        assertThat(row.getText()).contains("dash-built:1", "dash-built:latest");
        assertThat(containers()).isEqualTo("[]");
        screenshot("image-built");

        // the image's page shows the steps the build made
        browser.findElement(By.cssSelector("#build-progress .build-image")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("history")));
        assertThat(browser.getCurrentUrl()).contains("/ui/images/" + shortId);
        List<String> steps = browser.findElements(By.cssSelector("#history code.created-by")).stream()
                .map(WebElement::getText).toList();
        assertThat(steps.get(0)).contains("CMD [\"echo\" \"hi\"]");
        assertThat(steps.get(1)).contains("echo dash-marker-$GREETING");
        assertThat(steps.get(2)).contains("ARG GREETING");
        assertThat(steps.get(steps.size() - 1)).isEqualTo("jpod import");
        assertThat(daemon.get("/images/dash-built:1/json").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void aContextTarWithFilesBuilds() throws Exception {
        byte[] context = TarBuilder.gzip(new TarBuilder()
                .file("Dockerfile", "FROM busybox\nCOPY greeting.txt /srv/\nRUN cat /srv/greeting.txt\n")
                .file("greeting.txt", "hello-from-the-context\n").build());
        Path tgz = Files.write(root.resolve("context.tar.gz"), context);
        open("/ui/images");
        browser.findElement(By.id("b-context")).sendKeys(tgz.toString());
        browser.findElement(By.id("b-tags")).sendKeys("dash-ctx:1");
        browser.findElement(By.id("b-submit")).click();
        awaitState("SUCCEEDED");
        assertThat(text("#build-progress .build-log").lines()).contains("hello-from-the-context");
        assertThat(daemon.get("/images/dash-ctx:1/json").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void aFailingRunShowsTheErrorAndItsExitCode() throws Exception {
        Path dockerfile = Files.writeString(root.resolve("Dockerfile.fail"),
                "FROM busybox\nRUN echo about-to-fail && exit 3\nCMD [\"sh\"]\n");
        open("/ui/images");
        browser.findElement(By.id("b-dockerfile")).sendKeys(dockerfile.toString());
        browser.findElement(By.id("b-tags")).sendKeys("dash-fails:1");
        browser.findElement(By.id("b-submit")).click();
        awaitState("FAILED");
        assertThat(text("#build-progress .build-log").lines()).contains("about-to-fail");
        assertThat(text("#build-progress .build-error"))
                .isEqualTo("The command '/bin/sh -c echo about-to-fail && exit 3' returned a non-zero code: 3");
        assertThat(text("#build-progress .build-exit")).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#build-progress .build-image-line")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("b-submit")).isEnabled()).isTrue();
        assertThat(daemon.get("/images/dash-fails:1/json").statusCode()).isEqualTo(404);
        assertThat(containers()).isEqualTo("[]");
        screenshot("image-build-failed");

        // a refusal before the build starts comes back as the form's error
        open("/ui/images");
        browser.findElement(By.id("b-submit")).click();
        awaitState("FAILED");
        assertThat(text("#build-progress .build-error")).contains("give a build context");
    }

    @Test
    @Order(4)
    void cancelStopsALongRunAndLeavesNoContainer() throws Exception {
        open("/ui/images");
        browser.findElement(By.id("b-text")).sendKeys("FROM busybox\nRUN echo going-to-sleep && sleep 60\n");
        browser.findElement(By.id("b-no-cache")).click();
        browser.findElement(By.id("b-submit")).click();
        awaitLog("going-to-sleep");
        awaitState("RUNNING");
        assertThat(containers()).contains("sleep 60");
        long started = System.nanoTime();
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#build-progress .build-cancel button")))
                .click();
        awaitState("CANCELLED");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
        assertThat(text("#build-progress .build-result")).isEqualTo("build of an unnamed image cancelled");
        assertThat(browser.findElement(By.cssSelector("#build-progress .build-cancel")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.cssSelector("#build-progress .build-error")).isDisplayed()).isFalse();
        // the RUN step's container is removed as the build stops
        assertThat(containers()).isEqualTo("[]");
        assertThat(text("#build-progress .build-log")).doesNotContain("Failed to remove");
    }

    @Test
    @Order(5)
    void withoutTheScriptTheFormGoesToTheBuildsPageAndForeignPagesAreRefused() throws Exception {
        String boundary = "jpod-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"dockerfileText\"\r\n\r\n"
                + "FROM busybox\r\nRUN echo plain-form\r\n\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"tags\"\r\n\r\ndash-plain:1\r\n--" + boundary + "--\r\n")
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder post = HttpRequest.newBuilder(daemon.uri("/ui/images/build"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));

        // another site's page cannot start a build through the user's browser
        HttpResponse<String> foreign = daemon.send(post.copy().header("Origin", "http://evil.example")
                .header("Sec-Fetch-Site", "cross-site").build());
        assertThat(foreign.statusCode()).isEqualTo(403);

        HttpResponse<String> posted = daemon.send(post.build());
        assertThat(posted.statusCode()).isEqualTo(302);
        String job = URI.create(posted.headers().firstValue("Location").orElseThrow()).getPath();
        assertThat(job).startsWith("/ui/builds/");
        String page = "";
        for (int i = 0; i < 200 && !page.contains("data-state=\"SUCCEEDED\""); i++) {
            Thread.sleep(100);
            page = daemon.get(job).body();
        }
        assertThat(page).contains("data-state=\"SUCCEEDED\"", "plain-form", "Successfully tagged dash-plain:1");
        assertThat(daemon.send(HttpRequest.newBuilder(daemon.uri(job + "/cancel")).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode()).isEqualTo(403);
        assertThat(daemon.get("/ui/builds/no-such-build").statusCode()).isEqualTo(404);
    }
}
