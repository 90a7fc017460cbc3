package io.streamrec.tools.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JDK Flight Recorder around one step of the bench (the full topology run with {@code --profile}), and a summary of
 * its execution samples: the hottest methods by own time and by time including callees, restricted to the Kafka
 * Streams threads. The same as {@code jfr print --events jdk.ExecutionSample FILE}, counted.
 */
final class Profiler implements AutoCloseable {
    record Hot(String method, long samples, double share) {
    }

    record Summary(String file, long samples, List<Hot> self, List<Hot> total, Map<String, Double> byArea) {
    }

    private final Recording recording;
    private final Path file;

    Profiler(Path file) throws IOException, java.text.ParseException {
        this.file = file;
        this.recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setToDisk(true);
        recording.setDestination(file);
        recording.start();
    }

    @Override
    public void close() throws IOException {
        recording.stop();
        recording.close();
    }

    /** Execution samples of threads whose whole name matches {@code threadName} (a regular expression), summarised. */
    static Summary summarize(Path file, String threadName, int top) throws IOException {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> areas = new LinkedHashMap<>();
        long samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            var thread = e.getThread("sampledThread");
            String name = thread == null ? "" : String.valueOf(thread.getJavaName());
            if (!name.matches(threadName)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            List<RecordedFrame> frames = st.getFrames();
            self.merge(method(frames.get(0)), 1L, Long::sum);
            areas.merge(area(frames), 1L, Long::sum);
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (RecordedFrame f : frames) {
                String m = method(f);
                if (seen.add(m)) {
                    total.merge(m, 1L, Long::sum);
                }
            }
        }
        long n = Math.max(1, samples);
        Map<String, Double> byArea = new LinkedHashMap<>();
        areas.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(a -> byArea.put(a.getKey(), a.getValue() / (double) n));
        return new Summary(file.toString(), samples, topOf(self, n, top), topOf(total, n, top), byArea);
    }

    /**
     * What a sample was doing, by the innermost frame that belongs to a known library or to streamrec: where the time
     * goes in the terms the fixes are made in (serialization, RocksDB, the record cache, the producer, our processors).
     */
    static String area(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String c = f.getMethod().getType().getName();
            if (c.startsWith("org.rocksdb.")) {
                return "RocksDB (JNI)";
            }
            if (c.startsWith("org.apache.avro.")) {
                return "Avro (de)serialization";
            }
            if (c.startsWith("org.apache.datasketches.")) {
                return "DataSketches (HLL)";
            }
            if (c.startsWith("org.apache.kafka.streams.state.internals.ThreadCache") || c.startsWith("org.apache.kafka.streams.state.internals.NamedCache")) {
                return "Kafka Streams record cache";
            }
            if (c.startsWith("org.apache.kafka.clients.producer.") || c.startsWith("org.apache.kafka.common.compress.")
                    || c.startsWith("net.jpountz.") || c.startsWith("org.apache.kafka.common.record.")) {
                return "Kafka producer / records";
            }
            if (c.startsWith("org.apache.kafka.clients.consumer.")) {
                return "Kafka consumer";
            }
            if (c.startsWith("io.streamrec.")) {
                return "streamrec processors";
            }
        }
        String c = frames.get(0).getMethod().getType().getName();
        if (c.startsWith("org.apache.kafka.streams.")) {
            return "Kafka Streams runtime";
        }
        return "other (JDK, GC barriers, ...)";
    }

    private static List<Hot> topOf(Map<String, Long> counts, long n, int top) {
        List<Hot> out = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.add(new Hot(e.getKey(), e.getValue(), e.getValue() / (double) n)));
        return out;
    }

    private static String method(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        int dot = type.lastIndexOf('.');
        return (dot >= 0 ? type.substring(dot + 1) : type) + "." + f.getMethod().getName();
    }

    Path file() {
        return file;
    }
}
