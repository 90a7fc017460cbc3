package io.streamrec.tools.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Catalog entries gathered while reading a data set: per item the first non-empty title seen and the price of its most
 * recent row (by event time; a later row wins a tie). Category stays null: the data sets carry none.
 */
public final class Catalog {
    private static final class Entry {
        String title;
        Double price;
        long priceTime = Long.MIN_VALUE;
    }

    private final Map<String, Entry> items = new LinkedHashMap<>();

    public void add(String itemId, String title, Double price, long timestamp) {
        Entry e = items.computeIfAbsent(itemId, k -> new Entry());
        if (e.title == null && title != null && !title.isBlank()) {
            e.title = title.strip();
        }
        if (price != null && timestamp >= e.priceTime) {
            e.price = price;
            e.priceTime = timestamp;
        }
    }

    public int size() {
        return items.size();
    }

    public List<ItemJson> items() {
        List<ItemJson> out = new ArrayList<>(items.size());
        items.forEach((id, e) -> out.add(new ItemJson(id, e.title, null, e.price, null, Boolean.TRUE)));
        return out;
    }
}
