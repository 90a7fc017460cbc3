package io.streamrec.schemas;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;

final class SchemaBuilderHelper {
    private SchemaBuilderHelper() {
    }

    /** A copy of the record with one more required string field (no default). */
    static Schema withRequiredField(Schema record, String name) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(name, Schema.create(Schema.Type.STRING), null, (Object) null));
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }
}
