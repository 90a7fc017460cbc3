package io.streamrec.gateway;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.streamrec.avro.ItemStats;
import io.streamrec.processor.StoreNames;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item statistics for many items at once: the ones this instance owns are read locally, the others with one request
 * per owning instance (never one per item).
 */
@ApplicationScoped
public class ItemLookups {
    private static final Logger LOG = Logger.getLogger(ItemLookups.class);
    static final String WEIGHTED_EVENTS_PATH = "/internal/items/weighted-events";

    @Inject
    StateQueries queries;

    @Inject
    ObjectMapper mapper;

    /** This instance's own items among {@code ids}: itemId -> all-time weighted event count. */
    public Map<String, Double> localWeightedEvents(Collection<String> ids) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String id : ids) {
            KeyQueryMetadata md = queries.owner(StoreNames.ITEM_STATS, id);
            if (md.activeHost().equals(queries.self())) {
                ItemStats s = queries.readLocal(StoreNames.ITEM_STATS, id, md.partition());
                if (s != null) {
                    out.put(id, s.getWeightedEvents());
                }
            }
        }
        return out;
    }

    /**
     * The weighted event count of every item in {@code ids} that has statistics. An instance that does not answer
     * leaves its items out (the caller treats them as unknown) rather than failing the whole answer.
     */
    public Uni<Map<String, Double>> weightedEvents(Collection<String> ids) {
        Map<HostInfo, List<String>> byOwner = new HashMap<>();
        for (String id : ids) {
            byOwner.computeIfAbsent(queries.owner(StoreNames.ITEM_STATS, id).activeHost(), h -> new ArrayList<>()).add(id);
        }
        List<Uni<Map<String, Double>>> parts = new ArrayList<>();
        for (Map.Entry<HostInfo, List<String>> e : byOwner.entrySet()) {
            if (e.getKey().equals(queries.self())) {
                parts.add(Uni.createFrom().item(() -> localWeightedEvents(e.getValue())));
            } else {
                parts.add(remote(e.getKey(), e.getValue()));
            }
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(parts).andCollectFailures().map(maps -> {
            Map<String, Double> all = new HashMap<>();
            maps.forEach(all::putAll);
            return all;
        });
    }

    private Uni<Map<String, Double>> remote(HostInfo instance, List<String> ids) {
        StringBuilder query = new StringBuilder(WEIGHTED_EVENTS_PATH);
        for (int i = 0; i < ids.size(); i++) {
            query.append(i == 0 ? '?' : '&').append("id=").append(URLEncoder.encode(ids.get(i), StandardCharsets.UTF_8));
        }
        return queries.fetchInternal(instance, query.toString())
                .map(body -> {
                    try {
                        return mapper.readValue(body, new TypeReference<Map<String, Double>>() { });
                    } catch (IOException e) {
                        throw new StateQueries.NotReady("unreadable answer from " + instance + ": " + e.getMessage());
                    }
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("item statistics of %d items from %s unavailable: %s", ids.size(), instance, e.getMessage());
                    return Map.of();
                });
    }
}
