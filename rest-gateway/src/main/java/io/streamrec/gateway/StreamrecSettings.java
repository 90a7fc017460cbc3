package io.streamrec.gateway;

import io.streamrec.processor.ProcessorConfig;
import io.streamrec.schemas.EventRules;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Map;

/** Reads every {@code streamrec.*} setting once at start-up and validates it; a bad value stops the start with a clear message. */
@ApplicationScoped
public class StreamrecSettings {

    @Produces
    @Singleton
    ProcessorConfig processorConfig(Config config) {
        Map<String, String> props = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("streamrec.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> props.put(name, v));
            }
        }
        return ProcessorConfig.from(props);
    }

    @Produces
    @Singleton
    EventRules eventRules(ProcessorConfig config) {
        return config.rules();
    }
}
