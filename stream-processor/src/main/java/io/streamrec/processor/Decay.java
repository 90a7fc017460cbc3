package io.streamrec.processor;

import io.streamrec.avro.DecayedSum;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Exponential decay by event time. A decayed sum is kept valid at a reference time (the newest event time of its
 * owner): a newer event first ages the sum to its own time, then adds its weight; an older (out-of-order) event adds
 * its weight already aged to the reference. Either way the sum equals {@code sum(w_i * 2^(-(ref - t_i) / halfLife))},
 * whatever the arrival order.
 */
public final class Decay {
    private Decay() {
    }

    /** {@code 2^(-ageMs / halfLife)}; an age of 0 or less is 1. */
    public static double factor(long ageMs, Duration halfLife) {
        return ageMs <= 0 ? 1.0 : Math.pow(0.5, (double) ageMs / halfLife.toMillis());
    }

    /** A sum valid at {@code ref}, aged to {@code at} (no change when {@code at <= ref}). */
    public static double at(double value, long ref, long at, Duration halfLife) {
        return value * factor(at - ref, halfLife);
    }

    /**
     * Adds {@code weight} at event time {@code t} to a sum valid at {@code ref}; the result is valid at
     * {@code max(ref, t)}.
     */
    public static double add(double value, long ref, double weight, long t, Duration halfLife) {
        if (t >= ref) {
            return value * factor(t - ref, halfLife) + weight;
        }
        return value + weight * factor(ref - t, halfLife);
    }

    /**
     * Adds an event to one sum per half-life (sums are matched by half-life, so a half-life added by configuration
     * starts at 0 and one removed is dropped).
     */
    public static List<DecayedSum> addAll(List<DecayedSum> sums, List<Duration> halfLives, long ref, double weight, long t) {
        List<DecayedSum> out = new ArrayList<>(halfLives.size());
        for (Duration h : halfLives) {
            out.add(new DecayedSum(h.toMillis(), add(value(sums, h), ref, weight, t, h)));
        }
        return out;
    }

    /** The sum kept for this half-life, 0 when there is none. */
    public static double value(List<DecayedSum> sums, Duration halfLife) {
        long ms = halfLife.toMillis();
        for (DecayedSum s : sums) {
            if (s.getHalfLifeMs() == ms) {
                return s.getValue();
            }
        }
        return 0.0;
    }
}
