package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.User;
import io.streamrec.avro.UserHistory;

/** One shared serde per record type. */
public final class Serdes {
    static {
        AvroSerde.trust(ClickEvent.class, Item.class, User.class, HistoryEntry.class, UserHistory.class);
    }

    public static final AvroSerde<ClickEvent> CLICK_EVENT = new AvroSerde<>(ClickEvent.class, ClickEvent.getClassSchema());
    public static final AvroSerde<Item> ITEM = new AvroSerde<>(Item.class, Item.getClassSchema());
    public static final AvroSerde<User> USER = new AvroSerde<>(User.class, User.getClassSchema());
    public static final AvroSerde<UserHistory> USER_HISTORY = new AvroSerde<>(UserHistory.class, UserHistory.getClassSchema());

    private Serdes() {
    }
}
