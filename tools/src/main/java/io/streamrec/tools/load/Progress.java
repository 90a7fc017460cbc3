package io.streamrec.tools.load;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress on stderr. On a terminal: one bar redrawn in place at most 5 times a second. Otherwise (logs, CI): a plain
 * line every 10 seconds. {@link #finish} draws the final state.
 */
public final class Progress {
    public enum Mode { BAR, PLAIN, NONE }

    private static final long BAR_INTERVAL_NS = 200_000_000L;
    private static final long PLAIN_INTERVAL_NS = 10_000_000_000L;
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final Mode mode;
    private final String label;
    private final long total;
    private final String unit;
    private final String eventsVerb;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastLength;

    public Progress(PrintStream out, Mode mode, String label, long total, String unit, String eventsVerb) {
        this.eventsVerb = eventsVerb;
        this.out = out;
        this.mode = mode;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.lastDraw = start - BAR_INTERVAL_NS;
    }

    /** auto, bar, plain or none; auto is a bar on a terminal and a line every 10 s otherwise. */
    public static Mode autoOrParse(String text) {
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> autoMode();
            case "bar" -> Mode.BAR;
            case "plain" -> Mode.PLAIN;
            case "none" -> Mode.NONE;
            default -> throw new io.streamrec.tools.ToolException("--progress must be auto, bar, plain or none", 2);
        };
    }

    public static Mode autoMode() {
        return System.console() != null ? Mode.BAR : Mode.PLAIN;
    }

    /** Cheap to call per row: draws only when the interval has passed. */
    public void update(long done, long events) {
        if (mode == Mode.NONE) {
            return;
        }
        long now = System.nanoTime();
        long interval = mode == Mode.BAR ? BAR_INTERVAL_NS : PLAIN_INTERVAL_NS;
        if (now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        draw(done, events, now, false);
    }

    public void finish(long done, long events) {
        if (mode == Mode.NONE) {
            return;
        }
        draw(done, events, System.nanoTime(), true);
    }

    private void draw(long done, long events, long now, boolean last) {
        double secs = Math.max(1e-9, (now - start) / 1e9);
        double rate = events / secs;
        double frac = total > 0 ? Math.min(1.0, (double) done / total) : 0;
        String counts = String.format(Locale.ROOT, "%,d/%,d %s", done, total, unit);
        String tail = String.format(Locale.ROOT, "%,d events %s, %,.0f events/s, %s", events, eventsVerb, rate, clock(secs));
        if (!last && frac > 0.001 && frac < 1) {
            tail += ", eta " + clock(secs / frac - secs);
        }
        if (mode == Mode.BAR) {
            int filled = (int) Math.round(frac * WIDTH);
            StringBuilder bar = new StringBuilder("[");
            for (int i = 0; i < WIDTH; i++) {
                bar.append(i < filled ? '=' : (i == filled ? '>' : ' '));
            }
            bar.append(']');
            String line = String.format(Locale.ROOT, "%s %s %5.1f%% %s, %s", label, bar, frac * 100, counts, tail);
            int pad = Math.max(0, lastLength - line.length());
            out.print("\r" + line + " ".repeat(pad) + (last ? "\n" : ""));
            lastLength = line.length();
        } else {
            out.printf(Locale.ROOT, "%s %5.1f%% %s, %s%n", label, frac * 100, counts, tail);
        }
        out.flush();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
