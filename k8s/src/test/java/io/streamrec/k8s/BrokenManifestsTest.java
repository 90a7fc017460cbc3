package io.streamrec.k8s;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks fail on purpose-made breakage: a copy of base and overlays is broken in one place, rendered, and the check
 * must name exactly that; the unbroken copy passes every check (theUnbrokenCopyPassesEveryCheck).
 */
class BrokenManifestsTest {
    @TempDir
    Path tmp;

    @Test
    void aMisspelledFieldOfAStrimziResourceIsRejectedByItsSchema() throws IOException {
        Rendered broken = renderDevWith("base/kafka/topics.yaml", s -> replaceFirst(s, "  partitions: 6", "  partitons: 6"));
        assertEquals(List.of("KafkaTopic streamrec.events: /spec: property 'partitons' is not defined in the schema and"
                + " the schema does not allow additional properties"), Checks.schemas(broken));
        // and the topic check sees the partitions gone
        assertTrue(Checks.topics(broken).contains("topic streamrec.events has no partitions; the code creates every"
                + " topic with 6 (CreateTopicsCommand --partitions), and items and users must be co-partitioned with events"),
                Checks.topics(broken).toString());
    }

    @Test
    void aValueOutsideItsEnumerationIsRejected() throws IOException {
        Rendered broken = renderDevWith("base/kafka/users.yaml", s -> replaceFirst(s, "type: transactionalId", "type: transactionId"));
        assertEquals(List.of("KafkaUser streamrec-gateway: /spec/authorization/acls/11/resource/type: does not have a value"
                + " in the enumeration [\"topic\", \"group\", \"cluster\", \"transactionalId\"]"), Checks.schemas(broken));
    }

    @Test
    void aMisspelledFieldOfACoreResourceIsLeftOverByItsModel() throws IOException {
        Rendered broken = renderDevWith("base/gateway/statefulset.yaml",
                s -> replaceFirst(s, "terminationGracePeriodSeconds:", "terminationGracePeriodSecond:"));
        assertEquals(List.of("StatefulSet streamrec-gateway: $.spec.template.spec: unknown field(s) [terminationGracePeriodSecond]"),
                Checks.schemas(broken));
        // and the pod shape check sees the default 30 s
        assertTrue(Checks.podShape(broken).stream().anyMatch(p -> p.startsWith("terminationGracePeriodSeconds 30 is too short")),
                Checks.podShape(broken).toString());
    }

    @Test
    void aMissingTopicIsReported() throws IOException {
        Rendered broken = renderDevWith("base/kafka/topics.yaml", s -> dropDocument(s, "name: streamrec.users"));
        assertEquals(List.of("topic streamrec.users is used by the code but has no KafkaTopic"), Checks.topics(broken));
    }

    @Test
    void aWrongCleanupPolicyIsReported() throws IOException {
        Rendered broken = renderDevWith("base/kafka/topics.yaml", s -> replaceFirst(s,
                "name: streamrec.items\n  labels:\n    strimzi.io/cluster: streamrec\nspec:\n  partitions: 6\n  replicas: 3\n  config:\n    cleanup.policy: compact",
                "name: streamrec.items\n  labels:\n    strimzi.io/cluster: streamrec\nspec:\n  partitions: 6\n  replicas: 3\n  config:\n    cleanup.policy: delete"));
        assertEquals(List.of("topic streamrec.items has cleanup.policy delete, the code expects compact"), Checks.topics(broken));
    }

