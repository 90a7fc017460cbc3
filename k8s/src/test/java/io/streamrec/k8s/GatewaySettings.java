package io.streamrec.k8s;

import io.streamrec.processor.FeatureSettings;
import io.streamrec.processor.ProcessorConfig;
import io.streamrec.processor.RecommendSettings;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every setting the gateway reads, derived from the code (read, never changed): the packaged
 * {@code application.properties}, the {@code @ConfigProperty} injections in rest-gateway's sources, the topology's
 * {@code streamrec.*} names (ProcessorConfig, FeatureSettings, RecommendSettings, which the gateway's
 * StreamrecSettings hands every {@code streamrec.*} property to) and the Kafka client and Streams names that the
 * Quarkus extension passes through from {@code kafka-streams.*}.
 */
final class GatewaySettings {
    private static final Pattern CONFIG_PROPERTY = Pattern.compile(
            "@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"(?:\\s*,\\s*defaultValue\\s*=\\s*\"([^\"]*)\")?\\)\\s*(Optional<)?");
    private static GatewaySettings cached;

    /** The packaged file, without profile-specific ({@code %test.}) entries. */
    final Map<String, String> packaged;
    /** {@code @ConfigProperty} name to its default, null when it has none. */
    final Map<String, String> injected;
    /** {@code @ConfigProperty} injections of an {@code Optional}: no default by design. */
    final Set<String> optionalInjected;
    /** The topology's exact names and name prefixes (those ending in a dot). */
    final Set<String> topologyNames;
    final Set<String> topologyPrefixes;
    final Set<String> kafkaClientNames;

    private GatewaySettings(Map<String, String> packaged, Map<String, String> injected, Set<String> optionalInjected,
                            Set<String> topologyNames, Set<String> topologyPrefixes, Set<String> kafkaClientNames) {
        this.packaged = packaged;
        this.injected = injected;
        this.optionalInjected = optionalInjected;
        this.topologyNames = topologyNames;
        this.topologyPrefixes = topologyPrefixes;
        this.kafkaClientNames = kafkaClientNames;
    }

    static synchronized GatewaySettings fromCode() {
        if (cached == null) {
            cached = read();
        }
        return cached;
    }

    private static GatewaySettings read() {
        Map<String, String> packaged = new TreeMap<>();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Repo.packagedGatewayProperties())) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        p.stringPropertyNames().stream().filter(n -> !n.startsWith("%")).forEach(n -> packaged.put(n, p.getProperty(n)));

        Map<String, String> injected = new TreeMap<>();
        Set<String> optional = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Repo.gatewaySources())) {
            for (Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                Matcher m = CONFIG_PROPERTY.matcher(Files.readString(f));
                while (m.find()) {
                    injected.put(m.group(1), m.group(2));
                    if (m.group(3) != null) {
                        optional.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }

        Set<String> names = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        for (Class<?> c : List.of(ProcessorConfig.class, FeatureSettings.class, RecommendSettings.class)) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) && Modifier.isFinal(mod) && f.getType() == String.class) {
                    try {
                        f.setAccessible(true);
                        String v = (String) f.get(null);
                        if (v != null && v.startsWith("streamrec.")) {
                            (v.endsWith(".") ? prefixes : names).add(v);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }

        Set<String> clients = new TreeSet<>(StreamsConfig.configDef().names());
        clients.addAll(ConsumerConfig.configNames());
        clients.addAll(ProducerConfig.configNames());
        clients.addAll(AdminClientConfig.configNames());
        return new GatewaySettings(packaged, injected, optional, names, prefixes, clients);
    }

    /** Whether the gateway reads a property of this name (so setting it does something). */
    boolean reads(String property) {
        if (packaged.containsKey(property) || injected.containsKey(property) || topologyNames.contains(property)) {
            return true;
        }
        if (topologyPrefixes.stream().anyMatch(property::startsWith)) {
            return true;
        }
        if (property.startsWith("kafka-streams.")) {
            String name = property.substring("kafka-streams.".length());
            for (String clientPrefix : List.of("", "consumer.", "main.consumer.", "restore.consumer.",
                    "global.consumer.", "producer.", "admin.")) {
                if (name.startsWith(clientPrefix) && kafkaClientNames.contains(name.substring(clientPrefix.length()))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The environment variable name of a property, as SmallRye Config matches it. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /**
     * The property an environment variable sets, if it sets one. SmallRye Config maps a variable back to a dotted name
     * only when that name is known from a file or is looked up directly ({@code @ConfigProperty}); the gateway's
     * settings that are collected by listing names ({@code streamrec.*}, {@code kafka-streams.*}) see nothing else.
     */
    Optional<String> propertyOfEnv(String variable, Set<String> deploymentFileNames) {
        Set<String> resolvable = new TreeSet<>(packaged.keySet());
        resolvable.addAll(deploymentFileNames);
        resolvable.addAll(injected.keySet());
        return resolvable.stream().filter(p -> envName(p).equals(variable)).findFirst();
    }

    /** The value the gateway runs with: environment over the deployment's file over the packaged file. */
    Optional<String> effective(String property, Properties deploymentFile, Map<String, String> envValues) {
        String env = envValues.get(envName(property));
        if (env != null) {
            return Optional.of(env);
        }
        if (deploymentFile.containsKey(property)) {
            return Optional.of(deploymentFile.getProperty(property));
        }
        if (packaged.containsKey(property)) {
            return Optional.of(packaged.get(property));
        }
        return Optional.ofNullable(injected.get(property));
    }

    /** Packaged values that only make sense on a developer's machine: the deployment must set these. */
    Map<String, String> machineLocalDefaults() {
        Map<String, String> local = new LinkedHashMap<>();
        packaged.forEach((k, v) -> {
            if (v.contains("localhost") || v.contains("${java.io.tmpdir}")) {
                local.put(k, v);
            }
        });
        return local;
    }
}
