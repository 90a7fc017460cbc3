package io.streamrec.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The KafkaConnectors name classes the connectors module provides, and read only what Connect's user may read. */
class ConnectorsAgreementTest {
    private static final Path SERVICES = Path.of("connectors/src/main/resources/META-INF/services/org.apache.kafka.connect.sink.SinkConnector");
    private final Rendered prod = Rendered.overlay("prod");

    @Test
    void everySinkReadsOnlyTopicsTheConnectUserMayRead() {
        var acls = Checks.acls(prod, "streamrec-connect");
        assertEquals(2, prod.ofKind("KafkaConnector").size());
        for (ObjectNode c : prod.ofKind("KafkaConnector")) {
            assertEquals("streamrec-connect", c.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            for (String topic : c.path("spec").path("config").path("topics").asText().split(",")) {
                assertTrue(Checks.codeTopics().contains(topic), Rendered.id(c) + " reads " + topic + ", not a streamrec topic");
                assertTrue(acls.getOrDefault("topic:literal:" + topic, Set.of()).contains("Read"),
                        "streamrec-connect may not read " + topic);
            }
            // its consumer group, connect-<name>, is under the group prefix granted
            String group = "connect-" + Rendered.name(c);
            assertTrue(acls.keySet().stream().anyMatch(k -> k.startsWith("group:prefix:") && group.startsWith(k.substring(13))),
                    "no group ACL covers " + group);
        }
        JsonNode connect = prod.one("KafkaConnect", "streamrec-connect").path("spec");
        for (String topic : List.of("configStorageTopic", "offsetStorageTopic", "statusStorageTopic")) {
            String name = connect.path(topic).asText();
            assertTrue(acls.keySet().stream().anyMatch(k -> k.startsWith("topic:prefix:") && name.startsWith(k.substring(13))),
                    "no topic ACL covers Connect's " + name);
        }
        assertTrue(acls.keySet().stream().anyMatch(k -> k.startsWith("group:prefix:")
                && connect.path("groupId").asText().startsWith(k.substring(13))));
    }

    @Test
    void theConnectorClassesAreTheOnesTheConnectorsModuleRegisters() throws IOException {
        Set<String> named = new TreeSet<>();
        prod.ofKind("KafkaConnector").forEach(c -> named.add(c.path("spec").path("class").asText()));
        named.forEach(n -> assertTrue(n.matches("([a-z][a-z0-9]*\\.)+[A-Z][A-Za-z0-9]*"), n));
        Path services = Repo.root().resolve(SERVICES);
        Assumptions.assumeTrue(Files.isRegularFile(services), "the connectors module (built on its own branch) is not in"
                + " this tree yet; k8s/base/connect/connectors.yaml names " + named + " as announced");
        Set<String> registered = new TreeSet<>();
        for (String line : Files.readAllLines(services)) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                registered.add(line.strip());
            }
        }
        assertTrue(registered.containsAll(named), "connectors.yaml names " + named + ", the module registers " + registered);
        for (ObjectNode c : prod.ofKind("KafkaConnector")) {
            String converter = c.path("spec").path("config").path("value.converter").asText();
            Path source = Repo.root().resolve("connectors/src/main/java").resolve(converter.replace('.', '/') + ".java");
            assertTrue(Files.isRegularFile(source), Rendered.id(c) + ": no converter " + converter);
        }
        // every setting that is not Connect's own is a name the module defines: its ConfigDefs build names as a
        // prefix ("s3.", "personalize.") plus a literal, so the part after the prefix appears quoted in its sources
        StringBuilder sources = new StringBuilder();
        try (var files = Files.walk(Repo.root().resolve("connectors/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.append(Files.readString(f));
            }
        }
        for (ObjectNode c : prod.ofKind("KafkaConnector")) {
            for (String key : (Iterable<String>) () -> c.path("spec").path("config").fieldNames()) {
                if (CONNECT_OWN.matcher(key).matches()) {
                    continue;
                }
                String rest = key.startsWith("value.converter.") ? key.substring("value.converter.".length())
                        : key.substring(key.indexOf('.') + 1);
                assertTrue(sources.indexOf("\"" + rest + "\"") >= 0, Rendered.id(c) + ": the connectors module defines no"
                        + " setting " + key);
            }
        }
    }

    /** Settings Connect itself reads for every connector. */
    private static final java.util.regex.Pattern CONNECT_OWN = java.util.regex.Pattern.compile(
            "topics|topics\\.regex|errors\\..*|(key|value|header)\\.converter|transforms.*|predicates.*|consumer\\.override\\..*");
}
