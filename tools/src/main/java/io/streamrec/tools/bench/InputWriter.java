package io.streamrec.tools.bench;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.schemas.EventRules;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.ToolException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes the replay straight to Kafka, as the README tells producers to: Avro single-object encoding, keyed by user
 * (sessionId for guests), record timestamp = event time, idempotent producer with acks=all. The rate it reaches is
 * itself a figure: the direct-producer baseline for the ingest path.
 */
final class InputWriter {
    record Written(long events, double seconds, long bytes) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    private InputWriter() {
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 10,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.CLIENT_ID_CONFIG, "streamrec-bench-writer"),
                new StringSerializer(), new ByteArraySerializer());
    }

    static void writeCatalog(String bootstrap, Iterable<Item> items) {
        try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            for (Item i : items) {
                p.send(new ProducerRecord<>(Topics.ITEMS, i.getItemId(), Serdes.ITEM.serialize(Topics.ITEMS, i)));
            }
            p.flush();
        }
    }

    /** Writes {@code repetitions} of the data, in time order of the replay, with progress on {@code log}. */
    static Written writeEvents(String bootstrap, ReplayData data, int repetitions, long shift, PrintStream log, String label) {
        return writeEvents(bootstrap, data, 0, repetitions, shift, false, log, label);
    }

    /**
     * Writes repetitions {@code first} to {@code first + repetitions - 1} (users and eventIds suffixed per repetition);
     * with {@code sameWindow} every repetition is at the times of repetition 0 (other users over the same days), else
     * each follows the one before.
     */
    static Written writeEvents(String bootstrap, ReplayData data, int first, int repetitions, long shift, boolean sameWindow,
                               PrintStream log, String label) {
        long total = (long) repetitions * data.events.size();
        AtomicLong acked = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        long t0 = System.nanoTime();
        long lastReport = t0;
        try (KafkaProducer<String, byte[]> p = producer(bootstrap)) {
            for (int rep = first; rep < first + repetitions; rep++) {
                long repShift = sameWindow ? shift - rep * data.repetitionSpanMillis() : shift;
                for (int i = 0; i < data.events.size(); i++) {
                    ClickEvent e = data.event(rep, i, repShift);
                    byte[] value = Serdes.CLICK_EVENT.serialize(Topics.EVENTS, e);
                    bytes.addAndGet(value.length);
                    p.send(new ProducerRecord<>(Topics.EVENTS, null, e.getTimestamp(), EventRules.keyOf(e), value), (md, ex) -> {
                        if (ex != null) {
                            failure.compareAndSet(null, ex);
                        } else {
                            acked.incrementAndGet();
                        }
                    });
                    if (failure.get() != null) {
                        throw new ToolException("writing the replay failed: " + failure.get());
                    }
                    long now = System.nanoTime();
                    if (now - lastReport > 3_000_000_000L) {
                        lastReport = now;
                        long n = acked.get();
                        log.printf("  %s: %,d / %,d events written (%.0f%%), %,.0f events/s%n", label, n, total,
                                100.0 * n / total, n / ((now - t0) / 1e9));
                    }
                }
            }
            p.flush();
        }
        if (failure.get() != null) {
            throw new ToolException("writing the replay failed: " + failure.get());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        log.printf("  %s: %,d events written in %.1f s (%,.0f events/s, %.0f bytes/event)%n", label, acked.get(), secs,
                acked.get() / secs, (double) bytes.get() / Math.max(1, acked.get()));
        return new Written(acked.get(), secs, bytes.get());
    }

    static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }
}
