package io.streamrec.processor;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.memory.Memory;

import java.nio.ByteBuffer;

/**
 * Distinct counts with Apache DataSketches HyperLogLog (HLL_4), serialized compactly into a bytes field. Small sets
 * are held as a list of 4-byte coupons (so a sketch of a few items is a few dozen bytes and practically exact); past
 * that the sketch has 2^lgK 4-bit registers: at lgK 10 at most about 560 bytes with a relative standard error of
 * about 3.2 %.
 */
public final class Sketches {
    private Sketches() {
    }

    /** The sketch with {@code value} added; a null sketch starts a new one with {@code lgK}. */
    public static ByteBuffer add(ByteBuffer sketch, String value, int lgK) {
        HllSketch hll = open(sketch, lgK);
        hll.update(value);
        return encode(hll);
    }

    /** A live sketch to add to in place: decoded from {@code sketch}, or a new one with {@code lgK} when null. */
    public static HllSketch open(ByteBuffer sketch, int lgK) {
        return sketch == null ? new HllSketch(lgK, TgtHllType.HLL_4) : HllSketch.heapify(Memory.wrap(bytes(sketch)));
    }

    /** A live sketch's compact encoding, as {@link #add} stores it. */
    public static ByteBuffer encode(HllSketch sketch) {
        return ByteBuffer.wrap(sketch.toCompactByteArray());
    }

    /** The estimated number of distinct values, rounded; 0 for no sketch. */
    public static long estimate(ByteBuffer sketch) {
        if (sketch == null) {
            return 0;
        }
        return Math.round(HllSketch.heapify(Memory.wrap(bytes(sketch))).getEstimate());
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
