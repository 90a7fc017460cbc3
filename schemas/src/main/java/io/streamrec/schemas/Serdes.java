package io.streamrec.schemas;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.ItemEventDelta;
import io.streamrec.avro.ItemState;
import io.streamrec.avro.ItemUpdate;
import io.streamrec.avro.ItemUpdates;
import io.streamrec.avro.UserState;
import io.streamrec.avro.DecayedSum;
import io.streamrec.avro.ExampleCandidate;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemNeighbors;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.ItemSignal;
import io.streamrec.avro.ItemStats;
import io.streamrec.avro.NeighborCounter;
import io.streamrec.avro.RankEntry;
import io.streamrec.avro.TrainingExample;
import io.streamrec.avro.User;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.UserItem;
import io.streamrec.avro.UserItems;
import io.streamrec.avro.WeightedKey;

/** One shared serde per record type. */
public final class Serdes {
    static {
        AvroSerde.trust(ClickEvent.class, Item.class, User.class, HistoryEntry.class, UserHistory.class,
                WeightedKey.class, DecayedSum.class, UserFeatures.class, ItemStats.class, ItemSignal.class,
                ItemNeighbors.class, NeighborCounter.class, RankEntry.class, ItemProfile.class,
                UserItems.class, UserItem.class, TrainingExample.class, ExampleCandidate.class, UserState.class,
                ItemState.class, ItemUpdates.class, ItemUpdate.class, ItemEventDelta.class, io.streamrec.avro.ItemStatsDelta.class,
                io.streamrec.avro.SeenEvent.class, io.streamrec.avro.Erasure.class);
    }

    public static final AvroSerde<ClickEvent> CLICK_EVENT = new AvroSerde<>(ClickEvent.class, ClickEvent.getClassSchema());
    public static final AvroSerde<Item> ITEM = new AvroSerde<>(Item.class, Item.getClassSchema());
    public static final AvroSerde<User> USER = new AvroSerde<>(User.class, User.getClassSchema());
    public static final AvroSerde<io.streamrec.avro.Erasure> ERASURE = new AvroSerde<>(io.streamrec.avro.Erasure.class,
            io.streamrec.avro.Erasure.getClassSchema());
    public static final AvroSerde<UserHistory> USER_HISTORY = new AvroSerde<>(UserHistory.class, UserHistory.getClassSchema());
    public static final AvroSerde<UserFeatures> USER_FEATURES = new AvroSerde<>(UserFeatures.class, UserFeatures.getClassSchema());
    public static final AvroSerde<ItemStats> ITEM_STATS = new AvroSerde<>(ItemStats.class, ItemStats.getClassSchema());
    public static final AvroSerde<ItemSignal> ITEM_SIGNAL = new AvroSerde<>(ItemSignal.class, ItemSignal.getClassSchema());
    public static final AvroSerde<ItemNeighbors> ITEM_NEIGHBORS = new AvroSerde<>(ItemNeighbors.class, ItemNeighbors.getClassSchema());
    public static final AvroSerde<NeighborCounter> NEIGHBOR_COUNTER = new AvroSerde<>(NeighborCounter.class, NeighborCounter.getClassSchema());
    public static final AvroSerde<RankEntry> RANK_ENTRY = new AvroSerde<>(RankEntry.class, RankEntry.getClassSchema());
    public static final AvroSerde<ItemProfile> ITEM_PROFILE = new AvroSerde<>(ItemProfile.class, ItemProfile.getClassSchema());
    public static final AvroSerde<UserItems> USER_ITEMS = new AvroSerde<>(UserItems.class, UserItems.getClassSchema());
    public static final AvroSerde<TrainingExample> TRAINING_EXAMPLE = new AvroSerde<>(TrainingExample.class, TrainingExample.getClassSchema());

    public static final AvroSerde<UserState> USER_STATE = new AvroSerde<>(UserState.class, UserState.getClassSchema());
    public static final AvroSerde<ItemState> ITEM_STATE = new AvroSerde<>(ItemState.class, ItemState.getClassSchema());
    public static final AvroSerde<ItemUpdates> ITEM_UPDATES = new AvroSerde<>(ItemUpdates.class, ItemUpdates.getClassSchema());

    private Serdes() {
    }
}
