package io.streamrec.tools.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Text output: aligned tables and the machine-readable last lines. */
final class Report {
    private Report() {
    }

    /** A plain-text table: first column left-aligned, the others right-aligned, two spaces between columns. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final String[] header;

        Table(String... header) {
            this.header = header;
        }

        Table row(Object... cells) {
            String[] r = new String[header.length];
            for (int i = 0; i < header.length; i++) {
                r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
            }
            rows.add(r);
            return this;
        }

        boolean isEmpty() {
            return rows.isEmpty();
        }

        String render(String indent) {
            int[] width = new int[header.length];
            for (int i = 0; i < header.length; i++) {
                width[i] = header[i].length();
                for (String[] r : rows) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            line(sb, indent, header, width);
            String[] rule = new String[header.length];
            for (int i = 0; i < header.length; i++) {
                rule[i] = "-".repeat(width[i]);
            }
            line(sb, indent, rule, width);
            for (String[] r : rows) {
                line(sb, indent, r, width);
            }
            return sb.toString();
        }

        /** The same table in Markdown, for the README. */
        String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
            for (int i = 0; i < header.length; i++) {
                sb.append(i == 0 ? "---|" : "---:|");
            }
            sb.append('\n');
            for (String[] r : rows) {
                sb.append("| ").append(String.join(" | ", r)).append(" |\n");
            }
            return sb.toString();
        }

        private static void line(StringBuilder sb, String indent, String[] cells, int[] width) {
            sb.append(indent);
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                String c = cells[i];
                String pad = " ".repeat(width[i] - c.length());
                sb.append(i == 0 ? c + pad : pad + c);
            }
            // no trailing spaces
            int end = sb.length();
            while (end > 0 && sb.charAt(end - 1) == ' ') {
                end--;
            }
            sb.setLength(end);
            sb.append('\n');
        }
    }

    /** A number with the given decimals, "n/a" for null or NaN. */
    static String num(Double v, int decimals) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** Like {@link #num} without thousands separators: the machine-readable lines. */
    static String plain(Double v, int decimals) {
        if (v == null || v.isNaN() || v.isInfinite()) {
            return "na";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String bytes(long b) {
        if (b < 0) {
            return "n/a";
        }
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        if (b < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", b / 1024.0 / 1024);
        }
        return String.format(Locale.ROOT, "%.2f GiB", b / 1024.0 / 1024 / 1024);
    }

    static String throughputLine(Double eventsPerSecond, Double passThroughPerSecond) {
        Double ratio = eventsPerSecond == null || passThroughPerSecond == null || passThroughPerSecond == 0 ? null
                : eventsPerSecond / passThroughPerSecond;
        return "bench throughput events_per_s=" + plain(eventsPerSecond, 0) + " passthrough_events_per_s="
                + plain(passThroughPerSecond, 0) + " ratio=" + plain(ratio, 2);
    }

    static String freshnessLine(Double p50Ms, Double p99Ms) {
        return "bench freshness p50_ms=" + plain(p50Ms, 1) + " p99_ms=" + plain(p99Ms, 1);
    }

    static String latencyLine(Double recommendationsP99Ms, Double healthP99Ms, Double rate) {
        return "bench latency recommendations_p99_ms=" + plain(recommendationsP99Ms, 1) + " health_p99_ms="
                + plain(healthP99Ms, 1) + " rate=" + plain(rate, 0);
    }
}
