package io.streamrec.k8s;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Non-Strimzi objects parsed into fabric8's kubernetes-model types. Those types keep a field they do not know in
 * {@code additionalProperties} instead of failing, so each object's tree is walked and every such leftover reported.
 */
final class CoreModels {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    /** apiVersion and kind to the model type; a kind not listed here is reported, not passed. */
    static final Map<String, Class<?>> TYPES = Map.of(
            "v1 ServiceAccount", ServiceAccount.class,
            "v1 ConfigMap", ConfigMap.class,
            "v1 Service", Service.class,
            "v1 PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1 StatefulSet", StatefulSet.class,
            "networking.k8s.io/v1 NetworkPolicy", NetworkPolicy.class,
            "policy/v1 PodDisruptionBudget", PodDisruptionBudget.class,
            "autoscaling/v2 HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "monitoring.coreos.com/v1 ServiceMonitor", ServiceMonitor.class);

    private CoreModels() {
    }

    static boolean isCore(JsonNode object) {
        return !object.path("apiVersion").asText().startsWith("kafka.strimzi.io/");
    }

    /** What does not fit the model type, each as "{@code Kind name: path: unknown field(s) [...]}"; empty when all fits. */
    static List<String> check(JsonNode object) {
        String key = object.path("apiVersion").asText() + " " + object.path("kind").asText();
        Class<?> type = TYPES.get(key);
        if (type == null) {
            return List.of(Rendered.id(object) + ": no kubernetes-model type registered for " + key
                    + " (add it to CoreModels.TYPES)");
        }
        Object model;
        try {
            model = MAPPER.treeToValue(object, type);
        } catch (Exception e) {
            return List.of(Rendered.id(object) + ": does not parse as " + type.getSimpleName() + ": " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        walk(model, "$", problems, Rendered.id(object));
        return problems;
    }

    private static void walk(Object value, String path, List<String> problems, String id) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", problems, id);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, problems, id));
            return;
        }
        if (!value.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : value.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || Modifier.isStatic(m.getModifiers())
                    || m.getDeclaringClass() == Object.class || m.getReturnType().isPrimitive()) {
                continue;
            }
            Object child;
            try {
                child = m.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(id + ": " + path + ": unknown field(s) " + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
            walk(child, path + "." + field, problems, id);
        }
    }
}
