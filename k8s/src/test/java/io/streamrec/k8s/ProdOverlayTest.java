package io.streamrec.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The production shape: three gateways with standbys, spread over nodes and zones, a budget, sized from measurements. */
class ProdOverlayTest {
    private final Rendered prod = Rendered.overlay("prod");
    private final Rendered dev = Rendered.overlay("dev");

    @Test
    void threeGatewaysWithOneStandbyOfEveryStore() {
        JsonNode sts = prod.gatewayStatefulSet().orElseThrow();
        assertEquals(3, sts.path("spec").path("replicas").asInt());
        GatewaySettings code = GatewaySettings.fromCode();
        assertEquals("1", code.effective("kafka-streams.num.standby.replicas", prod.deploymentProperties(),
                Checks.envValues(prod)).orElseThrow());
        // and the variable reaches Kafka Streams: its dotted name is in the packaged file
        assertTrue(code.packaged.containsKey("kafka-streams.num.standby.replicas"));
        // dev: one gateway, no standbys (the packaged default)
        assertEquals(1, dev.gatewayStatefulSet().orElseThrow().path("spec").path("replicas").asInt());
        assertEquals("0", code.effective("kafka-streams.num.standby.replicas", dev.deploymentProperties(),
                Checks.envValues(dev)).orElseThrow());
    }

    @Test
    void aDisruptionBudgetLetsOneGatewayGoAtATime() {
        List<ObjectNode> pdbs = prod.ofKind("PodDisruptionBudget");
        assertEquals(1, pdbs.size());
        JsonNode spec = pdbs.get(0).path("spec");
        assertEquals(1, spec.path("maxUnavailable").asInt());
        assertEquals(podLabels(), Rendered.YAML.convertValue(spec.path("selector").path("matchLabels"), Map.class));
    }

    @Test
    void gatewaysAreSpreadOverNodesAndZones() {
        JsonNode pod = prod.gatewayStatefulSet().orElseThrow().path("spec").path("template").path("spec");
        JsonNode required = pod.path("affinity").path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution");
        assertTrue(hasTerm(required, "kubernetes.io/hostname"), "no required anti-affinity per node: " + required);
        JsonNode preferred = pod.path("affinity").path("podAntiAffinity").path("preferredDuringSchedulingIgnoredDuringExecution");
        boolean zoneAffinity = false;
        for (JsonNode p : preferred) {
            zoneAffinity |= hasTerm(List.of(p.path("podAffinityTerm")), "topology.kubernetes.io/zone");
        }
        boolean zoneSpread = false;
        for (JsonNode c : pod.path("topologySpreadConstraints")) {
            zoneSpread |= c.path("topologyKey").asText().equals("topology.kubernetes.io/zone")
                    && c.path("maxSkew").asInt() == 1
                    && podLabels().equals(Rendered.YAML.convertValue(c.path("labelSelector").path("matchLabels"), Map.class));
        }
        assertTrue(zoneAffinity && zoneSpread, "zones: anti-affinity " + zoneAffinity + ", spread " + zoneSpread);
    }

    @Test
    void requestsAndLimitsAreSizedFromTheMeasuredFootprint() throws IOException {
        // README, Benchmarks: "resident memory after the run | gateway 2.04 GiB (254 MiB idle)", one gateway owning
        // every task, with a 2 GiB heap
        Matcher m = Pattern.compile("gateway ([0-9.]+) GiB \\(([0-9]+) MiB idle\\)")
                .matcher(Files.readString(Repo.root().resolve("README.md")));
        assertTrue(m.find(), "the README no longer states the gateway's measured resident memory");
        BigDecimal measured = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1L << 30));
        BigDecimal idle = new BigDecimal(m.group(2)).multiply(BigDecimal.valueOf(1L << 20));

        JsonNode resources = prod.gatewayContainer().path("resources");
        BigDecimal limit = Quantity.getAmountInBytes(new Quantity(resources.path("limits").path("memory").asText()));
        int ratio = Integer.parseInt(Checks.envValues(prod).get("JAVA_MAX_MEM_RATIO"));
        BigDecimal heap = limit.multiply(BigDecimal.valueOf(ratio)).divide(BigDecimal.valueOf(100));
        assertTrue(limit.compareTo(measured.multiply(new BigDecimal("1.5"))) >= 0,
                "prod memory limit " + limit + " is not 1.5x the measured resident " + measured);
        assertTrue(heap.compareTo(BigDecimal.valueOf(2L << 30)) >= 0, "prod heap " + heap + " is below the measured run's 2 GiB");
        // two stream threads: two cores
        assertEquals(2, Quantity.getAmountInBytes(new Quantity(resources.path("requests").path("cpu").asText())).intValue());

        BigDecimal devLimit = Quantity.getAmountInBytes(new Quantity(
                dev.gatewayContainer().path("resources").path("limits").path("memory").asText()));
        assertTrue(devLimit.compareTo(idle.multiply(BigDecimal.valueOf(4))) >= 0, "dev limit " + devLimit);
        assertTrue(devLimit.compareTo(limit) < 0);
    }

    @Test
    void noAutoscalerAndTheReadmeSaysWhy() throws IOException {
        assertTrue(prod.ofKind("HorizontalPodAutoscaler").isEmpty());
        String readme = Files.readString(Repo.k8s().resolve("README.md"));
        assertTrue(readme.contains("### Why no autoscaler"), "k8s/README.md must give the reason");
    }

    @Test
    void kafkaIsReplicatedInProdAndSingleInDev() {
        assertEquals(2, prod.ofKind("KafkaNodePool").size());
        prod.ofKind("KafkaNodePool").forEach(p -> assertEquals(3, p.path("spec").path("replicas").asInt(), Rendered.id(p)));
        prod.ofKind("KafkaTopic").forEach(t -> assertEquals(3, t.path("spec").path("replicas").asInt(), Rendered.id(t)));
        assertEquals(2, prod.one("Kafka", "streamrec").path("spec").path("kafka").path("config").path("min.insync.replicas").asInt());
        assertEquals(1, dev.ofKind("KafkaNodePool").size());
        JsonNode pool = dev.ofKind("KafkaNodePool").get(0).path("spec");
        assertEquals(List.of("controller", "broker"), Rendered.YAML.convertValue(pool.path("roles"), List.class));
        dev.ofKind("KafkaTopic").forEach(t -> assertEquals(1, t.path("spec").path("replicas").asInt(), Rendered.id(t)));
        assertFalse(dev.ofKind("KafkaConnector").isEmpty());
        dev.ofKind("KafkaConnector").forEach(c -> assertEquals("stopped", c.path("spec").path("state").asText(), Rendered.id(c)));
    }

    private Map<?, ?> podLabels() {
        return Rendered.YAML.convertValue(prod.gatewayStatefulSet().orElseThrow().path("spec").path("selector")
                .path("matchLabels"), Map.class);
    }

    private boolean hasTerm(Iterable<JsonNode> terms, String topologyKey) {
        for (JsonNode t : terms) {
            if (t.path("topologyKey").asText().equals(topologyKey)
                    && podLabels().equals(Rendered.YAML.convertValue(t.path("labelSelector").path("matchLabels"), Map.class))) {
                return true;
            }
        }
        return false;
    }
}
