package io.streamrec.connectors.personalize;

import io.streamrec.connectors.common.Backoff;
import io.streamrec.connectors.common.RateLimiter;
import io.streamrec.connectors.common.Sleeper;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.personalizeevents.model.InvalidInputException;
import software.amazon.awssdk.services.personalizeevents.model.ResourceNotFoundException;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends one batch (at most 10 records) to one Personalize API: rate-limited, throttling (429, ThrottlingException),
 * 5xx and network failures retried with exponential back-off; a batch answered with InvalidInputException is split in
 * halves until the record at fault is alone, which is then rejected with Personalize's message. Thread-safe.
 */
final class Delivery<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);

    /** A record and the request element made from it. */
    record Pending<T>(SinkRecord record, T element) {
    }

    /** A record Personalize refused, with its reason. */
    record Rejected(SinkRecord record, String reason) {
    }

    /**
     * What became of a batch: accepted, rejected, and what is still unsent because retries ran out (with the last
     * failure).
     */
    record Outcome<T>(List<Pending<T>> accepted, List<Rejected> rejected, List<Pending<T>> unsent, SdkException failure,
                      int calls) {
    }

    private final String api;
    private final String resourceSetting;
    private final RateLimiter limiter;
    private final Backoff backoff;
    private final int maxRetries;
    private final Sleeper sleeper;

    /**
     * @param api             the API's name, for messages (PutEvents, PutItems, PutUsers)
     * @param resourceSetting the setting naming the tracking id or dataset, blamed when Personalize does not know it
     */
    Delivery(String api, String resourceSetting, RateLimiter limiter, Backoff backoff, int maxRetries, Sleeper sleeper) {
        this.api = api;
        this.resourceSetting = resourceSetting;
        this.limiter = limiter;
        this.backoff = backoff;
        this.maxRetries = maxRetries;
        this.sleeper = sleeper;
    }

    /** Sends {@code batch} with {@code call} (one request with these elements). */
    Outcome<T> deliver(List<Pending<T>> batch, Consumer<List<T>> call) throws InterruptedException {
        Outcome<T> out = new Outcome<>(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), null, 0);
        return deliver(batch, call, out);
    }

    private Outcome<T> deliver(List<Pending<T>> batch, Consumer<List<T>> call, Outcome<T> out)
            throws InterruptedException {
        int calls = out.calls();
        SdkException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                sleeper.sleep(backoff.delayMillis(attempt - 1));
            }
            limiter.acquire();
            calls++;
            try {
                call.accept(batch.stream().map(Pending::element).toList());
                out.accepted().addAll(batch);
                return withCalls(out, calls, out.failure());
            } catch (InvalidInputException e) {
                Outcome<T> split = withCalls(out, calls, out.failure());
                if (batch.size() == 1) {
                    String reason = api + " InvalidInputException: " + message(e);
                    LOG.warn("{} rejected {}: {}", api, describe(batch.get(0).record()), reason);
                    split.rejected().add(new Rejected(batch.get(0).record(), reason));
                    return split;
                }
                int half = batch.size() / 2;
                split = deliver(batch.subList(0, half), call, split);
                return deliver(batch.subList(half, batch.size()), call, split);
            } catch (ResourceNotFoundException e) {
                throw new ConnectException(api + ": Personalize does not know the resource set in " + resourceSetting
                        + " (" + message(e) + ")", e);
            } catch (SdkServiceException e) {
                if (!retriable(e)) {
                    throw new ConnectException(api + " failed with HTTP " + e.statusCode() + " (" + message(e) + ")"
                            + (e.statusCode() == 401 || e.statusCode() == 403
                            ? ": the credentials of the default AWS provider chain were refused" : ""), e);
                }
                last = e;
            } catch (SdkClientException e) {
                last = e;
            }
            LOG.debug("{} attempt {} of {} failed: {}", api, attempt + 1, maxRetries + 1, last.getMessage());
        }
        out.unsent().addAll(batch);
        return withCalls(out, calls, last);
    }

    private static <T> Outcome<T> withCalls(Outcome<T> o, int calls, SdkException failure) {
        return new Outcome<>(o.accepted(), o.rejected(), o.unsent(), failure, calls);
    }

    static boolean retriable(SdkServiceException e) {
        return e.isThrottlingException() || e.statusCode() == 429 || e.statusCode() >= 500 || e.retryable();
    }

    private static String message(SdkServiceException e) {
        if (e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws && aws.awsErrorDetails() != null
                && aws.awsErrorDetails().errorMessage() != null) {
            return aws.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    static String describe(SinkRecord r) {
        return r.originalTopic() + "-" + r.originalKafkaPartition() + "@" + r.originalKafkaOffset();
    }
}
