package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.streamrec.testsupport.KafkaResource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code streamrec.auth.enabled=false}: everything answers without a key, /admin and /internal included. */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(AuthDisabledTest.Disabled.class)
class AuthDisabledTest {
    public static class Disabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("streamrec.auth.enabled", "false");
        }
    }

    @Test
    void everyEndpointAnswersWithoutAKey() {
        for (AuthTest.Endpoint e : AuthTest.ENDPOINTS) {
            int status = e.send(RestAssured.given().redirects().follow(false)).statusCode();
            assertTrue(status != 401 && status != 403, e + " answered " + status);
        }
        RestAssured.given().contentType(ContentType.JSON).body("[]").post("/events").then().statusCode(400);
        RestAssured.given().post("/admin/models/reload").then().statusCode(200);
        int internal = RestAssured.given().get("/internal/users/u/state").statusCode();
        assertTrue(internal == 200 || internal == 503, "internal answered " + internal);
    }

    @Test
    void aKeySentAnywayChangesNothingAndIsNotRateLimited() {
        for (int i = 0; i < 30; i++) {
            assertEquals(400, RestAssured.given().header("Authorization", "Bearer whatever").contentType(ContentType.JSON)
                    .body("[]").post("/events").statusCode());
        }
    }
}
