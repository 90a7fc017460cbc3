package io.streamrec.tools.eval;

import io.streamrec.tools.load.Catalog;
import io.streamrec.tools.load.EventJson;
import io.streamrec.tools.load.Inputs;
import io.streamrec.tools.load.OnlineRetailFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an evaluation needs from a data set, computed by the harness itself from the file: each evaluated user's known
 * history (what the system receives) and targets (what it must find), plus the item counts behind the in-harness
 * baselines. Nothing here is tuned to particular ids.
 */
public final class EvalData {
    /** user -> items in time order, as sent to the system */
    public final Map<String, List<String>> history = new LinkedHashMap<>();
    /** user -> items to find (one for seq, the set bought after the cut-off for online-retail) */
    public final Map<String, Set<String>> targets = new LinkedHashMap<>();
    /** users with targets but no history (online-retail only) */
    public final Map<String, Set<String>> coldTargets = new LinkedHashMap<>();
    /** how often each item occurs in the history part of the data (all users, anonymous included) */
    public final Map<String, Long> popularity = new HashMap<>();
    public final Set<String> allItems = new LinkedHashSet<>();

    /** seq: line = user item1 ... itemN; history = all but the last, target = the last (users with >= 2 items). */
    public static EvalData seq(Path file, String idPrefix) throws IOException {
        EvalData d = new EvalData();
        try (BufferedReader in = Inputs.open(file, new AtomicLong())) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] parts = line.strip().split("\\s+");
                if (parts.length < 3) {
                    for (int i = 1; i < parts.length; i++) {
                        d.allItems.add(idPrefix + parts[i]);
                    }
                    continue;
                }
                String user = idPrefix + parts[0];
                List<String> h = new ArrayList<>(parts.length - 2);
                for (int i = 1; i < parts.length; i++) {
                    String item = idPrefix + parts[i];
                    d.allItems.add(item);
                    if (i < parts.length - 1) {
                        h.add(item);
                        d.popularity.merge(item, 1L, Long::sum);
                    }
                }
                d.history.put(user, h);
                d.targets.put(user, Set.of(idPrefix + parts[parts.length - 1]));
            }
        }
        return d;
    }

    /** online-retail: purchases before the cut-off are history; a customer's targets are the items bought after it. */
    public static EvalData onlineRetail(Path file, long cutoffMillis) throws IOException {
        EvalData d = new EvalData();
        Map<String, Set<String>> after = new LinkedHashMap<>();
        try (BufferedReader in = Inputs.open(file, new AtomicLong())) {
            new OnlineRetailFormat(false).read(in, 0, new Catalog(), row -> {
                for (EventJson e : row.events()) {
                    d.allItems.add(e.itemId());
                    if (e.timestamp() < cutoffMillis) {
                        d.popularity.merge(e.itemId(), 1L, Long::sum);
                        if (e.userId() != null) {
                            d.history.computeIfAbsent(e.userId(), k -> new ArrayList<>()).add(e.itemId());
                        }
                    } else if (e.userId() != null) {
                        after.computeIfAbsent(e.userId(), k -> new LinkedHashSet<>()).add(e.itemId());
                    }
                }
            });
        }
        for (Map.Entry<String, Set<String>> e : after.entrySet()) {
            if (d.history.containsKey(e.getKey())) {
                d.targets.put(e.getKey(), e.getValue());
            } else {
                d.coldTargets.put(e.getKey(), e.getValue());
            }
        }
        d.history.keySet().retainAll(d.targets.keySet());
        return d;
    }

    /** Items by descending popularity, ties by id, for the popularity baseline. */
    public List<String> byPopularity(int max) {
        return popularity.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(max).map(Map.Entry::getKey).toList();
    }

    /** Popularity baseline for one user: the most popular items, minus the excluded ones. */
    public static List<String> popular(List<String> byPopularity, Set<String> exclude, int k) {
        List<String> out = new ArrayList<>(k);
        for (String item : byPopularity) {
            if (!exclude.contains(item)) {
                out.add(item);
                if (out.size() == k) {
                    break;
                }
            }
        }
        return out;
    }

    /** Buy-again baseline: the user's most-bought items (count, then most recent), padded with popular ones. */
    public static List<String> buyAgain(List<String> history, List<String> byPopularity, int k) {
        Map<String, long[]> stats = new HashMap<>();
        for (int i = 0; i < history.size(); i++) {
            long[] s = stats.computeIfAbsent(history.get(i), x -> new long[2]);
            s[0]++;
            s[1] = i;
        }
        List<String> out = new ArrayList<>(stats.keySet());
        out.sort(Comparator.<String>comparingLong(i -> -stats.get(i)[0]).thenComparingLong(i -> -stats.get(i)[1]));
        if (out.size() > k) {
            return out.subList(0, k);
        }
        for (String item : byPopularity) {
            if (out.size() == k) {
                break;
            }
            if (!stats.containsKey(item)) {
                out.add(item);
            }
        }
        return out;
    }
}
