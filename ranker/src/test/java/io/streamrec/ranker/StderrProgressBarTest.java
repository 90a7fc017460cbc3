package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StderrProgressBarTest {

    private static ProgressListener.Round round(int number, double ndcg, int bestRound, double best) {
        return new ProgressListener.Round(number, 500, Map.of("ndcg@10", 0.7), Map.of("ndcg@10", ndcg, "map@10", 0.5),
                bestRound, best);
    }

    @Test
    void drawsABarWithTheValidationMetrics() {
        assertEquals("[#######.......................] 120/500  valid map@10 0.5000  valid ndcg@10 0.6123  "
                + "best 0.6150 @ 98", StderrProgressBar.render(round(120, 0.61234, 98, 0.615)));
        assertEquals("[##############################] 500/500  valid map@10 0.5000  valid ndcg@10 0.6000  "
                + "best 0.6150 @ 98", StderrProgressBar.render(round(500, 0.6, 98, 0.615)));
    }

    @Test
    void redrawsInPlaceOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StderrProgressBar bar = new StderrProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), true, 25);
        bar.round(round(1, 0.5, 1, 0.5));
        bar.round(round(2, 0.5, 1, 0.5));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, out.chars().filter(c -> c == '\r').count());
        assertEquals(-1, out.indexOf('\n'));
    }

    @Test
    void printsEveryNthRoundIntoALog() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StderrProgressBar bar = new StderrProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, 25);
        for (int i = 1; i <= 60; i++) {
            bar.round(round(i, 0.5, 1, 0.5));
        }
        bar.finished(60, 30, true);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length); // rounds 1, 25, 50 and the summary
        assertEquals("training: stopped early after 60 rounds, best round 30", lines[3]);
    }
}
