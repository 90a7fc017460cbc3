package io.streamrec.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.streamrec.testsupport.KafkaResource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storefront JavaScript from a configured origin: the preflight (which carries no key) is answered, and the browser may
 * send the key headers; any other origin gets nothing. (Off by default: {@link AuthTest#corsIsOffByDefault}.)
 */
@QuarkusTest
@QuarkusTestResource(KafkaResource.class)
@TestProfile(CorsTest.ShopOrigin.class)
class CorsTest {
    static final String SHOP = "https://shop.example.com";

    public static class ShopOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.cors.enabled", "true", "quarkus.http.cors.origins", SHOP);
        }
    }

    private static Response preflight(String origin) {
        return RestAssured.given().header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .options("/events");
    }

    @Test
    void theConfiguredOriginsPreflightIsAnsweredWithoutAKey() {
        Response r = preflight(SHOP);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(SHOP, r.header("Access-Control-Allow-Origin"));
        String headers = r.header("Access-Control-Allow-Headers").toLowerCase(java.util.Locale.ROOT);
        assertTrue(headers.contains("authorization") && headers.contains("x-api-key") && headers.contains("content-type"), headers);
        assertTrue(r.header("Access-Control-Allow-Methods").contains("POST"), r.header("Access-Control-Allow-Methods"));
    }

    @Test
    void theRequestItselfStillNeedsTheKey() {
        Response ok = RestAssured.given().header("Origin", SHOP).header("X-Api-Key", TestKeys.INGEST_A)
                .contentType(ContentType.JSON).body("[]").post("/events");
        assertEquals(400, ok.statusCode());
        assertEquals(SHOP, ok.header("Access-Control-Allow-Origin"));
        assertEquals("Retry-After", ok.header("Access-Control-Expose-Headers"));
        assertEquals(401, RestAssured.given().header("Origin", SHOP).contentType(ContentType.JSON).body("[]").post("/events").statusCode());
    }

    @Test
    void anotherOriginGetsNothing() {
        Response r = preflight("https://evil.example.org");
        assertNull(r.header("Access-Control-Allow-Origin"), r.headers().toString());
    }
}
