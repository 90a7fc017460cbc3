package io.streamrec.connectors.avro;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.schemas.AvroSerde;
import io.streamrec.schemas.Serdes;
import io.streamrec.schemas.Topics;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Connect converter for streamrec's topic values: Avro single-object encoding read and written with the schemas
 * module's serdes ({@link Serdes}), so data written by older schema versions is resolved to the current shape exactly as
 * the stream processor reads it. Values become Connect {@link Struct}s whose fields are the Avro fields.
 *
 * <p>Which record type a topic holds: {@code record.type} ({@code auto}, {@code ClickEvent}, {@code Item}, {@code User});
 * {@code auto} picks it from the topic name ({@link Topics#EVENTS}, {@link Topics#ITEMS}, {@link Topics#USERS}).
 * Bytes that do not decode raise a {@link DataException}, which the worker's error handling routes to the dead letter
 * queue when {@code errors.tolerance=all}.
 */
public final class StreamrecAvroConverter implements Converter {
    public static final String RECORD_TYPE_CONFIG = "record.type";

    enum RecordType {
        CLICKEVENT(Serdes.CLICK_EVENT), ITEM(Serdes.ITEM), USER(Serdes.USER);

        final AvroSerde<? extends SpecificRecord> serde;

        RecordType(AvroSerde<? extends SpecificRecord> serde) {
            this.serde = serde;
        }
    }

    static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(RECORD_TYPE_CONFIG, ConfigDef.Type.STRING, "auto",
                    ConfigDef.CaseInsensitiveValidString.in("auto", "ClickEvent", "Item", "User"),
                    ConfigDef.Importance.MEDIUM,
                    "Avro record type of the topic values: ClickEvent, Item or User; 'auto' chooses by topic name ("
                            + Topics.EVENTS + ", " + Topics.ITEMS + ", " + Topics.USERS + ")");

    private final AvroConnectData data = new AvroConnectData();
    private RecordType fixedType;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        String type = config.getString(RECORD_TYPE_CONFIG).toUpperCase(Locale.ROOT);
        fixedType = type.equals("AUTO") ? null : RecordType.valueOf(type);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    RecordType typeOf(String topic) {
        if (fixedType != null) {
            return fixedType;
        }
        return switch (topic) {
            case Topics.EVENTS -> RecordType.CLICKEVENT;
            case Topics.ITEMS -> RecordType.ITEM;
            case Topics.USERS -> RecordType.USER;
            default -> throw new ConfigException(RECORD_TYPE_CONFIG, "auto",
                    "topic '" + topic + "' is not a streamrec topic: set the converter's " + RECORD_TYPE_CONFIG
                            + " to one of " + Arrays.toString(RecordType.values()));
        };
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        RecordType type = typeOf(topic);
        if (value == null) {
            return new SchemaAndValue(data.connectSchema(schemaOf(type)).schema(), null);
        }
        SpecificRecord record;
        try {
            record = type.serde.deserialize(topic, value);
        } catch (RuntimeException e) {
            throw new DataException("not a streamrec " + schemaOf(type).getName() + " (Avro single-object encoding) on "
                    + topic + ": " + e.getMessage(), e);
        }
        Struct struct = data.toStruct(record);
        return new SchemaAndValue(struct.schema(), struct);
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Struct struct)) {
            throw new DataException("expected a Struct for " + topic + ", got " + value.getClass().getName());
        }
        RecordType type = typeOf(topic);
        org.apache.avro.Schema avro = schemaOf(type);
        SpecificRecord record = (SpecificRecord) SpecificData.getForSchema(avro)
                .deepCopy(avro, AvroConnectData.toAvro(struct, avro));
        return ((AvroSerde<SpecificRecord>) type.serde).serialize(topic, record);
    }

    private static org.apache.avro.Schema schemaOf(RecordType type) {
        return switch (type) {
            case CLICKEVENT -> ClickEvent.getClassSchema();
            case ITEM -> Item.getClassSchema();
            case USER -> User.getClassSchema();
        };
    }
}
