package io.streamrec.schemas;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Kafka serde for generated Avro classes using Avro single-object encoding: a 2-byte marker, the 8-byte CRC-64-AVRO
 * fingerprint of the writer schema, then the binary body. The decoder's schema store holds the current schema and
 * every earlier version from {@link SchemaHistory}, so data written by older producers is resolved to the current
 * shape. Encoder and decoder are thread-safe (Avro keeps per-thread buffers).
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

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
        SchemaStore.Cache store = new SchemaStore.Cache();
        store.addSchema(schema);
        for (Schema previous : SchemaHistory.previousVersions(schema.getName())) {
            store.addSchema(previous);
        }
        this.encoder = new BinaryMessageEncoder<>(model, schema);
        this.decoder = new BinaryMessageDecoder<>(model, schema, store);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(data);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
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
            return decoder.decode(bytes);
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
