package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.FlakyProxy;
import io.jpod.testing.LocalRegistry;
import io.jpod.testing.RegistrySeed;
import io.jpod.testing.TestDaemon;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
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
 * Pulls and pushes from the dashboard in a real headless Chromium, against a real daemon and a real
 * registry (docker-registry on loopback, seeded with skopeo): the layer rows stream in, the pulled
 * image is marked in the list, a push shows its digest, Cancel stops a pull stuck on a stalled proxy.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardRegistryIT {

    static Path root;
    static LocalRegistry registry;
    static LocalRegistry locked;
    static FlakyProxy proxy;
    static RegistrySeed.Pushed seeded;
    static TestDaemon daemon;
    static WebDriver browser;
    static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        registry = LocalRegistry.plain();
        seeded = RegistrySeed.pushBusybox(registry, "seed/busybox:1", RegistrySeed.Format.V2S2);
        proxy = new FlakyProxy(registry);
        locked = LocalRegistry.builder().htpasswd("alice", "s3cret-pw").start();
        RegistrySeed.pushBusybox(locked, "private/busybox:1", RegistrySeed.Format.OCI);
        root = Files.createTempDirectory("jpod-dashboard-registry");
        // the registry is plain HTTP: registries.conf says so; the proxy is reached with the form's TLS skip
        Files.createDirectories(root.resolve("etc/containers"));
        Files.writeString(root.resolve("etc/containers/registries.conf"), "[[registry]]\nlocation = \""
                + registry.host() + "\"\ninsecure = true\n");
        daemon = TestDaemon.start(root);
        Files.createDirectories(DashboardBrowserIT.SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync",
                "--window-size=1280,1000", "--user-data-dir=" + root.resolve("chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(daemon.dashboardLoginUrl()); // on TCP the dashboard wants a login
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (proxy != null) {
            proxy.resume();
            proxy.close();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (locked != null) {
            locked.close();
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
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, DashboardBrowserIT.SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void awaitState(String panel, String state) {
        wait.until(ExpectedConditions.attributeToBe(By.id(panel), "data-state", state));
    }

    @Test
    @Order(1)
    void pullThroughTheFormShowsLayersAndMarksTheImage() throws Exception {
        open("/ui/images");
        DashboardBrowserIT.everyFieldIsLabelled(browser);
        String name = registry.host() + "/seed/busybox:1";
        browser.findElement(By.id("p-name")).sendKeys(name);
        browser.findElement(By.id("p-submit")).click();
        awaitState("pull-progress", "SUCCEEDED");
        // one row per layer (three in the seed image), each pulled
        List<WebElement> rows = browser.findElements(By.cssSelector("#pull-progress tbody tr"));
        assertThat(rows).hasSizeGreaterThanOrEqualTo(3);
        assertThat(rows).allSatisfy(r -> assertThat(r.getText()).containsAnyOf("Pull complete", "Already exists",
                "Download complete"));
        assertThat(text("#pull-progress .transfer-messages")).contains("Digest: " + seeded.digest());
        assertThat(text("#pull-progress .transfer-result")).isEqualTo("pulled " + name);
        // the list comes back with the new image marked, its registry and digest shown
        wait.until(ExpectedConditions.urlContains("highlight="));
        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#images tr.highlight")));
        assertThat(row.getText()).contains(name).contains("just pulled").contains(registry.host());
        WebElement digest = row.findElement(By.cssSelector("code.digest"));
        assertThat(digest.getAttribute("title")).isEqualTo(registry.host() + "/seed/busybox@" + seeded.digest());
        assertThat(digest.getText()).startsWith(registry.host() + "/seed/busybox@sha256:").endsWith("…");
        assertThat(daemon.get("/images/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/json").body())
                .contains(seeded.digest());
        screenshot("images-pulled");
    }

    @Test
    @Order(2)
    void credentialsAreUsedForThePullAndNeverEchoed() throws Exception {
        open("/ui/images");
        String name = locked.host() + "/private/busybox:1";
        browser.findElement(By.id("p-name")).sendKeys(name);
        browser.findElement(By.id("p-skip-tls")).click();
        browser.findElement(By.id("p-user")).sendKeys("alice");
        browser.findElement(By.id("p-password")).sendKeys("wrong-hunter2");
        browser.findElement(By.id("p-submit")).click();
        awaitState("pull-progress", "FAILED");
        assertThat(text("#pull-progress .transfer-error")).containsIgnoringCase("auth");
        // the password field is emptied as the form is sent, and shows up nowhere
        assertThat(browser.findElement(By.id("p-password")).getAttribute("value")).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("wrong-hunter2");

        browser.findElement(By.id("p-password")).sendKeys("s3cret-pw");
        browser.findElement(By.id("p-submit")).click();
        awaitState("pull-progress", "SUCCEEDED");
        assertThat(text("#pull-progress .transfer-result")).isEqualTo("pulled " + name);
        assertThat(browser.getPageSource()).doesNotContain("s3cret-pw");
        assertThat(daemon.get("/images/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/json").statusCode())
                .isEqualTo(200);
    }

    @Test
    @Order(3)
    void withoutTheScriptAFormGoesToTheJobsPage() throws Exception {
        // without the script: the form goes to the job's own page, which shows the same
        HttpResponse<String> posted = daemon.send(HttpRequest.newBuilder(daemon.uri("/ui/images/pull"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=" + registry.host() + "/no/such:2"
                        + "&username=someone&password=hunter2-secret")).build());
        assertThat(posted.statusCode()).isEqualTo(302);
        String job = posted.headers().firstValue("Location").orElseThrow();
        assertThat(job).contains("/ui/transfers/");
        String page = "";
        for (int i = 0; i < 100 && !page.contains("FAILED"); i++) {
            page = daemon.get(URI.create(job).getPath()).body();
            Thread.sleep(100);
        }
        assertThat(page).contains("data-state=\"FAILED\"").contains(">Failed<").contains("no/such")
                .doesNotContain("hunter2-secret");
    }

    @Test
    @Order(4)
    void pushUnderANewNameAsOciShowsTheDigest() throws Exception {
        open("/ui/images");
        WebElement row = browser.findElements(By.cssSelector("#images tbody tr")).stream()
                .filter(r -> r.getText().contains(registry.host() + "/seed/busybox:1")).findFirst().orElseThrow();
        row.findElement(By.cssSelector("a.button")).click();
        wait.until(ExpectedConditions.urlContains("#push"));
        WebElement dest = browser.findElement(By.id("push-dest"));
        assertThat(dest.getAttribute("value")).isEqualTo(registry.host() + "/seed/busybox:1");
        assertThat(text("#repo-digests")).contains(registry.host() + "/seed/busybox@" + seeded.digest());
        DashboardBrowserIT.everyFieldIsLabelled(browser);
        String target = registry.host() + "/pushed/busybox:2";
        dest.clear();
        dest.sendKeys(target);
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("push-format"))).selectByValue("oci");
        browser.findElement(By.id("push-submit")).click();
        awaitState("push-progress", "SUCCEEDED");
        String digest = text("#push-progress .transfer-digest");
        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        assertThat(browser.findElements(By.cssSelector("#push-progress tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
        // the registry has the manifest under that digest
        HttpResponse<Void> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/v2/pushed/busybox/manifests/2")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).header("Accept", "application/vnd.docker.distribution.manifest.v2+json,"
                + "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        assertThat(head.headers().firstValue("Content-Type")).hasValue("application/vnd.oci.image.manifest.v1+json");
        screenshot("image-pushed");
    }

    @Test
    @Order(5)
    void cancelStopsAStuckPullAndLeavesNothing() throws Exception {
        proxy.reset();
        proxy.stall();
        open("/ui/images");
        String name = proxy.host() + "/seed/busybox:1";
        browser.findElement(By.id("p-name")).sendKeys(name);
        browser.findElement(By.id("p-skip-tls")).click();
        browser.findElement(By.id("p-submit")).click();
        awaitState("pull-progress", "RUNNING");
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(d -> proxy.requestCount() > 0);
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#pull-progress .transfer-cancel button")))
                .click();
        new WebDriverWait(browser, Duration.ofSeconds(10)).until(
                ExpectedConditions.attributeToBe(By.id("pull-progress"), "data-state", "CANCELLED"));
        assertThat(text("#pull-progress .transfer-result")).contains("cancelled");
        assertThat(browser.findElement(By.cssSelector("#pull-progress .transfer-cancel")).isDisplayed()).isFalse();
        proxy.resume();
        assertThat(daemon.get("/images/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/json").statusCode())
                .isEqualTo(404);
    }
}
