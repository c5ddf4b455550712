package dev.capstan.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.capstan.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code ./capstan test} installs where missing): the GPU map shows where a job runs, a workload's page turns to
 * SUCCEEDED by itself when the job ends, and a rollback confirmed on the models page moves the registry's alias.
 * Screenshots go to {@code target/console-*.png}.
 */
@org.junit.jupiter.api.extension.ExtendWith(E2eStack.class)
class OperatorConsoleEndToEndTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    static LocalStack stack;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static String console;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium: apt-get install -y chromium chromium-driver (./capstan test does)")
                .isExecutable();
        assertThat(CHROMEDRIVER).as("Debian's chromium-driver").isExecutable();
        stack = E2eStack.get();
        console = stack.url("operator-console");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // The flags this machine's closed network needs (no background fetches, no sandbox as root).
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1600,1300",
                "--user-data-dir=" + Files.createTempDirectory("console-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static void screenshot(String name) throws Exception {
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "console-" + name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** What an element shows now (read in the page: a live redraw may replace elements between two driver calls). */
    static String text(String css) {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    }

    /** Clicks what the page shows now (see {@link #text}). */
    static void click(String css) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(css)));
        ((JavascriptExecutor) browser).executeScript("document.querySelector(arguments[0]).click();", css);
    }

    @Test
    void theGpuMapShowsAJobsGpusAndItsPageTurnsSucceededLiveWhenItEnds() throws Exception {
        RestClient rest = new RestClient(stack.url("submission-service"));
        String name = "console-" + UUID.randomUUID().toString().substring(0, 6);
        String id = rest.submit(RestClient.job(name, "team-console", "pytorch", 1, 2, "A100", 25)).path("id")
                .asText();

        browser.get(console + "/#/gpus");
        // The page is drawn again at every change, so read what it shows in one go rather than through elements
        // that a redraw replaces.
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".gpu[data-workloads~='" + id + "']")));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> shown = (java.util.Map<String, Object>) ((JavascriptExecutor) browser)
                .executeScript("const cells = [...document.querySelectorAll(`.gpu[data-workloads~='${arguments[0]}']`)];"
                        + "return {count: cells.length, states: cells.map(c => c.dataset.state).join(','),"
                        + " node: cells[0].closest('[data-node]').dataset.node};", id);
        assertThat(shown).containsEntry("count", 2L).containsEntry("states", "whole,whole");
        String node = (String) shown.get("node");
        assertThat(node).startsWith("a100-");
        // The same node as the workload's own record says (submission-service learns it a moment later).
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(rest.get(id).path("pods").toString()).contains(node));
        screenshot("gpu-map");

        // The job's page, opened while it runs: no reload from here on (the marker would be lost), only the stream.
        browser.get(console + "/#/workloads/" + id);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#page h2 .badge"), "RUNNING"));
        ((JavascriptExecutor) browser).executeScript("window.noReloadMarker = 42;");
        assertThat(text("#pods")).contains(node);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#page h2 .badge"), "SUCCEEDED"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.noReloadMarker;")).isEqualTo(42L);
        // submission-service's word that it finished follows the executor's; the history shows it when it comes
        wait.until(d -> text("#history").contains("finished SUCCEEDED"));
        assertThat(text("#history")).contains("admitted (attempt 1)");
        assertThat(((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll('#history li b')]"
                + ".filter(b => b.textContent === 'pods succeeded').length;")).as("each milestone once").isEqualTo(1L);
        screenshot("workload-succeeded");

        // Its GPUs are free on the map again.
        browser.get(console + "/#/gpus");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".gpu[data-workloads~='" + id + "']"), 0));
        browser.get(console + "/#/workloads");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("f-q"))).sendKeys(name);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#workloads tr[data-workload]"), 1));
        assertThat(text("#workloads tr[data-workload='" + id + "'] .status")).isEqualTo("SUCCEEDED");
    }

    @Test
    void aRollbackConfirmedOnTheModelsPageMovesTheAliasAndTheHistorySaysWhy() throws Exception {
        String model = "console-model-" + UUID.randomUUID().toString().substring(0, 6);
        String registry = stack.url("model-registry") + "/api/v1/models";
        RestClient.call("POST", registry, "{\"name\":\"" + model + "\",\"queue\":\"default\"}", 201);
        for (int v = 1; v <= 2; v++) {
            RestClient.call("POST", registry + "/" + model + "/versions", "{\"artifactUri\":\"s3://e2e/" + model + "/"
                    + v + "\"}", 201);
            RestClient.call("PUT", registry + "/" + model + "/aliases/production", "{\"version\":" + v
                    + ",\"reason\":\"e2e promote\"}", 200);
        }

        browser.get(console + "/#/models/" + model);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#aliases tr[data-alias='production'] .version"), "v2"));
        click("button.rollback[data-alias='production']");
        WebElement ok = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-ok")));
        assertThat(ok.isEnabled()).as("no reason, no rollback").isFalse();
        browser.findElement(By.id("confirm-reason")).sendKeys("p99 regression seen in the console");
        screenshot("rollback-confirm");
        ok.click();

        // The page follows the registry's event: v1 again, and the move with its reason on top of the history.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#aliases tr[data-alias='production'] .version"), "v1"));
        assertThat(text("#alias-history li:first-child")).contains("v2").contains("v1")
                .contains("p99 regression seen in the console").contains("operator-console");
        JsonNode alias = RestClient.fetch(registry + "/" + model + "/aliases/production");
        assertThat(alias.path("version").asInt()).isEqualTo(1);
        JsonNode last = RestClient.fetch(registry + "/" + model + "/aliases/production/history").path("items").get(0);
        assertThat(last.path("reason").asText()).contains("p99 regression seen in the console");
        assertThat(last.path("actor").asText()).isEqualTo("operator-console");
        screenshot("rollback-done");

        // A page that shows v2 when the alias is at v1 moves nothing: the console refuses with what is true now.
        var refused = RestClient.call("POST", console + "/api/console/models/" + model
                + "/aliases/production/rollback", "{\"expectedVersion\":2,\"reason\":\"stale page\"}", 409);
        assertThat(refused.body()).contains("points at version 1 now");
        assertThat(RestClient.fetch(registry + "/" + model + "/aliases/production").path("version").asInt())
                .isEqualTo(1);
    }
}
