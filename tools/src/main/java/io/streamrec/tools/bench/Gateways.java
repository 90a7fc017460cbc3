package io.streamrec.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the bench asks the running gateways besides the measured queries: ownership, metrics, availability. */
final class Gateways {
    private static final Pattern QUERY_TOTAL = Pattern.compile(
            "^streamrec_query_total\\{([^}]*)}\\s+([0-9.eE+-]+)\\s*$", Pattern.MULTILINE);

    private final List<URI> urls;
    private final ObjectMapper json = new ObjectMapper();

    Gateways(List<URI> urls) {
        this.urls = urls;
    }

    List<URI> urls() {
        return urls;
    }

    /** The partition a key's records go to with the default partitioner (murmur2 of the UTF-8 key). */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * Owner (index into {@link #urls}) of each partition of {@code topic}, from {@code GET /instances}; -1 where no
     * instance reports it.
     */
    int[] owners(String topic, int partitions) throws IOException {
        int[] owner = new int[partitions];
        java.util.Arrays.fill(owner, -1);
        try (MiniHttp http = new MiniHttp(urls.get(0), 5000)) {
            MiniHttp.Response r = http.get("/instances");
            if (r.status() != 200) {
                throw new IOException("GET /instances answered " + r.status());
            }
            JsonNode root = json.readTree(r.body());
            for (JsonNode inst : root.path("instances")) {
                String hostPort = inst.path("host").asText() + ":" + inst.path("port").asInt();
                int index = -1;
                for (int i = 0; i < urls.size(); i++) {
                    if ((urls.get(i).getHost() + ":" + urls.get(i).getPort()).equals(hostPort)) {
                        index = i;
                    }
                }
                for (JsonNode tp : inst.path("activePartitions")) {
                    String name = tp.asText();
                    if (name.startsWith(topic + "-")) {
                        int p = Integer.parseInt(name.substring(topic.length() + 1));
                        if (p < partitions) {
                            owner[p] = index;
                        }
                    }
                }
            }
        }
        return owner;
    }

    /** {@code streamrec_query_total} summed over the instances, by {@code store/served}. */
    Map<String, Double> queryCounters() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (URI u : urls) {
            try (MiniHttp http = new MiniHttp(u, 5000)) {
                MiniHttp.Response r = http.get("/q/metrics");
                if (r.status() != 200) {
                    continue;
                }
                parseQueryTotals(r.text()).forEach((k, v) -> out.merge(k, v, Double::sum));
            } catch (IOException ignored) {
                // an instance that does not answer contributes nothing
            }
        }
        return out;
    }

    static Map<String, Double> parseQueryTotals(String prometheus) {
        Map<String, Double> out = new HashMap<>();
        Matcher m = QUERY_TOTAL.matcher(prometheus);
        while (m.find()) {
            String store = label(m.group(1), "store");
            String served = label(m.group(1), "served");
            out.merge(store + "/" + served, Double.parseDouble(m.group(2)), Double::sum);
        }
        return out;
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return m.find() ? m.group(1) : "";
    }

    /**
     * Share of queries answered by a hop to another instance between two counter snapshots: a forwarded query counts
     * once as forwarded (where it arrived) and once as local (at the owner), so the client's queries are the local ones.
     */
    static Map<String, double[]> forwardedShare(Map<String, Double> before, Map<String, Double> after) {
        Map<String, double[]> out = new LinkedHashMap<>();
        java.util.Set<String> stores = new java.util.TreeSet<>();
        after.keySet().forEach(k -> stores.add(k.substring(0, k.indexOf('/'))));
        for (String s : stores) {
            double local = after.getOrDefault(s + "/local", 0.0) - before.getOrDefault(s + "/local", 0.0);
            double fwd = after.getOrDefault(s + "/forwarded", 0.0) - before.getOrDefault(s + "/forwarded", 0.0);
            if (local > 0) {
                out.put(s, new double[]{local, fwd, fwd / local});
            }
        }
        return out;
    }

    /** HTTP status of one GET on the first instance (-1 when it does not answer). */
    int status(String pathAndQuery) {
        try (MiniHttp http = new MiniHttp(urls.get(0), 10_000)) {
            return http.get(pathAndQuery).status();
        } catch (IOException e) {
            return -1;
        }
    }

    MiniHttp.Response get(String pathAndQuery) throws IOException {
        try (MiniHttp http = new MiniHttp(urls.get(0), 10_000)) {
            return http.get(pathAndQuery);
        }
    }

    /** Every {@code itemId} in a JSON answer, in document order. */
    static List<String> itemIds(JsonNode node) {
        List<String> out = new ArrayList<>();
        collect(node, out);
        return out;
    }

    private static void collect(JsonNode node, List<String> out) {
        if (node.isObject()) {
            JsonNode id = node.get("itemId");
            if (id != null && id.isTextual()) {
                out.add(id.asText());
            }
            node.fields().forEachRemaining(f -> {
                if (!f.getKey().equals("itemId")) {
                    collect(f.getValue(), out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, out));
        }
    }

    ObjectMapper json() {
        return json;
    }
}
