package io.streamrec.connectors.personalize;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import software.amazon.awssdk.services.personalizeevents.model.Item;
import software.amazon.awssdk.services.personalizeevents.model.User;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item and User structs to PutItems / PutUsers elements. Item properties are the catalog fields named in
 * {@code personalize.items.fields} that the record has (the created time as {@code creationTimestamp}, epoch seconds,
 * as Personalize's CREATION_TIMESTAMP expects); user properties are the user's attributes.
 */
final class CatalogMapper {
    private final List<String> itemFields;

    CatalogMapper(List<String> itemFields) {
        this.itemFields = List.copyOf(itemFields);
    }

    Mapped<Item> item(SinkRecord record) {
        if (!(record.value() instanceof Struct item)) {
            return Mapped.invalid("value", "expected an Item struct, got " + describe(record.value()));
        }
        String itemId = EventMapper.string(item, "itemId");
        String problem = EventMapper.idProblem(itemId, true);
        if (problem != null) {
            return Mapped.invalid("itemId", problem);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String field : itemFields) {
            Object v = field.equals("creationTimestamp")
                    ? (EventMapper.value(item, "created") instanceof Long created ? created / 1000 : null)
                    : EventMapper.value(item, field);
            if (v != null) {
                properties.put(field, v);
            }
        }
        Item.Builder out = Item.builder().itemId(itemId);
        if (!properties.isEmpty()) {
            out.properties(EventMapper.json(properties));
        }
        return Mapped.ok(out.build(), "");
    }

    Mapped<User> user(SinkRecord record) {
        if (!(record.value() instanceof Struct user)) {
            return Mapped.invalid("value", "expected a User struct, got " + describe(record.value()));
        }
        String userId = EventMapper.string(user, "userId");
        String problem = EventMapper.idProblem(userId, true);
        if (problem != null) {
            return Mapped.invalid("userId", problem);
        }
        User.Builder out = User.builder().userId(userId);
        if (EventMapper.value(user, "attributes") instanceof Map<?, ?> attributes && !attributes.isEmpty()) {
            Map<String, Object> properties = new java.util.TreeMap<>();
            attributes.forEach((k, v) -> properties.put(k.toString(), v));
            out.properties(EventMapper.json(properties));
        }
        return Mapped.ok(out.build(), "");
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
