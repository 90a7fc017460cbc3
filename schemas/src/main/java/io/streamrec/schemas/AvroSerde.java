package io.streamrec.schemas;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Kafka serde for generated Avro classes using Avro single-object encoding: a 2-byte marker, the 8-byte CRC-64-AVRO
 * fingerprint of the writer schema, then the binary body. The decoder's schema store holds the current schema and
 * every earlier version from {@link SchemaHistory}, so data written by older producers is resolved to the current
 * shape. Thread-safe: each thread has its own buffers, encoder and decoder.
 *
 * <p>Speed matters here: every state store read and write of the topology goes through this class, and the values
 * (histories, neighbor counters) hold arrays of records. Avro's own message encoder and decoder work on streams
 * through its unbuffered "direct" binary encoder and decoder, which read and write one byte per call; this class writes
 * the same bytes with the buffered binary encoder into a reused array, and reads a record of the current schema with
 * the binary decoder straight from the array. Records of an earlier schema version (another fingerprint) go through
 * Avro's message decoder, which resolves them against the current schema.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    /** Single-object encoding: marker C3 01, then the 8-byte little-endian CRC-64-AVRO fingerprint of the writer schema. */
    static final int HEADER_LENGTH = 10;

    private final BinaryMessageDecoder<T> decoder;
    private final byte[] header;
    private final ThreadLocal<Codec<T>> codecs;

    /** One thread's reusable state. */
    private static final class Codec<T> {
        final SpecificDatumWriter<T> writer;
        final SpecificDatumReader<T> reader;
        final Buffer out = new Buffer();
        BinaryEncoder binaryEncoder;
        BinaryDecoder binaryDecoder;

        Codec(Schema schema, SpecificData model) {
            this.writer = new SpecificDatumWriter<>(schema, model);
            this.reader = new SpecificDatumReader<>(schema, schema, model);
        }
    }

    /** A byte array output stream whose reset keeps its capacity, and that copies out exactly what was written. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(256);
        }

        byte[] copy() {
            return Arrays.copyOf(buf, count);
        }
    }

    /**
     * Avro 1.12 only instantiates classes it was told to trust; every generated record class that travels on a topic
     * or in a store (including nested records) is registered here once.
     */
    public static synchronized void trust(Class<?>... generated) {
        ClassSecurityValidator.Builder builder = ClassSecurityValidator.builder();
        for (Class<?> c : generated) {
            builder.add(c);
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(), builder.build()));
    }

    public AvroSerde(Class<T> type, Schema schema) {
        // the class's own loader: under Quarkus or a plugin loader the thread context loader may not see generated classes
        SpecificData model = new SpecificData(type.getClassLoader());
        // the generated classes' own encoders and decoders (customEncode/customDecode: plain calls per field, no
        // generic dispatch); the same bytes, and schema resolution still works (readFieldOrderIfDiff)
        model.setCustomCoders(true);
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(schema);
        for (Schema previous : SchemaHistory.previousVersions(schema.getName())) {
            store.addSchema(previous);
        }
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
        this.header = header(schema);
        this.codecs = ThreadLocal.withInitial(() -> new Codec<>(schema, model));
    }

    static byte[] header(Schema schema) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        byte[] h = new byte[HEADER_LENGTH];
        h[0] = (byte) 0xC3;
        h[1] = (byte) 0x01;
        for (int i = 0; i < 8; i++) {
            h[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return h;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Codec<T> c = codecs.get();
        try {
            c.out.reset();
            c.out.write(header);
            c.binaryEncoder = EncoderFactory.get().binaryEncoder(c.out, c.binaryEncoder);
            c.writer.write(data, c.binaryEncoder);
            c.binaryEncoder.flush();
            return c.out.copy();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + data.getSchema().getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            if (!Arrays.equals(bytes, 0, Math.min(HEADER_LENGTH, bytes.length), header, 0, HEADER_LENGTH)) {
                // an earlier schema version, or not single-object encoded at all: Avro resolves it or says why not
                return decoder.decode(bytes);
            }
            Codec<T> c = codecs.get();
            c.binaryDecoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, c.binaryDecoder);
            return c.reader.read(null, c.binaryDecoder);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot decode Avro single-object record on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // configured entirely by its schema
    }

    @Override
    public void close() {
        // nothing to release: encoder and decoder hold no external resources
    }
}
