package io.streamrec.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The objects an overlay renders to with {@code kubectl kustomize}, as JSON trees. */
final class Rendered {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<Path, Rendered> CACHE = new ConcurrentHashMap<>();

    final Path dir;
    final String text;
    final List<ObjectNode> objects;

    private Rendered(Path dir, String text, List<ObjectNode> objects) {
        this.dir = dir;
        this.text = text;
        this.objects = objects;
    }

    /** One of the repository's overlays, rendered once per test run. */
    static Rendered overlay(String name) {
        return CACHE.computeIfAbsent(Repo.overlay(name), Rendered::render);
    }

    /** Renders a kustomization directory; fails with what is missing when kubectl is not there. */
    static Rendered render(Path dir) {
        return render(dir, System.getProperty("streamrec.kubectl", "kubectl"));
    }

    static Rendered render(Path dir, String kubectl) {
        String yaml = kubectlKustomize(kubectl, dir);
        List<ObjectNode> objects = new ArrayList<>();
        try (var parser = YAML.getFactory().createParser(yaml)) {
            var values = YAML.readValues(parser, JsonNode.class);
            while (values.hasNext()) {
                JsonNode n = values.next();
                if (n != null && n.isObject()) {
                    objects.add((ObjectNode) n);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("kubectl kustomize " + dir + " printed YAML that does not parse", e);
        }
        return new Rendered(dir, yaml, List.copyOf(objects));
    }

    private static String kubectlKustomize(String kubectl, Path dir) {
        Process p;
        try {
            p = new ProcessBuilder(kubectl, "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new IllegalStateException(kubectl + " cannot be run: kubectl is not on the PATH (" + e.getMessage() + "). The k8s module renders"
                    + " its overlays with `kubectl kustomize` (kubectl 1.32 or newer has Kustomize 5.5 built in and works"
                    + " offline; no cluster is needed). Install kubectl on this machine, or build without the k8s module.", e);
        }
        try {
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "): "
                        + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("reading kubectl's output", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    List<ObjectNode> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
    }

    Optional<ObjectNode> find(String kind, String namePrefix) {
        return ofKind(kind).stream().filter(o -> name(o).startsWith(namePrefix)).findFirst();
    }

    ObjectNode one(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name(o).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(dir + " renders no " + kind + " " + name));
    }

    static String name(JsonNode o) {
        return o.path("metadata").path("name").asText();
    }

    static String id(JsonNode o) {
        return o.path("kind").asText() + " " + name(o);
    }

    // ------------------------------------------------------------------ the gateway

    static final String GATEWAY = "streamrec-gateway";
    static final String GATEWAY_CONFIG = "streamrec-gateway-config";

    Optional<ObjectNode> gatewayStatefulSet() {
        return ofKind("StatefulSet").stream().filter(o -> name(o).equals(GATEWAY)).findFirst();
    }

    /** The gateway container of the StatefulSet, or a missing node. */
    JsonNode gatewayContainer() {
        return gatewayStatefulSet().map(s -> {
            for (JsonNode c : s.path("spec").path("template").path("spec").path("containers")) {
                if ("gateway".equals(c.path("name").asText())) {
                    return c;
                }
            }
            return (JsonNode) YAML.missingNode();
        }).orElse(YAML.missingNode());
    }

    /** The gateway's environment: name to its env entry, in order. */
    Map<String, JsonNode> gatewayEnv() {
        Map<String, JsonNode> env = new java.util.LinkedHashMap<>();
        for (JsonNode e : gatewayContainer().path("env")) {
            env.put(e.path("name").asText(), e);
        }
        return env;
    }

    /** The deployment's config/application.properties, from the generated ConfigMap (empty when there is none). */
    Properties deploymentProperties() {
        Properties props = new Properties();
        find("ConfigMap", GATEWAY_CONFIG).ifPresent(cm -> {
            try {
                props.load(new StringReader(cm.path("data").path("application.properties").asText("")));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return props;
    }
}
