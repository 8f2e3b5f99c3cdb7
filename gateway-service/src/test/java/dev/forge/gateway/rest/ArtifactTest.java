package dev.forge.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forge.core.testing.LocalS3;
import dev.forge.gateway.TestAuth;
import dev.forge.gateway.TestDb;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/** Artifacts: streamed upload and download through the local S3, size limits, workspace isolation, run references. */
@QuarkusTest
public class ArtifactTest {

    @Inject
    Pool pool;

    @BeforeAll
    static void s3() {
        LocalS3.ensureStarted();
    }

    @BeforeEach
    void clean() {
        TestAuth.actAsAdmin();
        TestDb.reset(pool);
    }

    private long artifactRows() {
        return pool.query("SELECT count(*) FROM artifacts").execute().await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Uploads an artifact as the current caller; its id. */
    public static String upload(String name, String contentType, byte[] bytes) {
        return given().contentType(contentType).body(bytes).queryParam("name", name)
                .post("/v1/artifacts").then().statusCode(201)
                .header("Location", containsString("/v1/artifacts/"))
                .extract().path("id");
    }

    @Test
    void aTenMebibyteArtifactRoundTripsWithTheSameSha256() throws Exception {
        byte[] bytes = randomBytes(10 * 1024 * 1024);
        String expected = sha256(bytes);
        Response created = given().contentType("application/pdf").body(bytes).queryParam("name", "annual report.pdf")
                .post("/v1/artifacts");
        created.then().statusCode(201)
                .body("name", equalTo("annual report.pdf"))
                .body("content_type", equalTo("application/pdf"))
                .body("size_bytes", equalTo(bytes.length))
                .body("sha256", equalTo(expected));
        String id = created.path("id");

        Response download = given().get("/v1/artifacts/" + id + "/content");
        download.then().statusCode(200)
                .header("Content-Type", "application/pdf")
                .header("ETag", "\"" + expected + "\"")
                .header("Content-Disposition", containsString("annual%20report.pdf"));
        byte[] back = download.asByteArray();
        assertThat(back.length).isEqualTo(bytes.length);
        assertThat(sha256(back)).isEqualTo(expected);

        given().get("/v1/artifacts/" + id).then().statusCode(200).body("sha256", equalTo(expected));
        given().get("/v1/artifacts").then().statusCode(200).body("$", hasSize(1)).body("[0].id", equalTo(id));

        given().delete("/v1/artifacts/" + id).then().statusCode(204);
        given().get("/v1/artifacts/" + id + "/content").then().statusCode(404)
                .contentType("application/problem+json");
        assertThat(artifactRows()).isZero();
    }

    @Test
    void anUploadOverTheLimitIsRefusedAndLeavesNothing() {
        byte[] tooBig = randomBytes(13 * 1024 * 1024);
        // declared too large: refused before the body is read
        given().contentType("application/octet-stream").body(tooBig).queryParam("name", "big.bin")
                .post("/v1/artifacts").then().statusCode(413).contentType("application/problem+json")
                .body("detail", containsString("12582912"));
        // sent chunked, without a length: refused once the limit is crossed
        given().contentType("application/octet-stream").body(new ByteArrayInputStream(tooBig))
                .queryParam("name", "big.bin").post("/v1/artifacts").then().statusCode(413)
                .contentType("application/problem+json");
        assertThat(artifactRows()).isZero();
        // a small one still works afterwards, chunked too
        byte[] small = "hello".getBytes();
        given().contentType("text/plain").body(new ByteArrayInputStream(small)).queryParam("name", "hello.txt")
                .post("/v1/artifacts").then().statusCode(201).body("size_bytes", equalTo(5));
    }

    @Test
    void badUploadsGetClearErrors() {
        given().contentType("text/plain").body("x").post("/v1/artifacts").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("name"));
        given().contentType("not a type").body("x".getBytes()).queryParam("name", "a.txt").post("/v1/artifacts")
                .then().statusCode(422).body("detail", containsString("not a media type"));
        given().spec(TestAuth.as("not-a-key")).contentType("text/plain").body("x").queryParam("name", "a.txt")
                .post("/v1/artifacts").then().statusCode(401).contentType("application/problem+json");
        String viewer = TestAuth.key("viewer", "default");
        given().spec(TestAuth.as(viewer)).contentType("text/plain").body("x").queryParam("name", "a.txt")
                .post("/v1/artifacts").then().statusCode(403);
        given().get("/v1/artifacts/not-a-uuid").then().statusCode(422);
        assertThat(artifactRows()).isZero();
    }

    @Test
    void anotherWorkspaceCannotReadUseOrDeleteAnArtifact() {
        String id = upload("secret.txt", "text/plain", "the merger closes friday".getBytes());
        String other = TestAuth.key("developer", "other-team");
        given().spec(TestAuth.as(other)).get("/v1/artifacts/" + id).then().statusCode(404);
        given().spec(TestAuth.as(other)).get("/v1/artifacts/" + id + "/content").then().statusCode(404)
                .contentType("application/problem+json");
        given().spec(TestAuth.as(other)).delete("/v1/artifacts/" + id).then().statusCode(404);
        given().spec(TestAuth.as(other)).get("/v1/artifacts").then().statusCode(200).body("$", hasSize(0));
        String theirAssistant = given().spec(TestAuth.as(other)).contentType(ContentType.JSON)
                .body("{\"name\": \"r\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        given().spec(TestAuth.as(other)).contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + theirAssistant + "\", \"input\": {}, \"artifacts\": [\"" + id + "\"]}")
                .post("/v1/runs").then().statusCode(422).body("detail", containsString(id));
        // still there for its owner
        given().get("/v1/artifacts/" + id + "/content").then().statusCode(200)
                .body(equalTo("the merger closes friday"));
    }

    @Test
    void runsReferenceArtifactsAndAnArtifactInUseCannotBeDeleted() {
        String doc = upload("contract.txt", "text/plain", "This agreement limits liability.".getBytes());
        String assistant = given().contentType(ContentType.JSON)
                .body("{\"name\": \"r\", \"flow\": \"document-review\"}").post("/v1/assistants").then()
                .statusCode(201).extract().path("id");
        String run = given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {\"task\": \"review\"}, "
                        + "\"artifacts\": [\"" + doc + "\"]}")
                .post("/v1/runs").then().statusCode(202)
                .body("artifacts", hasSize(1))
                .body("artifacts[0].id", equalTo(doc))
                .body("artifacts[0].name", equalTo("contract.txt"))
                .extract().path("id");
        given().get("/v1/runs/" + run).then().body("artifacts[0].sha256", equalTo(given().get("/v1/artifacts/"
                + doc).path("sha256")));
        // the run has not finished (no worker here): the artifact stays
        given().delete("/v1/artifacts/" + doc).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString(run));
        given().contentType(ContentType.JSON)
                .body("{\"assistant_id\": \"" + assistant + "\", \"input\": {}, \"artifacts\": [\"nope\"]}")
                .post("/v1/runs").then().statusCode(422);
        given().post("/v1/runs/" + run + "/cancel").then().statusCode(200);
        given().delete("/v1/artifacts/" + doc).then().statusCode(204);
    }
}
