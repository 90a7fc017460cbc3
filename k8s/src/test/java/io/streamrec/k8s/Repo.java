package io.streamrec.k8s;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the manifests, the code they must agree with, and the shared CRD schemas. */
final class Repo {
    private Repo() {
    }

    /** The repository root (surefire passes {@code streamrec.root}; run from the k8s module otherwise). */
    static Path root() {
        String configured = System.getProperty("streamrec.root");
        Path root = (configured != null ? Path.of(configured) : Path.of("..")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(root.resolve("k8s/base/kustomization.yaml"))) {
            throw new IllegalStateException("not the streamrec repository root (no k8s/base/kustomization.yaml): " + root);
        }
        return root;
    }

    static Path k8s() {
        return root().resolve("k8s");
    }

    static Path overlay(String name) {
        return k8s().resolve("overlays").resolve(name);
    }

    static Path packagedGatewayProperties() {
        return root().resolve("rest-gateway/src/main/resources/application.properties");
    }

    static Path gatewaySources() {
        return root().resolve("rest-gateway/src/main/java");
    }

    /**
     * The Strimzi 0.51.0 CRDs, read where they are kept, beside the repository ({@code ../shared/k8s-schemas}), never
     * copied into it. {@code -Dstreamrec.k8s.schemas=DIR} points elsewhere.
     */
    static Path strimziSchemas() {
        String configured = System.getProperty("streamrec.k8s.schemas");
        Path dir = configured != null ? Path.of(configured)
                : root().getParent().resolve("shared/k8s-schemas/strimzi-0.51.0");
        return strimziSchemasAt(dir);
    }

    static Path strimziSchemasAt(Path dir) {
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isRegularFile(dir.resolve("040-Crd-kafka.yaml"))) {
            throw new IllegalStateException("the Strimzi 0.51.0 CustomResourceDefinitions are not at " + dir
                    + ": the k8s module validates the Kafka, KafkaNodePool, KafkaTopic, KafkaUser, KafkaConnect and"
                    + " KafkaConnector resources against them. They live in shared/k8s-schemas/strimzi-0.51.0 beside"
                    + " the repository (copied from strimzi-kafka-operator 0.51.0,"
                    + " packaging/install/cluster-operator/04*-Crd-*.yaml); put them there or pass"
                    + " -Dstreamrec.k8s.schemas=DIR");
        }
        return dir;
    }
}
