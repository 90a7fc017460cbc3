package io.streamrec.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.processor.StreamrecTopology;
import io.streamrec.schemas.Topics;
import io.streamrec.tools.CreateTopicsCommand;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agreement checks between the rendered manifests and the code. Each returns what is wrong, one line per
 * problem, so the tests can show that the real overlays have none and that a broken copy has the expected ones.
 */
final class Checks {
    private static StrimziSchemas strimzi;

    private Checks() {
    }

    static synchronized StrimziSchemas strimzi() {
        if (strimzi == null) {
            strimzi = StrimziSchemas.load(Repo.strimziSchemas());
        }
        return strimzi;
    }

    // ------------------------------------------------------------------ schemas

    static List<String> schemas(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode o : r.objects) {
            problems.addAll(CoreModels.isCore(o) ? CoreModels.check(o) : strimzi().validate(o));
        }
        return problems;
    }

    /**
     * The Strimzi objects as they would be under {@code kafka.strimzi.io/v1}, the version Strimzi 1.0 keeps: moving
     * up is then a change of apiVersion only.
     */
    static List<String> strimziSchemasAsV1(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode o : r.objects) {
            if (!CoreModels.isCore(o)) {
                ObjectNode v1 = o.deepCopy();
                v1.put("apiVersion", "kafka.strimzi.io/v1");
                problems.addAll(strimzi().validate(v1));
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------ topics

    /** Every topic name in {@link Topics} (the header constants are not topics). */
    static Set<String> codeTopics() {
        Set<String> topics = new TreeSet<>();
        for (Field f : Topics.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().startsWith("HEADER_")) {
                try {
                    topics.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return topics;
    }

    /** The partition count CreateTopicsCommand gives every topic unless told otherwise (its --partitions default). */
    static int codePartitions() {
        try {
            Option option = CreateTopicsCommand.class.getDeclaredField("partitions").getAnnotation(Option.class);
            return Integer.parseInt(option.defaultValue());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException("CreateTopicsCommand has no --partitions option any more", e);
        }
    }

    static List<String> topics(Rendered r) {
        List<String> problems = new ArrayList<>();
        Map<String, JsonNode> declared = new LinkedHashMap<>();
        for (ObjectNode t : r.ofKind("KafkaTopic")) {
            String name = t.path("spec").has("topicName") ? t.path("spec").path("topicName").asText() : Rendered.name(t);
            declared.put(name, t);
        }
        Map<String, Map<String, String>> expected = CreateTopicsCommand.topicConfigs();
        Set<String> used = new TreeSet<>(codeTopics());
        used.addAll(expected.keySet());
        int partitions = codePartitions();
        for (String topic : used) {
            JsonNode t = declared.get(topic);
            if (t == null) {
                problems.add("topic " + topic + " is used by the code but has no KafkaTopic");
                continue;
            }
            JsonNode spec = t.path("spec");
            if (spec.path("partitions").asInt(-1) != partitions) {
                problems.add("topic " + topic + " has " + spec.path("partitions").asText("no") + " partitions; the code"
                        + " creates every topic with " + partitions + " (CreateTopicsCommand --partitions), and items and"
                        + " users must be co-partitioned with events");
            }
            String wantPolicy = expected.getOrDefault(topic, Map.of()).getOrDefault("cleanup.policy", "delete");
            String policy = spec.path("config").path("cleanup.policy").asText("delete");
            if (!policy.equals(wantPolicy)) {
                problems.add("topic " + topic + " has cleanup.policy " + policy + ", the code expects " + wantPolicy);
            }
            // any other setting the code gives the topic (retention of an internal topic, say) must be the same
            expected.getOrDefault(topic, Map.of()).forEach((key, value) -> {
                String declaredValue = spec.path("config").path(key).asText(null);
                if (!key.equals("cleanup.policy") && !value.equals(declaredValue)) {
                    problems.add("topic " + topic + " has " + key + " " + declaredValue + ", the code sets " + value);
                }
            });
        }
        for (String topic : declared.keySet()) {
            if (!used.contains(topic)) {
                problems.add("KafkaTopic " + topic + " is not a topic the code uses (schemas Topics)");
            }
        }
        // the topics the Kafka Streams extension waits for must be among them
        String waitedFor = GatewaySettings.fromCode().packaged.getOrDefault("quarkus.kafka-streams.topics", "");
        for (String topic : waitedFor.split(",")) {
            if (!topic.isBlank() && !declared.containsKey(topic.strip())) {
                problems.add("quarkus.kafka-streams.topics waits for " + topic.strip() + ", which has no KafkaTopic");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------ ACLs

    /** A user's ACL operations per "type:patternType:name". */
    static Map<String, Set<String>> acls(Rendered r, String user) {
        Map<String, Set<String>> acls = new HashMap<>();
        r.find("KafkaUser", user).filter(u -> Rendered.name(u).equals(user)).ifPresent(u -> {
            for (JsonNode acl : u.path("spec").path("authorization").path("acls")) {
                JsonNode res = acl.path("resource");
                String key = res.path("type").asText() + ":" + res.path("patternType").asText("literal") + ":"
                        + res.path("name").asText("");
                Set<String> ops = acls.computeIfAbsent(key, k -> new TreeSet<>());
                acl.path("operations").forEach(op -> ops.add(op.asText()));
            }
        });
        return acls;
    }

    private static boolean grants(Map<String, Set<String>> acls, String key, String op) {
        Set<String> ops = acls.getOrDefault(key, Set.of());
        return ops.contains(op) || ops.contains("All");
    }

    static List<String> gatewayAcls(Rendered r) {
        List<String> problems = new ArrayList<>();
        Map<String, Set<String>> acls = acls(r, "streamrec-gateway");
        if (acls.isEmpty()) {
            return List.of("KafkaUser streamrec-gateway has no ACLs");
        }
        for (String topic : codeTopics()) {
            for (String op : List.of("Read", "Write", "Describe")) {
                if (!grants(acls, "topic:literal:" + topic, op)) {
                    problems.add("KafkaUser streamrec-gateway may not " + op + " topic " + topic);
                }
            }
        }
        GatewaySettings s = GatewaySettings.fromCode();
        String applicationId = s.packaged.get("quarkus.kafka-streams.application-id");
        // the gateway runs two Kafka Streams applications: the user side and the item side
        for (String group : List.of(applicationId, StreamrecTopology.itemApplicationId(applicationId))) {
            if (!grants(acls, "group:literal:" + group, "Read")) {
                problems.add("KafkaUser streamrec-gateway may not Read group " + group + " (an application.id)");
            }
        }
        for (String op : List.of("Create", "Read", "Write", "Describe", "Delete", "DescribeConfigs")) {
            if (!grants(acls, "topic:prefix:" + applicationId + "-", op)) {
                problems.add("KafkaUser streamrec-gateway may not " + op + " the internal topics " + applicationId + "-*");
            }
        }
        for (String op : List.of("Write", "Describe")) {
            if (!grants(acls, "transactionalId:prefix:" + applicationId + "-", op)) {
                problems.add("KafkaUser streamrec-gateway may not " + op + " transactional ids " + applicationId
                        + "-* (exactly_once_v2)");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------ settings

    /** Variables the JVM launcher of the image reads (run-java.sh in the ubi openjdk images Quarkus' Jib uses). */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("JAVA_MAX_MEM_RATIO", "JAVA_INITIAL_MEM_RATIO",
            "JAVA_OPTS_APPEND");
    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::[^}]*)?}");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\(([A-Za-z0-9_]+)\\)");

    static Map<String, String> envValues(Rendered r) {
        Map<String, String> values = new LinkedHashMap<>();
        r.gatewayEnv().forEach((k, v) -> values.put(k, v.has("value") ? v.path("value").asText()
                : "<from " + String.join(",", (Iterable<String>) () -> v.path("valueFrom").fieldNames()) + ">"));
        return values;
    }

    static List<String> settings(Rendered r) {
        List<String> problems = new ArrayList<>();
        GatewaySettings code = GatewaySettings.fromCode();
        Properties file = r.deploymentProperties();
        Map<String, JsonNode> env = r.gatewayEnv();
        Map<String, String> envValues = envValues(r);

        // every setting defined is one the gateway reads
        for (String key : new TreeSet<>(file.stringPropertyNames())) {
            if (!code.reads(key)) {
                problems.add("config/application.properties sets " + key + ", which the gateway does not read");
            }
        }
        // the item side (ItemSideStreams) copies kafka-streams.*, not the extension's quarkus.kafka-streams.* security
        for (String key : file.stringPropertyNames()) {
            if (key.matches("quarkus\\.kafka-streams\\.(security|sasl|ssl)\\..*")) {
                problems.add(key + " reaches only the user side's Kafka Streams; give it as kafka-streams."
                        + key.substring("quarkus.kafka-streams.".length()) + " so the item side connects too");
            }
        }
        Set<String> referenced = new TreeSet<>();
        file.stringPropertyNames().forEach(k -> collect(PROPERTY_REFERENCE, file.getProperty(k), referenced));
        List<String> defined = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : env.entrySet()) {
            String name = e.getKey();
            String value = e.getValue().path("value").asText("");
            Set<String> uses = new TreeSet<>();
            collect(ENV_REFERENCE, value, uses);
            for (String u : uses) {
                if (!defined.contains(u)) {
                    problems.add("environment variable " + name + " uses $(" + u + "), which is not defined before it");
                }
            }
            referenced.addAll(uses);
            defined.add(name);
        }
        for (String name : env.keySet()) {
            if (referenced.contains(name) || LAUNCHER_VARIABLES.contains(name)) {
                continue;
            }
            if (code.propertyOfEnv(name, file.stringPropertyNames()).isEmpty()) {
                problems.add("environment variable " + name + " is not read: it is no setting whose dotted name the"
                        + " gateway's configuration knows, and a streamrec.* or kafka-streams.* setting given only as a"
                        + " variable is ignored (put it in config/application.properties)");
            }
        }
        // every variable the deployment's file refers to is defined (else the gateway does not start)
        for (String name : referenced) {
            if (!env.containsKey(name) && file.getProperty(name) == null) {
                problems.add("config/application.properties uses ${" + name + "}, which is no environment variable of"
                        + " the gateway container");
            }
        }
        // every setting whose packaged value only works on a developer's machine is set by the deployment
        code.machineLocalDefaults().forEach((key, packagedValue) -> {
            boolean overridden = file.containsKey(key) || envValues.containsKey(GatewaySettings.envName(key));
            if (!overridden) {
                problems.add(key + " is not set by the deployment; the packaged value " + packagedValue
                        + " is for a developer's machine");
            }
        });
        // a setting the code reads without any default must be set somewhere
        code.injected.forEach((key, dflt) -> {
            if (dflt == null && code.effective(key, file, envValues).isEmpty() && !code.optionalInjected.contains(key)) {
                problems.add(key + " has no default in the code and is not set");
            }
        });
        return problems;
    }

    private static void collect(Pattern p, String text, Set<String> into) {
        Matcher m = p.matcher(text);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    // ------------------------------------------------------------------ ports, probes, volumes

    static List<String> podShape(Rendered r) {
        List<String> problems = new ArrayList<>();
        Optional<ObjectNode> sts = r.gatewayStatefulSet();
        if (sts.isEmpty()) {
            return List.of("no StatefulSet streamrec-gateway");
        }
        GatewaySettings code = GatewaySettings.fromCode();
        Properties file = r.deploymentProperties();
        Map<String, String> envValues = envValues(r);
        JsonNode spec = sts.get().path("spec");
        JsonNode pod = spec.path("template").path("spec");
        JsonNode c = r.gatewayContainer();

        int port = Integer.parseInt(code.effective("quarkus.http.port", file, envValues).orElse("8080"));
        boolean httpPort = false;
        for (JsonNode p : c.path("ports")) {
            if ("http".equals(p.path("name").asText())) {
                httpPort = true;
                if (p.path("containerPort").asInt() != port) {
                    problems.add("container port http is " + p.path("containerPort").asInt() + ", quarkus.http.port is " + port);
                }
            }
        }
        if (!httpPort) {
            problems.add("the gateway container has no port named http");
        }
        String health = "/" + code.effective("quarkus.http.non-application-root-path", file, envValues).orElse("q")
                + "/" + code.effective("quarkus.smallrye-health.root-path", file, envValues).orElse("health");
        Map<String, String> probePaths = Map.of("startupProbe", health + "/live", "livenessProbe", health + "/live",
                "readinessProbe", health + "/ready");
        probePaths.forEach((probe, path) -> {
            JsonNode get = c.path(probe).path("httpGet");
            if (get.isMissingNode()) {
                problems.add("the gateway has no " + probe);
                return;
            }
            if (!get.path("path").asText().equals(path)) {
                problems.add(probe + " asks " + get.path("path").asText() + ", expected " + path);
            }
            String probePort = get.path("port").asText();
            if (!probePort.equals("http") && !probePort.equals(String.valueOf(port))) {
                problems.add(probe + " asks port " + probePort + ", the gateway listens on http (" + port + ")");
            }
        });
        JsonNode startup = c.path("startupProbe");
        long startupSeconds = startup.path("periodSeconds").asLong(10) * startup.path("failureThreshold").asLong(3);
        if (startupSeconds < 300) {
            problems.add("the startup probe allows " + startupSeconds + " s; JVM start and the wait for the topics need"
                    + " at least 300 s before liveness counts");
        }

        // mounts: volume name to mount path
        Map<String, String> mounts = new LinkedHashMap<>();
        for (JsonNode m : c.path("volumeMounts")) {
            mounts.put(m.path("name").asText(), m.path("mountPath").asText());
        }
        Set<String> claims = new TreeSet<>();
        spec.path("volumeClaimTemplates").forEach(t -> claims.add(t.path("metadata").path("name").asText()));
        String stateDir = code.effective("kafka-streams.state.dir", file, envValues).orElse("");
        Optional<String> stateVolume = volumeOf(mounts, stateDir);
        if (stateVolume.isEmpty() || !claims.contains(stateVolume.get())) {
            problems.add("kafka-streams.state.dir " + stateDir + " is not on a volume of the StatefulSet's"
                    + " volumeClaimTemplates " + claims + " (mounts " + mounts + ")");
        }
        String modelsDir = code.effective("streamrec.models.dir", file, envValues).orElse("");
        if (volumeOf(mounts, modelsDir).isEmpty()) {
            problems.add("streamrec.models.dir " + modelsDir + " is on no mounted volume");
        }
        for (String key : file.stringPropertyNames()) {
            if (key.endsWith(".location") && volumeOf(mounts, file.getProperty(key)).isEmpty()) {
                problems.add(key + " " + file.getProperty(key) + " is on no mounted volume");
            }
        }
        String configMount = ContainerImage.workingDirectory() + "/config";
        String configVolume = null;
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("configMap").path("name").asText().startsWith(Rendered.GATEWAY_CONFIG)) {
                configVolume = v.path("name").asText();
            }
        }
        if (configVolume == null || !configMount.equals(mounts.get(configVolume))) {
            problems.add("the ConfigMap " + Rendered.GATEWAY_CONFIG + " is not mounted at " + configMount
                    + " (the image's working directory + /config, where Quarkus reads application.properties)");
        }

        // the headless Service that gives application.server its DNS names
        String serviceName = spec.path("serviceName").asText();
        JsonNode headless = r.ofKind("Service").stream().filter(s -> Rendered.name(s).equals(serviceName)).findFirst()
                .map(s -> (JsonNode) s).orElse(Rendered.YAML.missingNode());
        if (!"None".equals(headless.path("spec").path("clusterIP").asText())) {
            problems.add("the StatefulSet's serviceName " + serviceName + " is not a headless Service");
        }
        if (!headless.path("spec").path("publishNotReadyAddresses").asBoolean(false)) {
            problems.add("the headless Service does not publish not-ready pods: a peer forwarding to a pod that restores"
                    + " gets a DNS failure instead of its 503");
        }
        String advertised = envValues.getOrDefault(GatewaySettings.envName("streamrec.advertised-host"), "");
        if (!advertised.startsWith("$(POD_NAME)." + serviceName + ".")) {
            problems.add("STREAMREC_ADVERTISED_HOST is '" + advertised + "', not the pod's DNS name $(POD_NAME)."
                    + serviceName + ".<namespace>.svc");
        }
        for (JsonNode s : r.ofKind("Service")) {
            for (JsonNode p : s.path("spec").path("ports")) {
                String target = p.path("targetPort").asText();
                if (!target.equals("http") && !target.equals(String.valueOf(port))) {
                    problems.add("Service " + Rendered.name(s) + " targets port " + target + ", not http");
                }
            }
        }
        String metricsPath = code.effective("quarkus.micrometer.export.prometheus.path", file, envValues).orElse("/q/metrics");
        for (ObjectNode sm : r.ofKind("ServiceMonitor")) {
            for (JsonNode e : sm.path("spec").path("endpoints")) {
                if (!e.path("path").asText().equals(metricsPath) || !e.path("port").asText().equals("http")) {
                    problems.add("ServiceMonitor " + Rendered.name(sm) + " scrapes " + e.path("port").asText() + " "
                            + e.path("path").asText() + ", the gateway serves metrics on http " + metricsPath);
                }
            }
        }

        // shutdown: longer than a clean Kafka Streams close may take
        long txTimeoutMs = Long.parseLong(code.effective("kafka-streams.transaction.timeout.ms", file, envValues).orElse("10000"));
        long grace = pod.path("terminationGracePeriodSeconds").asLong(30);
        if (grace < 60 || grace * 1000 <= 2 * txTimeoutMs) {
            problems.add("terminationGracePeriodSeconds " + grace + " is too short for Kafka Streams' close (the"
                    + " extension closes without a time limit; a transaction may take " + txTimeoutMs + " ms to end)");
        }
        // JVM memory from the container limit, not a fixed heap
        String memLimit = c.path("resources").path("limits").path("memory").asText("");
        if (memLimit.isEmpty()) {
            problems.add("the gateway container has no memory limit");
        } else if (!memLimit.equals(c.path("resources").path("requests").path("memory").asText(""))) {
            problems.add("the gateway's memory request differs from its limit (" + memLimit + "): RocksDB grows into"
                    + " the difference and the pod is the first to go when the node runs short");
        }
        envValues.forEach((k, v) -> {
            if (v.contains("-Xmx") || v.contains("-Xms")) {
                problems.add("environment variable " + k + " fixes the heap (" + v + "); size it from the limit");
            }
        });
        int ratio = Integer.parseInt(envValues.getOrDefault("JAVA_MAX_MEM_RATIO", "80"));
        if (ratio > 60) {
            problems.add("the heap may take " + ratio + " % of the container's memory; RocksDB needs the rest off-heap");
        }
        return problems;
    }

    private static Optional<String> volumeOf(Map<String, String> mounts, String path) {
        return mounts.entrySet().stream()
                .filter(m -> path.equals(m.getValue()) || path.startsWith(m.getValue() + "/"))
                .map(Map.Entry::getKey).findFirst();
    }

    // ------------------------------------------------------------------ secrets

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|jaas|credential|access.?key|private.?key|api.?key).*");
    private static final Pattern SECRET_TEXT = Pattern.compile("AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|password=\\S");

    static List<String> noPlainSecrets(Rendered r) {
        List<String> problems = new ArrayList<>();
        for (ObjectNode o : r.objects) {
            if (o.path("kind").asText().equals("Secret")) {
                problems.add(Rendered.id(o) + ": a Secret in the manifests; secrets are created by the operators or by"
                        + " hand and referenced by name");
            }
            walkForSecrets(o, Rendered.id(o) + ": $", problems);
        }
        Properties file = r.deploymentProperties();
        for (String key : file.stringPropertyNames()) {
            String v = file.getProperty(key).strip();
            if (SECRET_NAME.matcher(key).matches() && !v.matches("\\$\\{[A-Za-z0-9_]+}")) {
                problems.add("config/application.properties: " + key + " holds a value instead of ${VARIABLE}");
            }
        }
        Matcher m = SECRET_TEXT.matcher(r.text);
        while (m.find()) {
            problems.add("the rendered manifests contain what looks like a credential: " + m.group().substring(0, 8) + "...");
        }
        return problems;
    }

    private static void walkForSecrets(JsonNode node, String path, List<String> problems) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walkForSecrets(node.get(i), path + "[" + i + "]", problems);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        // an env entry {name: SOME_PASSWORD, value: ...} must come from a secretKeyRef
        if (node.has("name") && node.has("value") && node.path("name").isTextual()
                && SECRET_NAME.matcher(node.path("name").asText()).matches()) {
            problems.add(path + ": " + node.path("name").asText() + " is given as a plain value");
        }
        boolean reference = node.has("secretName") || node.has("secretKeyRef") || node.has("key");
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            // a key naming a Secret (pushSecret, secretName) is a reference by name; ${env:NAME} is Connect's
            // config provider reading the worker's environment
            boolean byName = e.getKey().endsWith("Secret") || e.getKey().endsWith("secretName");
            if (v.isTextual() && SECRET_NAME.matcher(e.getKey()).matches() && !reference && !byName
                    && !v.asText().matches("\\$\\{[a-z]+:[A-Za-z0-9_.:-]+}")) {
                problems.add(path + "." + e.getKey() + " holds a plain value");
            }
            walkForSecrets(v, path + "." + e.getKey(), problems);
        });
    }
}
