package dev.forge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard infra-monitor serves, driven in Debian's headless Chromium against a running stack (gateway, worker,
 * monitor) with runs executing: every view renders real data, a live event shows without reload, capacity takes its
 * colour, a fork from the run explorer makes a new run, the roles gate what is shown. Each view's screenshot goes to
 * docs/screenshots. The tests run in order and share the browser.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardTest {

    private static final Path SCREENSHOTS = Path.of("../docs/screenshots");
    private static Stack stack;
    private static WebDriver driver;
    private static String documentRun;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.start();
        var options = new ChromeOptions();
        options.setBinary(new File("/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1440,1000");
        // Debian's chromedriver, so Selenium Manager downloads nothing
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .build();
        driver = new ChromeDriver(service, options);
        documentRun = stack.run("document-review", "{\"document\": \"Revenue grew this quarter.\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(stack.status(documentRun)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (stack != null) {
            stack.close();
        }
    }

    /**
     * Polls every 20 ms (Selenium's default is 500 ms), so the printed timings mean something; an element replaced
     * by a refresh while being read is looked up again.
     */
    private static WebDriverWait waiting(int seconds) {
        var wait = new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(20));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    private static WebElement visible(String css) {
        return waiting(15).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    /** The element's text, read again if a refresh replaced the element between finding and reading it. */
    private static String text(String css) {
        return waiting(15).until(d -> {
            var element = d.findElement(By.cssSelector(css));
            return element.isDisplayed() ? element.getText() : null;
        });
    }

    /** An attribute of the element, read again if a refresh replaced the element between finding and reading it. */
    private static String attribute(String css, String name) {
        return waiting(15).until(d -> {
            var element = d.findElement(By.cssSelector(css));
            return element.isDisplayed() ? element.getAttribute(name) : null;
        });
    }

    /** Clicks the element once it is there, looking it up again if a refresh replaced it meanwhile. */
    private static void click(String css) {
        waiting(15).until(d -> {
            d.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    private static List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    private static void open(String route) {
        // on the same page only the hash changes: the dashboard routes without a reload
        driver.get(stack.monitorUrl() + "/ui/#/" + route);
    }

    /**
     * Signs in afresh on the bare route, where the dashboard opens the role's first view (a new query string, so the
     * page loads again instead of only changing its hash).
     */
    private static void signIn(String key) {
        ((JavascriptExecutor) driver).executeScript("try { sessionStorage.clear(); } catch (e) { /* not on a page of ours yet */ }");
        driver.get(stack.monitorUrl() + "/ui/?as=" + System.nanoTime() + "#/");
        visible("#signin-key").sendKeys(key);
        click("#signin-form button");
        visible("#app");
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        var file = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(file.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static List<String> nav() {
        return all("#nav a").stream().map(WebElement::getText).toList();
    }

    @Test
    @Order(1)
    void signInShowsTheGatewaysAndAnAdminManagesThem() throws Exception {
        driver.get(stack.monitorUrl() + "/ui/");
        long loaded = ((Number) ((JavascriptExecutor) driver).executeScript(
                "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime"))
                .longValue();
        long started = System.nanoTime();
        visible("#signin-key").sendKeys(Stack.ADMIN_KEY);
        click("#signin-form button");
        visible("#gw-rows tr[data-id='local'] .badge.connected");
        long firstView = (System.nanoTime() - started) / 1_000_000;
        // again on the warm stack: what an operator sees on a running system
        driver.findElement(By.id("signout")).click();
        long again = System.nanoTime();
        driver.get(stack.monitorUrl() + "/ui/?again#/");
        visible("#signin-key").sendKeys(Stack.ADMIN_KEY);
        click("#signin-form button");
        visible("#gw-rows tr[data-id='local'] .badge.connected");
        long warmView = (System.nanoTime() - again) / 1_000_000;
        System.out.printf("dashboard: sign-in page loaded in %d ms; first view with data %d ms after sign-in on "
                + "services just started, %d ms from page load to first view on the warm stack%n", loaded,
                firstView, warmView);
        assertThat(nav()).containsExactly("Gateways", "Deployments", "Capacity", "Events", "Debug", "Registry",
                "MCP servers", "Webapps", "Runs", "Waiting for input", "Schedules", "Webhooks", "Flows");
        // the cards are drawn again on every health refresh (each second here): read the count inside the wait, which
        // looks the element up again when a refresh replaced it between finding and reading
        waiting(10).until(ExpectedConditions.textToBe(By.cssSelector("[data-count='connected']"), "1"));
        screenshot("gateways");

        // add, edit, test and delete a gateway; its token is never shown
        var form = visible("#gw-form");
        form.findElement(By.name("id")).sendKeys("e2e-extra");
        form.findElement(By.name("url")).sendKeys("http://127.0.0.1:9");
        form.findElement(By.name("token")).sendKeys("e2e-token-never-shown-77");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        visible("#gw-rows tr[data-id='e2e-extra']");
        waiting(10).until(d -> d.findElement(By.cssSelector("#gw-rows tr[data-id='e2e-extra'] .badge")).getText()
                .equals("disconnected"));
        click("#gw-rows tr[data-id='e2e-extra'] button[data-act='edit']");
        var name = form.findElement(By.name("name"));
        name.clear();
        name.sendKeys("Renamed in the browser");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#gw-rows tr[data-id='e2e-extra']"), "Renamed in the browser"));
        // bad input answers with the problem, not a broken page
        form.findElement(By.name("id")).sendKeys("e2e-bad");
        form.findElement(By.name("url")).sendKeys("http://user:pw@127.0.0.1:9");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        assertThat(text("#gw-problem .problem")).isNotBlank();
        assertThat(driver.getPageSource()).doesNotContain("e2e-token-never-shown-77", Stack.ADMIN_KEY);
        click("#gw-rows tr[data-id='e2e-extra'] button[data-act='delete']");
        waiting(5).until(ExpectedConditions.alertIsPresent()).accept();
        waiting(10).until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("#gw-rows tr[data-id='e2e-extra']")));
    }

    @Test
    @Order(2)
    void deploymentsShowTheWorkersExecutorsAndTheirDetails() throws Exception {
        open("deployments");
        click("#dep-rows tr[data-executor='llm'] .badge.SERVING");
        assertThat(text("#dep-detail h3")).contains("llm");
        assertThat(all("#dep-nodes tr[data-node] .badge.SERVING")).isNotEmpty();
        assertThat(all("#dep-cards .card")).hasSize(4);
        screenshot("deployments");
    }

    @Test
    @Order(3)
    void capacityTakesTheColourOfItsUtilization() throws Exception {
        open("capacity");
        visible("#cap-slots td.util");
        // both slots busy: 100 % is red; afterwards green again
        String first = stack.run("slow-pipeline", "{\"doc\": \"1\"}");
        String second = stack.run("slow-pipeline", "{\"doc\": \"2\"}");
        visible("#cap-slots td.util.util-critical");
        // the header is re-rendered by each capacity event: wait for the class on whichever element is there now
        waiting(15).until(ExpectedConditions.attributeContains(
                By.cssSelector("#cap-utilization"), "class", "util-critical"));
        // the workspace's row: its two runs running (no limit set: shown as —)
        visible("#cap-workspaces tr[data-workspace='default']");
        waiting(30).until(ExpectedConditions.textToBe(
                By.cssSelector("#cap-workspaces tr[data-workspace='default'] td:nth-child(2)"), "2"));
        screenshot("capacity");
        await().atMost(Duration.ofSeconds(90)).until(() -> "succeeded".equals(stack.status(first))
                && "succeeded".equals(stack.status(second)));
        // the state the view needs, not a time window (a busy machine samples late): two samples, one taken after the
        // runs finished, so the trend has a line and the slots are free again
        var finished = Instant.now();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            var samples = stack.monitor("/v1/capacity/samples?gateway=local");
            return samples.size() >= 2 && Instant.parse(samples.get(samples.size() - 1)
                    .path("sampled_at").asText(finished.minusSeconds(1).toString())).isAfter(finished);
        });
        waiting(60).until(d -> !d.findElements(By.cssSelector("#cap-slots td.util.util-healthy")).isEmpty()
                && d.findElements(By.cssSelector("#cap-slots td.util.util-critical")).isEmpty());
        // the trend follows the capacity stream: no reload
        waiting(60).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#cap-trend polyline")));
    }

    @Test
    @Order(4)
    void aLiveEventAppearsWithoutReloadAndHistoryFiltersAndSearches() throws Exception {
        open("events");
        waiting(10).until(ExpectedConditions.textToBe(By.id("ev-state"), "live"));
        String url = driver.getCurrentUrl();
        String run = stack.run("document-review", "{\"document\": \"Minutes of a meeting.\"}");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> "succeeded".equals(stack.status(run)));
        long finished = System.nanoTime();
        new WebDriverWait(driver, Duration.ofSeconds(2), Duration.ofMillis(50)).until(ExpectedConditions
                .presenceOfElementLocated(By.cssSelector("#ev-live-rows tr[data-run='" + run
                        + "'][data-type='run.succeeded']")));
        System.out.printf("dashboard: run.succeeded shown %d ms after the run was seen finished%n",
                (System.nanoTime() - finished) / 1_000_000);
        assertThat(driver.getCurrentUrl()).isEqualTo(url);
        screenshot("events-live");

        click(".tabs button[data-tab='history']");
        var filter = visible("#ev-filter");
        filter.findElement(By.name("run_id")).sendKeys(run);
        filter.findElement(By.cssSelector("button")).click();
        waiting(10).until(d -> d.findElements(By.cssSelector("#ev-history-rows tr")).size() >= 3
                && d.findElements(By.cssSelector("#ev-history-rows tr")).stream()
                        .allMatch(r -> run.equals(r.getAttribute("data-run"))));
        var payload = driver.findElement(By.cssSelector("#ev-history-rows tr details summary"));
        payload.click();
        assertThat(driver.findElement(By.cssSelector("#ev-history-rows tr details pre")).getText())
                .contains("{");
        screenshot("events-history");

        String failed = stack.run("step-timeout", "{}");
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(stack.status(failed)));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            var search = driver.findElement(By.id("ev-search"));
            var q = search.findElement(By.name("q"));
            q.clear();
            q.sendKeys("the step ran out of time");
            search.findElement(By.cssSelector("button")).click();
            waiting(5).until(d -> d.findElement(By.id("ev-count")).getText().contains("similarity"));
            assertThat(all("#ev-history-rows tr[data-run='" + failed + "']")).isNotEmpty();
        });
    }

    @Test
    @Order(5)
    void debugShowsLiveLogsAndARunsContext() throws Exception {
        open("debug");
        waiting(15).until(d -> !d.findElements(By.cssSelector("#log-rows tr[data-run]:not([data-run=''])")).isEmpty());
        screenshot("debug-logs");
        open("debug?run=" + documentRun);
        waiting(15).until(d -> !d.findElement(By.id("ctx-traces")).getText().isBlank());
        assertThat(driver.findElement(By.id("ctx-body")).getText()).contains("document-review", "Checkpoints");
        assertThat(all("#ctx-body details")).hasSizeGreaterThanOrEqualTo(3);
        screenshot("debug-context");
    }

    @Test
    @Order(6)
    void theRegistryListsTheServices() throws Exception {
        open("registry");
        visible("#reg-services tr[data-kind='gateway-service']");
        assertThat(all("#reg-services tr[data-kind='infra-monitor-service']")).hasSize(1);
        assertThat(all("#reg-services tr[data-kind='worker-service']")).isNotEmpty();
        screenshot("registry");
    }

    @Test
    @Order(7)
    void mcpServersAreRegisteredAndTestedWithoutShowingTheirSecret() throws Exception {
        open("mcp");
        var form = visible("#mcp-form");
        String name = "e2e-docs-" + System.currentTimeMillis() % 100000;
        form.findElement(By.name("name")).sendKeys(name);
        form.findElement(By.name("url")).sendKeys("http://127.0.0.1:9/mcp");
        form.findElement(By.name("header")).sendKeys("X-Api-Key");
        form.findElement(By.name("secret")).sendKeys("mcp-secret-never-shown-55");
        form.findElement(By.cssSelector("button")).click();
        var row = waiting(10).until(d -> d.findElements(By.cssSelector("#mcp-rows tr")).stream()
                .filter(r -> r.getText().contains(name)).findFirst().orElse(null));
        assertThat(row.getText()).contains("X-Api-Key (set)");
        row.findElement(By.cssSelector("button[data-act='test']")).click();
        waiting(15).until(ExpectedConditions.textToBePresentInElementLocated(By.id("mcp-detail"),
                "Connection test"));
        assertThat(driver.getPageSource()).doesNotContain("mcp-secret-never-shown-55");
        screenshot("mcp");
    }

    /** The Flows view: the editor checks as one types (every problem with its line), saves, and draws the flow. */
    @Test
    @Order(7)
    void aFlowIsWrittenCheckedAndSavedInTheEditor() throws Exception {
        open("flows");
        visible("#flow-rows tr[data-name='document-review']");
        String name = "e2e-flow-" + System.currentTimeMillis() % 100000;
        var editor = visible("#flow-source");
        editor.sendKeys("name: " + name + "\nexecutors:\n  - id: first\n    type: teleport\n");
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("flow-check"), "line 4"));
        editor.clear();
        editor.sendKeys("name: " + name + "\nrouting_policy: sequential\nexecutors:\n  - id: draft\n    type: llm\n"
                + "    model: claude-haiku-4-5\n    prompt: hi\n  - id: polish\n    type: llm\n"
                + "    model: claude-haiku-4-5\n    prompt: again\n");
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("flow-check"), "Valid: " + name));
        click("#flow-save");
        visible("#flow-rows tr[data-name='" + name + "']");
        visible("#flow-graph g.node[data-executor='polish']");
        assertThat(text("#flow-versions")).contains("v1");
        assertThat(text("#flow-source-view")).contains("id: draft");
        screenshot("flows");
    }

    @Test
    @Order(8)
    void theRunExplorerTravelsThroughCheckpointsForksAndCancels() throws Exception {
        open("runs?run=" + documentRun);
        waiting(15).until(d -> d.findElements(By.cssSelector("#run-timeline li[data-step]")).size() >= 3);
        click("#run-timeline li[data-step='1']");
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-detail"),
                "State at step 1"));
        visible("#run-graph, #run-detail p.muted");
        screenshot("runs");
        click("#run-fork");
        visible("#run-forked");
        String heading = driver.findElement(By.cssSelector("#run-detail h3")).getText();
        String forked = heading.split(" ")[1];
        assertThat(forked).isNotEqualTo(documentRun).hasSize(36);
        var created = stack.call("GET", "/v1/runs/" + forked, null);
        assertThat(created.path("id").asText()).isEqualTo(forked);
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(stack.status(forked)));

        String slow = stack.run("slow-pipeline", "{\"doc\": \"to cancel\"}");
        await().atMost(Duration.ofSeconds(10)).until(() -> "running".equals(stack.status(slow)));
        open("runs?run=" + slow);
        click("#run-cancel");
        await().atMost(Duration.ofSeconds(10)).until(() -> "cancelled".equals(stack.status(slow)));
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#run-detail h3"),
                "cancelled"));
    }

    @Test
    @Order(8)
    void aWaitingRunIsAnsweredFromTheFormItsQuestionsSchemaMade() throws Exception {
        String run = stack.run("contract-approval", "{\"title\": \"MSA\", \"document\": \"The agreement sets "
                + "governing law.\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> "interrupted".equals(stack.status(run)));
        open("waiting");
        click("#waiting-rows tr[data-run='" + run + "']");
        waiting(10).until(ExpectedConditions.urlContains("#/runs?run=" + run));
        assertThat(text("#question-text")).startsWith("Approve the review of 'MSA' for signature?");
        // the schema's fields: a checkbox for the boolean, a text box for the string
        var approved = visible("#answer-form input[name='approved'][type='checkbox']");
        var comment = visible("#answer-form textarea[name='comment']");
        screenshot("waiting");
        approved.click();
        comment.sendKeys("Fine by legal");
        click("#answer-send");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(stack.status(run)));
        assertThat(stack.call("GET", "/v1/runs/" + run, null).path("output").asText()).contains("Fine by legal");
        // the explorer follows the run it shows until it ends
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-timeline"),
                "answered at approval"));
    }

    @Test
    @Order(8)
    void aScheduleIsCreatedFromTheBrowserFiresAndIsPaused() throws Exception {
        stack.call("POST", "/v1/assistants", "{\"name\": \"e2e-scheduled\", \"flow\": \"support-triage\"}");
        open("schedules");
        String name = "every-second-" + System.currentTimeMillis() % 100000;
        visible("#sched-form input[name='name']").sendKeys(name);
        new Select(visible("#sched-assistant")).selectByVisibleText("e2e-scheduled (support-triage)");
        visible("#sched-form input[name='interval']").sendKeys("1s");
        var input = visible("#sched-form input[name='input']");
        input.clear();
        input.sendKeys("{\"ticket\": \"from the dashboard\"}");
        click("#sched-create");
        visible("#sched-rows tr[data-name='" + name + "']");
        // it fires: the row links its last run
        waiting(20).until(d -> !d.findElements(By.cssSelector("#sched-rows tr[data-name='" + name + "'] a")).isEmpty());
        screenshot("schedules");
        click("#sched-rows tr[data-name='" + name + "'] button[data-act='pause']");
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#sched-rows tr[data-name='" + name + "']"), "paused"));
    }

    @Test
    @Order(9)
    void aWebappIsDeployedFromTheBrowserAndItsHistoryAndOutputShown() throws Exception {
        // a git repository with a page, made with the git CLI
        var repo = Files.createTempDirectory("forge-e2e-site");
        Files.writeString(repo.resolve("index.html"), "<h1>deployed from the dashboard</h1>");
        git(repo, "init", "-q", "-b", "main");
        git(repo, "add", "index.html");
        git(repo, "-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "commit", "-qm", "site");
        String slug = "e2e-site-" + System.currentTimeMillis() % 100000;

        open("webapps");
        visible("#wa-runners tr");
        var form = visible("#wa-form");
        form.findElement(By.name("slug")).sendKeys(slug);
        form.findElement(By.name("git_url")).sendKeys(repo.toUri().toString());
        form.findElement(By.cssSelector("button")).click();
        waiting(30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("wa-detail"), "running"));
        visible("#wa-history tr[data-trigger='create']");
        waiting(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("wa-logs"), "serving"));
        String url = attribute("#wa-open", "href");
        assertThat(url).endsWith("/apps/" + slug + "/");
        var page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.body()).contains("deployed from the dashboard");
        click("#wa-rows tr[data-slug='" + slug + "'] button[data-act='redeploy']");
        visible("#wa-history tr[data-trigger='redeploy']");
        screenshot("webapps");
        click("#wa-rows tr[data-slug='" + slug + "'] button[data-act='delete']");
        waiting(5).until(ExpectedConditions.alertIsPresent()).accept();
        waiting(15).until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("#wa-rows tr[data-slug='" + slug + "']")));
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        var command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        var process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("git " + String.join(" ", args) + ": " + output).isZero();
    }

    @Test
    @Order(10)
    void listsStayResponsiveWithTenThousandEventsAndAThousandRuns() throws Exception {
        String session;
        try (var db = stack.database(); var st = db.createStatement()) {
            st.execute("INSERT INTO monitor_events (gateway_id, workspace_id, workflow, type, severity, source, "
                    + "payload, embedding, created_at) SELECT 'local', 'default', 'bulk-load', 'step.completed', "
                    + "'info', 'e2e', jsonb_build_object('n', g), decode(repeat('0000803f', 384), 'hex'), "
                    + "now() - make_interval(secs => g) FROM generate_series(1, 10000) g");
            var run = stack.call("GET", "/v1/runs/" + documentRun, null);
            session = run.get("session_id").asText();
            st.execute("INSERT INTO runs (id, session_id, assistant_id, assistant_version, flow_name, flow_version, "
                    + "status, created_at, started_at, finished_at) SELECT gen_random_uuid(), '" + session + "', '"
                    + run.get("assistant_id").asText() + "', 1, 'document-review', '"
                    + run.path("flow").path("version").asText() + "', 'succeeded', now() - make_interval(secs => g), "
                    + "now() - make_interval(secs => g), now() - make_interval(secs => g) "
                    + "FROM generate_series(1, 1000) g");
        }
        open("events");
        click(".tabs button[data-tab='history']");
        var filter = visible("#ev-filter");
        long started = System.nanoTime();
        filter.findElement(By.name("workflow")).sendKeys("bulk-load");
        filter.findElement(By.cssSelector("button")).click();
        waiting(10).until(d -> d.findElement(By.id("ev-count")).getText().equals("100 event(s)"));
        long eventsPage = (System.nanoTime() - started) / 1_000_000;
        driver.findElement(By.id("ev-older")).click();
        waiting(10).until(d -> d.findElement(By.id("ev-count")).getText().equals("200 event(s)"));

        open("runs?session=" + session);
        started = System.nanoTime();
        waiting(10).until(d -> d.findElement(By.id("run-count")).getText().equals("50 run(s)"));
        long runsPage = (System.nanoTime() - started) / 1_000_000;
        click("#run-more");
        waiting(10).until(d -> d.findElement(By.id("run-count")).getText().equals("100 run(s)"));
        System.out.printf("dashboard: with 10,000 events and 1,000 runs: events page %d ms, runs page %d ms%n",
                eventsPage, runsPage);
    }

    @Test
    @Order(11)
    void theRolesGateWhatTheDashboardShows() throws Exception {
        String viewer = stack.key("viewer");
        String operator = stack.key("operator");
        String developer = stack.key("developer");

        signIn(viewer);
        assertThat(nav()).containsExactly("Runs", "Waiting for input", "Schedules", "Webhooks", "Flows");
        open("gateways");
        waiting(10).until(ExpectedConditions.urlContains("#/runs"));
        visible("#run-rows tr");
        assertThat(all("#run-fork")).isEmpty();

        signIn(operator);
        assertThat(nav()).containsExactly("Gateways", "Deployments", "Capacity", "Events", "Webapps", "Runs",
                "Waiting for input", "Schedules", "Webhooks", "Flows");
        visible("#gw-rows tr[data-id='local']");
        assertThat(all("#gw-form")).isEmpty();
        assertThat(all("#gw-rows button[data-act='edit'], #gw-rows button[data-act='delete']")).isEmpty();
        assertThat(all("#gw-rows button[data-act='test']")).isNotEmpty();

        signIn(developer);
        assertThat(nav()).containsExactly("Debug", "Runs", "Waiting for input", "Schedules", "Webhooks", "Flows");
        open("runs");
        new Select(visible("#gateway-select")).getOptions().forEach(o -> assertThat(o.getAttribute("value"))
                .isEqualTo("local"));

        // a wrong key is refused on the sign-in form
        driver.findElement(By.id("signout")).click();
        visible("#signin-key").sendKeys("not-a-key-at-all-000");
        click("#signin-form button");
        waiting(5).until(ExpectedConditions.textToBe(By.id("signin-error"), "That key was not accepted."));
    }

    @Test
    @Order(12)
    void theDashboardIsServedUnderAStrictContentSecurityPolicy() throws Exception {
        var http = HttpClient.newHttpClient();
        for (String path : List.of("/ui/", "/ui/app.js", "/ui/sse.js", "/ui/app.css")) {
            var response = http.send(HttpRequest.newBuilder(URI.create(stack.monitorUrl()
                    + path)).build(), HttpResponse.BodyHandlers.discarding());
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            String csp = response.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("default-src 'none'", "script-src 'self'", "style-src 'self'",
                    "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe-inline", "unsafe-eval");
            assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(response.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
        }
        // rendered views carry no inline style (the policy would drop it) and no inline script
        for (String view : List.of("capacity", "events", "gateways")) {
            open(view);
            waiting(15).until(d -> !d.findElements(By.cssSelector("#view > *")).isEmpty());
            Object inline = ((JavascriptExecutor) driver).executeScript(
                    "return document.querySelectorAll('[style], script:not([src])').length");
            assertThat(((Number) inline).intValue()).as(view).isZero();
        }
    }

    @Test
    @Order(13)
    void theStreamReaderFollowsTheEventStreamFormat() {
        // CRLF, CR and LF line ends, a chunk cut inside a CRLF, one leading space dropped (not two), comments,
        // "event" and "id" fields, multi-line data, a field without a colon, a final event without data
        String script = """
                const done = arguments[arguments.length - 1];
                import('/ui/sse.js').then(({ SseParser }) => {
                  const events = [];
                  const p = new SseParser((e) => events.push(e));
                  for (const chunk of ['\\uFEFFid: 7\\r', '\\nevent: run\\r\\ndata: {"a"\\r\\ndata:  1}\\r\\n\\r',
                      '\\n: a comment\\n\\ndata:x\\rdata\\rdata: y\\r\\r', 'id: 9\\nretry: 1500\\nevent: tick\\n\\n',
                      'id\\ndata: last\\n\\n']) {
                    p.push(chunk);
                  }
                  done(JSON.stringify({ events, retry: p.retry }));
                }).catch((e) => done('error: ' + e));
                """;
        String result = (String) ((JavascriptExecutor) driver).executeAsyncScript(script);
        assertThat(result).doesNotStartWith("error");
        var parsed = parse(result);
        var events = parsed.get("events");
        assertThat(events).hasSize(3);
        assertThat(events.get(0).get("type").asText()).isEqualTo("run");
        assertThat(events.get(0).get("data").asText()).isEqualTo("{\"a\"\n 1}");
        assertThat(events.get(0).get("lastEventId").asText()).isEqualTo("7");
        assertThat(events.get(1).get("type").asText()).isEqualTo("message");
        assertThat(events.get(1).get("data").asText()).isEqualTo("x\n\ny");
        assertThat(events.get(1).get("lastEventId").asText()).isEqualTo("7");
        // "id" alone resets the last id; the "tick" event had no data and was not dispatched
        assertThat(events.get(2).get("data").asText()).isEqualTo("last");
        assertThat(events.get(2).get("lastEventId").asText()).isEmpty();
        assertThat(parsed.get("retry").asInt()).isEqualTo(1500);
    }

    @Test
    @Order(14)
    void aWebhookIsSubscribedItsDeliveriesShownAndOneSentAgain() throws Exception {
        // a receiver: answers 200 and counts what it got
        var got = new java.util.concurrent.CopyOnWriteArrayList<String>();
        var receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            got.add(exchange.getRequestHeaders().getFirst("Forge-Delivery"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            signIn(Stack.ADMIN_KEY);
            open("webhooks");
            String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
            visible("#hook-form input[name='url']").sendKeys(url);
            // run.succeeded and run.failed are ticked already
            click("#hook-form input[value='run.created']");
            click("#hook-create");
            // the secret, this once
            waiting(15).until(d -> !d.findElements(By.cssSelector("#hook-secret-value, #hook-problem .problem"))
                    .isEmpty());
            assertThat(driver.findElement(By.id("hook-problem")).getText()).isEmpty();
            assertThat(text("#hook-secret-value")).startsWith("whsec_");
            visible("#hook-rows tr[data-id]");
            String assistant = stack.call("POST", "/v1/assistants", "{\"name\": \"e2e-hooked\", \"flow\": "
                    + "\"support-triage\"}").get("id").asText();
            stack.call("POST", "/v1/runs", "{\"assistant_id\": \"" + assistant + "\", \"input\": {\"ticket\": "
                    + "\"hooked\"}}");
            await().atMost(Duration.ofSeconds(20)).until(() -> !got.isEmpty());
            String first = got.get(0);
            String row = "#delivery-rows tr[data-delivery='" + first + "']";
            waiting(15).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(row), "succeeded"));
            screenshot("webhooks");
            click(row + " button[data-act='redeliver']");
            // the same delivery (same Forge-Delivery id) once more, and its two attempts in the log
            await().atMost(Duration.ofSeconds(20)).until(() -> got.stream().filter(first::equals).count() == 2);
            click(row + " button[data-act='log']");
            waiting(15).until(d -> d.findElements(By.cssSelector("#delivery-detail tbody tr")).size() == 2);
        } finally {
            receiver.stop(0);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
