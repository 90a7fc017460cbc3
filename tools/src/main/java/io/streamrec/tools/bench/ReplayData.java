package io.streamrec.tools.bench;

import io.streamrec.avro.ClickEvent;
import io.streamrec.avro.Item;
import io.streamrec.tools.ToolException;
import io.streamrec.tools.load.Catalog;
import io.streamrec.tools.load.EventJson;
import io.streamrec.tools.load.Inputs;
import io.streamrec.tools.load.ItemJson;
import io.streamrec.tools.load.OnlineRetailFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Online Retail events as the loader maps them (same eventIds, users, sessions, timestamps; see
 * {@link OnlineRetailFormat}), replayable several times: repetition {@code r > 0} gets its own users, sessions and
 * eventIds (suffix {@code -r<r>}) and follows the previous one in time, and the whole replay is moved so that it ends
 * a minute before {@code now}, which keeps history retention (30 days of event time) and the freshness probes (sent
 * with the current time) consistent with the data. Items keep their ids: a repetition is more shoppers in the same shop.
 */
final class ReplayData {
    final List<EventJson> events;
    final List<ItemJson> items;
    final long firstTimestamp;
    final long lastTimestamp;

    private ReplayData(List<EventJson> events, List<ItemJson> items) {
        this.events = events;
        this.items = items;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (EventJson e : events) {
            first = Math.min(first, e.timestamp());
            last = Math.max(last, e.timestamp());
        }
        this.firstTimestamp = first;
        this.lastTimestamp = last;
    }

    static ReplayData read(Path file, long limitRows) {
        List<EventJson> events = new ArrayList<>(560_000);
        Catalog catalog = new Catalog();
        try (BufferedReader in = Inputs.open(file, new AtomicLong())) {
            new OnlineRetailFormat(false).read(in, limitRows, catalog, row -> {
                if (!row.isSkipped()) {
                    events.addAll(row.events());
                }
            });
        } catch (IOException e) {
            throw new ToolException("reading " + file + ": " + e.getMessage());
        }
        if (events.isEmpty()) {
            throw new ToolException("no usable event in " + file);
        }
        return new ReplayData(events, catalog.items());
    }

    static ReplayData of(List<EventJson> events, List<ItemJson> items) {
        return new ReplayData(events, items);
    }

    /** How many repetitions make at least {@code minEvents} events. */
    int repetitionsFor(long minEvents) {
        return (int) Math.max(1, (minEvents + events.size() - 1) / events.size());
    }

    /** Time between the starts of two repetitions: the data's span plus a day. */
    long repetitionSpanMillis() {
        return lastTimestamp - firstTimestamp + Duration.ofDays(1).toMillis();
    }

    /** What to add to an original timestamp of repetition 0 so that the last repetition ends at {@code endAt}. */
    long shiftMillis(int repetitions, long endAt) {
        return endAt - (lastTimestamp + (repetitions - 1) * repetitionSpanMillis());
    }

    /** Event {@code i} of repetition {@code rep}, time-shifted by {@code shift + rep * span}. */
    ClickEvent event(int rep, int i, long shift) {
        EventJson e = events.get(i);
        String suffix = rep == 0 ? "" : "-r" + rep;
        Map<String, String> props = e.properties() == null ? Map.of() : e.properties();
        return ClickEvent.newBuilder()
                .setEventId(e.eventId() + suffix)
                .setUserId(e.userId() == null ? null : e.userId() + suffix)
                .setSessionId(e.sessionId() == null ? null : e.sessionId() + suffix)
                .setItemId(e.itemId())
                .setEventType(e.eventType())
                .setTimestamp(e.timestamp() + shift + rep * repetitionSpanMillis())
                .setPrice(e.price())
                .setQuantity(e.quantity())
                .setProperties(new HashMap<>(props))
                .build();
    }

    List<Item> catalog() {
        List<Item> out = new ArrayList<>(items.size());
        for (ItemJson i : items) {
            out.add(Item.newBuilder().setItemId(i.itemId()).setTitle(i.title()).setPrice(i.price()).setAvailable(true).build());
        }
        return out;
    }

    /** Distinct Kafka keys (userId, or sessionId for guests) of one repetition. */
    int distinctKeys() {
        Set<String> keys = new HashSet<>();
        for (EventJson e : events) {
            keys.add(e.key());
        }
        return keys.size();
    }

    /** Distinct keys among the first {@code count} events of a replay (repetitions one after the other). */
    long distinctKeysOfFirst(long count) {
        long total = 0;
        for (long start = 0; start < count; start += events.size()) {
            int n = (int) Math.min(events.size(), count - start);
            Set<String> keys = new HashSet<>();
            for (int i = 0; i < n; i++) {
                keys.add(events.get(i).key());
            }
            total += keys.size();
        }
        return total;
    }

    /** The events of the last {@code window} of the data (a serving stack's state: history keeps 30 days). */
    ReplayData lastPart(Duration window) {
        long from = lastTimestamp - window.toMillis();
        List<EventJson> recent = new ArrayList<>();
        for (EventJson e : events) {
            if (e.timestamp() >= from) {
                recent.add(e);
            }
        }
        return new ReplayData(recent, items);
    }

    int distinctItems() {
        Set<String> ids = new HashSet<>();
        for (EventJson e : events) {
            ids.add(e.itemId());
        }
        return ids.size();
    }

    /** Users (with a userId) whose last event is at least {@code minEvents}-th and within {@code window} of the end. */
    List<String> activeUsers(Duration window, int minEvents) {
        Map<String, long[]> byUser = new LinkedHashMap<>();
        for (EventJson e : events) {
            if (e.userId() != null) {
                long[] s = byUser.computeIfAbsent(e.userId(), k -> new long[2]);
                s[0]++;
                s[1] = Math.max(s[1], e.timestamp());
            }
        }
        long from = lastTimestamp - window.toMillis();
        List<String> out = new ArrayList<>();
        byUser.forEach((u, s) -> {
            if (s[0] >= minEvents && s[1] >= from) {
                out.add(u);
            }
        });
        return out;
    }

    /** Items by number of events, most frequent first. */
    List<String> itemsByFrequency() {
        Map<String, Integer> counts = new HashMap<>();
        for (EventJson e : events) {
            counts.merge(e.itemId(), 1, Integer::sum);
        }
        List<String> ids = new ArrayList<>(counts.keySet());
        ids.sort((a, b) -> counts.get(b) - counts.get(a) != 0 ? counts.get(b) - counts.get(a) : a.compareTo(b));
        return ids;
    }
}
