package io.streamrec.gateway;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * The API keys of the test profile ({@code %test.streamrec.auth.*} in application.properties holds their SHA-256
 * digests, {@link AuthTest} checks that they match) and a RestAssured request with the admin key, which every test
 * that is not about authentication sends.
 */
final class TestKeys {
    static final String INGEST_A = "test-ingest-key-a";
    static final String INGEST_B = "test-ingest-key-b";
    /** An ingest key of its own for the rate-limit test, so that no other test drains its bucket. */
    static final String INGEST_LIMITED = "test-ingest-key-limited";
    static final String QUERY = "test-query-key";
    static final String ADMIN = "test-admin-key";
    static final String CLUSTER_SECRET = "test-cluster-secret-0123456789abcdef";

    private TestKeys() {
    }

    /** A request as an admin (who may do everything a client may). */
    static RequestSpecification given() {
        return RestAssured.given().header("Authorization", "Bearer " + ADMIN);
    }
}
