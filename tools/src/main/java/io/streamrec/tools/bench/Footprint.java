package io.streamrec.tools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Resident memory of processes and bytes on disk of the state stores and their changelogs. */
final class Footprint {
    private Footprint() {
    }

    /** VmRSS of a process in bytes, from /proc/<pid>/status; -1 when unknown. */
    static long rssBytes(long pid) {
        return rssBytes(Path.of("/proc/" + pid + "/status"));
    }

    static long selfRssBytes() {
        return rssBytes(Path.of("/proc/self/status"));
    }

    private static long rssBytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (clock ticks of 1/100 s, Linux's
     * USER_HZ); NaN when unknown.
     */
    static double cpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after the command: state(0) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    static Map<String, Double> cpuSeconds(Map<String, Long> pids) {
        Map<String, Double> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, cpuSeconds(pid)));
        return out;
    }

    static Map<String, Long> rss(Map<String, Long> pids) {
        Map<String, Long> out = new LinkedHashMap<>();
        pids.forEach((name, pid) -> out.put(name, rssBytes(pid)));
        return out;
    }

    /**
     * Bytes per store under a Kafka Streams state directory: {@code <app>/<task>/rocksdb/<store>/...} for key-value
     * stores, {@code <app>/<task>/<store>/...} for segmented (window) stores, {@code <app>/global/rocksdb/<store>} for
     * global ones. Checkpoint and lock files count as "(task files)".
     */
    static Map<String, Long> storeBytes(Path stateDir) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(stateDir)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.merge(storeOf(stateDir.relativize(f)), Files.size(f), Long::sum);
            }
        }
        return out;
    }

    static String storeOf(Path relative) {
        int n = relative.getNameCount();
        String store = n >= 4 ? relative.getName(2).toString() : "(task files)";
        for (int i = 0; i < n - 1; i++) {
            if (relative.getName(i).toString().equals("rocksdb")) {
                store = relative.getName(i + 1).toString();
                break;
            }
        }
        // a segment of a window store: <store>.<segment start>
        return store.replaceFirst("\\.\\d+$", "");
    }

    /** Bytes of the changelog topics in a broker's log directory, by store ({@code <app>-<store>-changelog-<p>}). */
    static Map<String, Long> changelogBytes(Path logDir, String applicationId) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        if (!Files.isDirectory(logDir)) {
            return out;
        }
        String prefix = applicationId + "-";
        try (Stream<Path> dirs = Files.list(logDir)) {
            for (Path d : dirs.filter(Files::isDirectory).toList()) {
                String name = d.getFileName().toString();
                int at = name.lastIndexOf("-changelog-");
                if (!name.startsWith(prefix) || at < 0) {
                    continue;
                }
                out.merge(name.substring(prefix.length(), at), treeBytes(d), Long::sum);
            }
        }
        return out;
    }

    static long treeBytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long sum = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                sum += Files.size(f);
            }
            return sum;
        }
    }

    /**
     * Stores keyed by user (userId or sessionId) and by item, told apart by name. The dedupe store is neither: it holds
     * one entry per eventId within the horizon, so it grows with the event rate, not with users.
     */
    static boolean isUserStore(String store) {
        return store.startsWith("user") || store.startsWith("history");
    }

    static boolean isItemStore(String store) {
        return store.startsWith("item");
    }
}
