package io.streamrec.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The packed form of a feature vector in a training example ({@code ExampleCandidate.features}): float32
 * little-endian, one after the other in the feature schema's order, missing values NaN. One byte copy to encode or
 * decode a vector, where an Avro {@code array<float>} boxes and writes each value on its own (an example holds some
 * 300 vectors of 58 values).
 */
public final class FeatureVectors {
    private FeatureVectors() {
    }

    public static ByteBuffer pack(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b;
    }

    /** A candidate's vector: the packed one (v2), or v1's list of values when nothing is packed. */
    public static float[] of(io.streamrec.avro.ExampleCandidate c) {
        if (c.getPacked().hasRemaining()) {
            return unpack(c.getPacked());
        }
        float[] out = new float[c.getFeatures().size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.getFeatures().get(i);
        }
        return out;
    }

    /** The values of a packed vector; its length must be a multiple of 4 bytes. */
    public static float[] unpack(ByteBuffer packed) {
        ByteBuffer b = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException("a packed feature vector has a multiple of 4 bytes, not " + b.remaining());
        }
        float[] out = new float[b.remaining() / Float.BYTES];
        b.asFloatBuffer().get(out);
        return out;
    }
}
