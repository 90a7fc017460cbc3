package io.streamrec.ranker;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A one-line progress bar: {@code [#########...........]  120/500  valid ndcg@10 0.6123  best 0.6150 @ 98}.
 * On a terminal it redraws the line in place; otherwise (a log file, CI) it prints one line every
 * {@code everyRounds} rounds so logs stay readable.
 */
public final class StderrProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final boolean redraw;
    private final int everyRounds;
    private int drawnLength;

    /** Draws on standard error, in place when a console is attached. */
    public StderrProgressBar() {
        this(System.err, System.console() != null, 25);
    }

    public StderrProgressBar(PrintStream out, boolean redraw, int everyRounds) {
        this.out = out;
        this.redraw = redraw;
        this.everyRounds = Math.max(1, everyRounds);
    }

    @Override
    public void started(int maxRounds, TrainResult.Counts counts) {
        out.printf(Locale.ROOT, "training: %d groups (%d rows), validating on the newest %d; %d of %d groups "
                        + "dropped without a positive; at most %d rounds%n",
                counts.trainGroups(), counts.trainRows(), counts.validationGroups(),
                counts.droppedWithoutPositive(), counts.groupsRead(), maxRounds);
    }

    @Override
    public void round(Round round) {
        if (!redraw && round.number() % everyRounds != 0 && round.number() != 1) {
            return;
        }
        String line = render(round);
        if (redraw) {
            // blanks over the end of a longer previous line
            out.print("\r" + line + " ".repeat(Math.max(0, drawnLength - line.length())));
            drawnLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void finished(int roundsTrained, int bestRound, boolean stoppedEarly) {
        if (redraw) {
            out.println();
        }
        out.printf(Locale.ROOT, "training: %s after %d rounds, best round %d%n",
                stoppedEarly ? "stopped early" : "reached the round limit", roundsTrained, bestRound);
        out.flush();
    }

    static String render(Round round) {
        int filled = (int) Math.round(WIDTH * (double) round.number() / round.maxRounds());
        StringBuilder bar = new StringBuilder("[");
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '#' : '.');
        }
        bar.append(']');
        String width = String.valueOf(round.maxRounds());
        bar.append(String.format(Locale.ROOT, " %" + width.length() + "d/%s", round.number(), width));
        for (Map.Entry<String, Double> metric : new TreeMap<>(round.validation()).entrySet()) {
            bar.append(String.format(Locale.ROOT, "  valid %s %.4f", metric.getKey(), metric.getValue()));
        }
        bar.append(String.format(Locale.ROOT, "  best %.4f @ %d", round.bestScore(), round.bestRound()));
        return bar.toString();
    }
}