    @Test
    void aSettingGivenOnlyAsAnEnvironmentVariableIsReportedAsIgnored() throws IOException {
        Rendered broken = renderDevWith("base/gateway/statefulset.yaml", s -> withEnv(s, "STREAMREC_HISTORY_MAX_ENTRIES", "\"50\""));
        List<String> problems = Checks.settings(broken);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("environment variable STREAMREC_HISTORY_MAX_ENTRIES is not read"), problems.get(0));
    }

    @Test
    void aMisspelledSettingAndTheMachineLocalDefaultItLeavesAreReported() throws IOException {
        Rendered broken = renderDevWith("base/gateway/application.properties",
                s -> replaceFirst(s, "kafka-streams.state.dir=", "kafka-streams.state.dirs="));
        assertEquals(List.of(
                "config/application.properties sets kafka-streams.state.dirs, which the gateway does not read",
                "kafka-streams.state.dir is not set by the deployment; the packaged value ${java.io.tmpdir}/streamrec-state"
                        + " is for a developer's machine"), Checks.settings(broken));
        assertTrue(Checks.podShape(broken).get(0).startsWith("kafka-streams.state.dir ${java.io.tmpdir}/streamrec-state is"
                + " not on a volume of the StatefulSet's volumeClaimTemplates [state]"), Checks.podShape(broken).toString());
    }

    @Test
    void aPlainSecretIsReported() throws IOException {
        Rendered broken = renderDevWith("base/gateway/statefulset.yaml", s -> withEnv(s, "KAFKA_PASSWORD", "hunter2"));
        List<String> problems = Checks.noPlainSecrets(broken);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).endsWith("KAFKA_PASSWORD is given as a plain value"), problems.get(0));
    }

    @Test
    void aProbeOnTheWrongPathIsReported() throws IOException {
        Rendered broken = renderDevWith("base/gateway/statefulset.yaml", s -> replaceFirst(s, "path: /q/health/ready", "path: /health/ready"));
        assertEquals(List.of("readinessProbe asks /health/ready, expected /q/health/ready"), Checks.podShape(broken));
    }

    /** The copy the other tests break passes every check unbroken: what they report comes from their edit. */
    @Test
    void theUnbrokenCopyPassesEveryCheck() throws IOException {
        Rendered intact = renderDevWith("base/kustomization.yaml", s -> s + "\n");
        assertEquals(List.of(), Checks.schemas(intact));
        assertEquals(List.of(), Checks.topics(intact));
        assertEquals(List.of(), Checks.gatewayAcls(intact));
        assertEquals(List.of(), Checks.settings(intact));
        assertEquals(List.of(), Checks.podShape(intact));
        assertEquals(List.of(), Checks.noPlainSecrets(intact));
    }

    // ------------------------------------------------------------------ helpers

    /** A copy of base and overlays with one file edited, and the dev overlay rendered from it. */
    private Rendered renderDevWith(String file, Function<String, String> edit) throws IOException {
        copy(Repo.k8s().resolve("base"), tmp.resolve("base"));
        copy(Repo.k8s().resolve("overlays"), tmp.resolve("overlays"));
        Path f = tmp.resolve(file);
        String before = Files.readString(f);
        String after = edit.apply(before);
        assertTrue(!after.equals(before), "the edit changed nothing in " + file);
        Files.writeString(f, after);
        return Rendered.render(tmp.resolve("overlays/dev"));
    }

    /** The StatefulSet with one more environment variable on the gateway container. */
    private static String withEnv(String statefulSet, String name, String value) {
        String anchor = "            - name: JAVA_MAX_MEM_RATIO\n";
        return replaceFirst(statefulSet, anchor, "            - name: " + name + "\n              value: " + value + "\n" + anchor);
    }

    private static String replaceFirst(String s, String what, String with) {
        int i = s.indexOf(what);
        assertTrue(i >= 0, "not found: " + what);
        return s.substring(0, i) + with + s.substring(i + what.length());
    }

    /** Removes the YAML document (between ---) that contains the text. */
    private static String dropDocument(String s, String containing) {
        String[] docs = s.split("(?m)^---\n");
        StringBuilder out = new StringBuilder();
        for (String d : docs) {
            if (!d.contains(containing)) {
                out.append(out.length() == 0 ? "" : "---\n").append(d);
            }
        }
        return out.toString();
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
