package io.streamrec.connectors.avro;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps Avro schemas and values to Kafka Connect's and back, for the shapes streamrec's schemas use: records, optional
 * fields ({@code ["null", X]} unions), strings, enums, numbers, booleans, bytes, arrays and string-keyed maps.
 * Connect schemas are cached per Avro schema, so each record costs one walk of its fields.
 */
public final class AvroConnectData {
    private final Map<Schema, org.apache.kafka.connect.data.Schema> cache = new ConcurrentHashMap<>();

    /** The Connect schema of an Avro record schema. */
    public org.apache.kafka.connect.data.Schema connectSchema(Schema avro) {
        return cache.computeIfAbsent(avro, s -> toConnect(s, false));
    }

    private static org.apache.kafka.connect.data.Schema toConnect(Schema avro, boolean optional) {
        SchemaBuilder builder;
        switch (avro.getType()) {
            case UNION -> {
                List<Schema> branches = avro.getTypes();
                Schema nonNull = branches.stream().filter(b -> b.getType() != Schema.Type.NULL).reduce((a, b) -> {
                    throw new DataException("unsupported Avro union " + avro + ": only [\"null\", T] maps to Connect");
                }).orElseThrow(() -> new DataException("unsupported Avro union " + avro));
                return toConnect(nonNull, optional || branches.size() > 1);
            }
            case RECORD -> {
                builder = SchemaBuilder.struct().name(avro.getFullName());
                for (Schema.Field f : avro.getFields()) {
                    builder.field(f.name(), toConnect(f.schema(), false));
                }
            }
            case STRING, ENUM -> builder = SchemaBuilder.string();
            case LONG -> builder = SchemaBuilder.int64();
            case INT -> builder = SchemaBuilder.int32();
            case DOUBLE -> builder = SchemaBuilder.float64();
            case FLOAT -> builder = SchemaBuilder.float32();
            case BOOLEAN -> builder = SchemaBuilder.bool();
            case BYTES, FIXED -> builder = SchemaBuilder.bytes();
            case ARRAY -> builder = SchemaBuilder.array(toConnect(avro.getElementType(), false));
            case MAP -> builder = SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                    toConnect(avro.getValueType(), false));
            default -> throw new DataException("unsupported Avro type " + avro.getType() + " in " + avro);
        }
        if (avro.getDoc() != null && avro.getType() == Schema.Type.RECORD) {
            builder.doc(avro.getDoc());
        }
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    /** A Connect struct holding the values of an Avro record (generated classes are indexed records). */
    public Struct toStruct(IndexedRecord record) {
        org.apache.kafka.connect.data.Schema schema = connectSchema(record.getSchema());
        return (Struct) toConnectValue(record, schema);
    }

    private static Object toConnectValue(Object value, org.apache.kafka.connect.data.Schema schema) {
        if (value == null) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT -> {
                IndexedRecord record = (IndexedRecord) value;
                Struct struct = new Struct(schema);
                for (org.apache.kafka.connect.data.Field f : schema.fields()) {
                    struct.put(f, toConnectValue(record.get(record.getSchema().getField(f.name()).pos()), f.schema()));
                }
                return struct;
            }
            case STRING -> {
                return value.toString();
            }
            case BYTES -> {
                if (value instanceof ByteBuffer buffer) {
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.duplicate().get(bytes);
                    return bytes;
                }
                return value instanceof GenericData.Fixed fixed ? fixed.bytes() : value;
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object element : (Iterable<?>) value) {
                    out.add(toConnectValue(element, schema.valueSchema()));
                }
                return out;
            }
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.put(e.getKey().toString(), toConnectValue(e.getValue(), schema.valueSchema()));
                }
                return out;
            }
            default -> {
                return value;
            }
        }
    }

    /** A generic Avro record of {@code avro}'s shape with the values of {@code struct}. */
    public static GenericData.Record toAvro(Struct struct, Schema avro) {
        return (GenericData.Record) toAvroValue(struct, avro);
    }

    private static Object toAvroValue(Object value, Schema avro) {
        if (avro.getType() == Schema.Type.UNION) {
            if (value == null) {
                return null;
            }
            Schema nonNull = avro.getTypes().stream().filter(b -> b.getType() != Schema.Type.NULL).findFirst()
                    .orElseThrow();
            return toAvroValue(value, nonNull);
        }
        if (value == null) {
            throw new DataException("null value for required Avro type " + avro.getType());
        }
        switch (avro.getType()) {
            case RECORD -> {
                Struct struct = (Struct) value;
                GenericData.Record record = new GenericData.Record(avro);
                for (Schema.Field f : avro.getFields()) {
                    org.apache.kafka.connect.data.Field cf = struct.schema().field(f.name());
                    Object v = cf == null ? null : struct.get(cf);
                    record.put(f.pos(), v == null && f.hasDefaultValue() ? GenericData.get().getDefaultValue(f)
                            : toAvroValue(v, f.schema()));
                }
                return record;
            }
            case ENUM -> {
                return new GenericData.EnumSymbol(avro, value.toString());
            }
            case BYTES -> {
                return ByteBuffer.wrap((byte[]) value);
            }
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object element : (List<?>) value) {
                    out.add(toAvroValue(element, avro.getElementType()));
                }
                return out;
            }
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.put(e.getKey().toString(), toAvroValue(e.getValue(), avro.getValueType()));
                }
                return out;
            }
            default -> {
                return value;
            }
        }
    }
}
