package io.streamrec.processor;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.ExampleCandidate;
import io.streamrec.avro.HistoryEntry;
import io.streamrec.avro.Item;
import io.streamrec.avro.ItemProfile;
import io.streamrec.avro.TrainingExample;
import io.streamrec.avro.UserFeatures;
import io.streamrec.avro.UserHistory;
import io.streamrec.avro.UserItems;
import io.streamrec.recommend.Candidate;
import io.streamrec.recommend.CandidateSet;
import io.streamrec.recommend.Features;
import io.streamrec.recommend.UserContext;
import io.streamrec.schemas.EventRules;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * For a sample of item events, the candidate set exactly as serving would build it from the state just before the
 * event, labelled by the item the user chose: one {@link TrainingExample} to {@code streamrec.training-examples}.
 *
 * <p>Point in time: this processor is the first to see each deduplicated event, before the user items, features and
 * history are updated with it; the event's co-occurrence pairs reach the item profiles later still (through the item
 * partitions and a flush). Entries at the event's own instant (other lines of the same order) are left out of the
 * context, so an order's lines all see the state before the order.
 *
 * <p>Sampling is a deterministic function of the eventId (per-type rates), so reprocessing samples the same events;
 * at most {@code max-per-second} examples per task and wall-clock second bound the cost of a burst. An example keeps
 * the chosen item, the hardest other candidates and a deterministic random draw of the rest; when the chosen item is
 * no candidate the example is still written, without candidates, so candidate recall can be measured.
 */
final class TrainingExampleProcessor implements Processor<String, ClickEvent, String, TrainingExample> {
    private final ProcessorConfig config;
    private final RecommendSettings settings;
    private final EventRules rules;
    private final RecommendationState shared;
    private ProcessorContext<String, TrainingExample> context;
    private KeyValueStore<String, UserHistory> history;
    private KeyValueStore<String, UserFeatures> features;
    private KeyValueStore<String, UserItems> userItems;
    private long second = -1;
    private int inSecond;

    TrainingExampleProcessor(ProcessorConfig config, RecommendationState shared) {
        this.config = config;
        this.settings = config.recommend();
        this.rules = config.rules();
        this.shared = shared;
    }

    @Override
    public void init(ProcessorContext<String, TrainingExample> context) {
        this.context = context;
        this.history = context.getStateStore(StoreNames.HISTORY);
        this.features = context.getStateStore(StoreNames.USER_FEATURES);
        this.userItems = context.getStateStore(StoreNames.USER_ITEMS);
        ReadOnlyKeyValueStore<String, ItemProfile> profiles = context.getStateStore(StoreNames.ITEM_PROFILES);
        ReadOnlyKeyValueStore<String, Item> catalog = context.getStateStore(StoreNames.ITEMS);
        shared.attach(profiles, catalog);
    }

    @Override
    public void process(Record<String, ClickEvent> record) {
        ClickEvent e = record.value();
        if (!rules.isItemEvent(e.getEventType()) || e.getItemId() == null) {
            return;
        }
        double rate = settings.sampleRate(e.getEventType());
        if (rate <= 0 || unit(e.getEventId()) >= rate || !withinRate()) {
            return;
        }
        long t = e.getTimestamp();
        UserHistory h = history.get(record.key());
        List<HistoryEntry> entries = h == null ? List.of() : h.getEntries();
        UserContext ctx = new UserContext(record.key(), entries, features.get(record.key()), userItems.get(record.key()),
                List.of(), t, t);
        CandidateSet set = shared.generator().generate(ctx, shared.index().snapshot(), id -> true);
        context.forward(new Record<>(record.key(), example(e, record.key(), set, settings), t));
    }

    static TrainingExample example(ClickEvent e, String userKey, CandidateSet set, RecommendSettings s) {
        List<Candidate> scored = set.scoredCandidates();
        int positive = -1;
        for (int i = 0; i < scored.size(); i++) {
            if (scored.get(i).itemId().equals(e.getItemId())) {
                positive = i;
                break;
            }
        }
        List<ExampleCandidate> kept = new ArrayList<>();
        if (positive >= 0) {
            List<Integer> picked = new ArrayList<>();
            picked.add(positive);
            int hard = 0;
            List<Integer> rest = new ArrayList<>();
            for (int i = 0; i < scored.size(); i++) {
                if (i == positive) {
                    continue;
                }
                if (hard < s.hardNegatives()) {
                    picked.add(i);
                    hard++;
                } else {
                    rest.add(i);
                }
            }
            rest.sort(Comparator.comparingDouble(i -> unit(e.getEventId() + "|" + scored.get(i).itemId())));
            picked.addAll(rest.subList(0, Math.min(s.randomNegatives(), rest.size())));
            picked.sort(Integer::compare);
            for (int i : picked) {
                float[] v = set.features()[i];
                List<Float> values = new ArrayList<>(v.length);
                for (float f : v) {
                    values.add(f);
                }
                kept.add(new ExampleCandidate(scored.get(i).itemId(), i == positive ? 1f : 0f, values));
            }
        }
        return TrainingExample.newBuilder()
                .setGroupId(e.getEventId())
                .setUserKey(userKey)
                .setEventType(e.getEventType())
                .setItemId(e.getItemId())
                .setTimestamp(e.getTimestamp())
                .setFeatureVersion(Features.VERSION)
                .setCandidateCount(set.ranked().size())
                .setPositiveRank(set.rankOf(e.getItemId()))
                .setCandidates(kept)
                .build();
    }

    private boolean withinRate() {
        if (settings.maxExamplesPerSecond() == 0) {
            return true;
        }
        long now = System.currentTimeMillis() / 1000;
        if (now != second) {
            second = now;
            inSecond = 0;
        }
        return inSecond++ < settings.maxExamplesPerSecond();
    }

    /** A uniform number in [0, 1) from a string (FNV-1a, then SplitMix64's finaliser). */
    static double unit(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
