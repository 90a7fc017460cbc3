package io.streamrec.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The OpenAPI v3 schemas of Strimzi's CustomResourceDefinitions as JSON schemas, one per group/version and kind.
 *
 * <p>One change is made to them, to validate as the API server does with strict field validation: an object schema
 * that lists its properties and says nothing about others (no {@code additionalProperties}, no
 * {@code x-kubernetes-preserve-unknown-fields}) is closed. The API server prunes (or, strict, rejects) unknown fields
 * of such an object; a JSON-schema validator would let them through, and a typo such as {@code replcas} with them.
 */
final class StrimziSchemas {
    private final Map<String, Schema> schemas = new HashMap<>();

    private StrimziSchemas() {
    }

    static StrimziSchemas load(Path dir) {
        StrimziSchemas s = new StrimziSchemas();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode crd = Rendered.YAML.readTree(f.toFile());
                if (!"CustomResourceDefinition".equals(crd.path("kind").asText())) {
                    continue;
                }
                String group = crd.path("spec").path("group").asText();
                String kind = crd.path("spec").path("names").path("kind").asText();
                for (JsonNode v : crd.path("spec").path("versions")) {
                    JsonNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
                    close(schema);
                    s.schemas.put(key(group + "/" + v.path("name").asText(), kind), registry.getSchema(schema));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading the CRDs in " + dir, e);
        }
        if (s.schemas.isEmpty()) {
            throw new IllegalStateException("no CustomResourceDefinition in " + dir);
        }
        return s;
    }

    private static String key(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    boolean covers(String apiVersion, String kind) {
        return schemas.containsKey(key(apiVersion, kind));
    }

    /** What is wrong with one object, each as "{@code Kind name: $.path: message}"; empty when it is valid. */
    List<String> validate(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Schema schema = schemas.get(key(apiVersion, kind));
        if (schema == null) {
            return List.of(Rendered.id(object) + ": no schema for " + apiVersion + " " + kind);
        }
        List<String> problems = new ArrayList<>();
        for (Error e : schema.validate(object)) {
            problems.add(Rendered.id(object) + ": " + e.getInstanceLocation() + ": " + e.getMessage());
        }
        return problems;
    }

    static void close(JsonNode node) {
        if (node.isArray()) {
            node.forEach(StrimziSchemas::close);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        ObjectNode o = (ObjectNode) node;
        boolean preserve = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        if ("object".equals(o.path("type").asText()) && o.has("properties") && !o.has("additionalProperties") && !preserve) {
            o.put("additionalProperties", false);
        }
        o.properties().forEach(e -> close(e.getValue()));
    }
}
