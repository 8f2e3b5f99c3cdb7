package dev.forge.gateway;

import static io.restassured.RestAssured.given;

import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;
import io.restassured.config.HeaderConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Keys for tests: the bootstrap admin from the test profile, and keys of any role made through the API. */
public final class TestAuth {

    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";

    private TestAuth() {
    }

    /** Every RestAssured request in the calling test carries the admin key unless it sets its own header. */
    public static void actAsAdmin() {
        RestAssured.requestSpecification = as(ADMIN_KEY);
    }

    /** A spec acting with the key; it replaces, never adds to, an Authorization header set elsewhere. */
    public static RequestSpecification as(String key) {
        return new RequestSpecBuilder().addHeader("Authorization", "Bearer " + key)
                .setConfig(RestAssured.config().headerConfig(HeaderConfig.headerConfig()
                        .overwriteHeadersWithName("Authorization")))
                .build();
    }

    /** Creates a key with the role in the workspace and returns its secret. */
    public static String key(String role, String workspace) {
        return given().spec(as(ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"name\": \"" + role + " key\", \"role\": \"" + role + "\", \"workspace_id\": \"" + workspace
                        + "\"}")
                .post("/v1/api-keys").then().statusCode(201).extract().path("key");
    }

    /** Creates a platform admin key (keys and limits of every workspace) in the workspace; its secret. */
    public static String platformAdminKey(String workspace) {
        return given().spec(as(ADMIN_KEY)).contentType(ContentType.JSON)
                .body("{\"name\": \"platform admin key\", \"role\": \"admin\", \"platform\": true, "
                        + "\"workspace_id\": \"" + workspace + "\"}")
                .post("/v1/api-keys").then().statusCode(201).extract().path("key");
    }
}
