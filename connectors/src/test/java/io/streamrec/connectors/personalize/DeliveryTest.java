package io.streamrec.connectors.personalize;

import io.streamrec.connectors.common.Backoff;
import io.streamrec.connectors.common.RateLimiter;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.personalizeevents.model.InvalidInputException;
import software.amazon.awssdk.services.personalizeevents.model.ResourceNotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeliveryTest {
    private final List<Long> sleeps = new ArrayList<>();
    private final Delivery<String> delivery = new Delivery<>("PutEvents", "personalize.tracking.id",
            new RateLimiter(1000, () -> 0L, ms -> { }), new Backoff(100, 1000), 2, sleeps::add);

    private static List<Delivery.Pending<String>> batch(String... elements) {
        List<Delivery.Pending<String>> out = new ArrayList<>();
        for (int i = 0; i < elements.length; i++) {
            out.add(new Delivery.Pending<>(new SinkRecord("t", 0, null, null, null, elements[i], i), elements[i]));
        }
        return out;
    }

    private static AwsServiceException status(int code) {
        return AwsServiceException.builder().statusCode(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code == 429 ? "ThrottlingException" : "X")
                        .errorMessage("status " + code).build()).build();
    }

    @Test
    void anInvalidBatchIsSplitUntilTheBadRecordIsAlone() throws Exception {
        List<List<String>> calls = new ArrayList<>();
        Consumer<List<String>> call = elements -> {
            calls.add(List.copyOf(elements));
            if (elements.contains("bad")) {
                throw InvalidInputException.builder().statusCode(400).message("bad item")
                        .awsErrorDetails(AwsErrorDetails.builder().errorMessage("bad item").build()).build();
            }
        };
        Delivery.Outcome<String> out = delivery.deliver(batch("a", "b", "c", "bad", "e"), call);
        assertEquals(List.of("a", "b", "c", "e"), out.accepted().stream().map(Delivery.Pending::element).toList());
        assertEquals(1, out.rejected().size());
        assertEquals("PutEvents InvalidInputException: bad item", out.rejected().get(0).reason());
        assertEquals(List.of(List.of("a", "b", "c", "bad", "e"), List.of("a", "b"), List.of("c", "bad", "e"),
                List.of("c"), List.of("bad", "e"), List.of("bad"), List.of("e")), calls);
        assertEquals(7, out.calls());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoffThenGivenBack() throws Exception {
        int[] attempts = {0};
        Delivery.Outcome<String> recovered = delivery.deliver(batch("a"), elements -> {
            if (attempts[0]++ < 2) {
                throw status(attempts[0] == 1 ? 429 : 503);
            }
        });
        assertEquals(1, recovered.accepted().size());
        assertEquals(2, sleeps.size());
        assertTrue(sleeps.get(0) >= 50 && sleeps.get(0) <= 100, "first back-off within [50, 100]: " + sleeps);
        assertTrue(sleeps.get(1) >= 100 && sleeps.get(1) <= 200, "second back-off within [100, 200]: " + sleeps);

        Delivery.Outcome<String> exhausted = delivery.deliver(batch("a", "b"), elements -> {
            throw status(500);
        });
        assertEquals(2, exhausted.unsent().size());
        assertEquals(3, exhausted.calls(), "one call and two retries");
        assertEquals(500, ((AwsServiceException) exhausted.failure()).statusCode());
    }

    @Test
    void anUnknownTrackingIdOrRefusedCredentialsFailTheTask() {
        ConnectException notFound = assertThrows(ConnectException.class, () -> delivery.deliver(batch("a"), e -> {
            throw ResourceNotFoundException.builder().statusCode(404).message("no tracker").build();
        }));
        assertTrue(notFound.getMessage().contains("personalize.tracking.id"), notFound.getMessage());
        ConnectException forbidden = assertThrows(ConnectException.class, () -> delivery.deliver(batch("a"), e -> {
            throw status(403);
        }));
        assertTrue(forbidden.getMessage().contains("default AWS provider chain"), forbidden.getMessage());
    }
}
