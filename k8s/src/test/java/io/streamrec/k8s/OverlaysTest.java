package io.streamrec.k8s;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both overlays render, every object is valid against its real schema and agrees with the code. */
class OverlaysTest {
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void rendersEveryKindTheDeploymentNeeds(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        Set<String> kinds = new TreeSet<>();
        r.objects.forEach(o -> kinds.add(o.path("kind").asText()));
        assertTrue(kinds.containsAll(Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "KafkaConnect",
                "KafkaConnector", "StatefulSet", "Service", "ConfigMap", "ServiceAccount", "ServiceMonitor",
                "NetworkPolicy")), "kinds rendered: " + kinds);
        String namespace = overlay.equals("dev") ? "streamrec-dev" : "streamrec";
        r.objects.forEach(o -> assertEquals(namespace, o.path("metadata").path("namespace").asText(), Rendered.id(o)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyObjectIsValidAgainstItsSchema(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        // every Strimzi object has a schema to be checked against (a kind or version without one is reported too)
        r.objects.stream().filter(o -> !CoreModels.isCore(o)).forEach(o -> assertTrue(
                Checks.strimzi().covers(o.path("apiVersion").asText(), o.path("kind").asText()), Rendered.id(o)));
        assertEquals(List.of(), Checks.schemas(r));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyStrimziObjectIsAlsoValidAsKafkaStrimziIoV1(String overlay) {
        assertEquals(List.of(), Checks.strimziSchemasAsV1(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyTopicTheCodeUsesExistsAsTheCodeCreatesIt(String overlay) {
        assertEquals(List.of(), Checks.topics(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void theGatewaysKafkaUserMayDoWhatKafkaStreamsDoes(String overlay) {
        assertEquals(List.of(), Checks.gatewayAcls(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everySettingDefinedIsReadAndEveryMachineLocalDefaultIsReplaced(String overlay) {
        assertEquals(List.of(), Checks.settings(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void portsProbesVolumesAndStateDirectoryAgreeWithTheConfiguration(String overlay) {
        assertEquals(List.of(), Checks.podShape(Rendered.overlay(overlay)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void noPlainSecretInAnyManifest(String overlay) {
        assertEquals(List.of(), Checks.noPlainSecrets(Rendered.overlay(overlay)));
    }
}
