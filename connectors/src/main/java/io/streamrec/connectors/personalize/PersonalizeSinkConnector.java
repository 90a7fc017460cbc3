package io.streamrec.connectors.personalize;

import io.streamrec.connectors.common.Version;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect sink to Amazon Personalize: ClickEvents to PutEvents, Items to PutItems, Users to PutUsers. Rate
 * limits are for the whole connector and split evenly over its tasks.
 */
public class PersonalizeSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        new PersonalizeSinkConfig(props); // fails the connector with a message naming the setting
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return PersonalizeSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(PersonalizeSinkConfig.TASK_RATE_SHARE, Double.toString(1.0 / maxTasks));
            out.add(task);
        }
        return out;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        Map<String, List<String>> problems = PersonalizeSinkConfig.crossFieldProblems(connectorConfigs);
        for (ConfigValue value : config.configValues()) {
            List<String> messages = problems.remove(value.name());
            if (messages != null) {
                messages.forEach(value::addErrorMessage);
            }
        }
        problems.forEach((name, messages) -> { // settings of the worker's own definition, such as topics
            ConfigValue value = new ConfigValue(name);
            messages.forEach(value::addErrorMessage);
            config.configValues().add(value);
        });
        return config;
    }

    @Override
    public void stop() {
        // nothing held
    }

    @Override
    public ConfigDef config() {
        return PersonalizeSinkConfig.CONFIG_DEF;
    }

    @Override
    public String version() {
        return Version.get();
    }
}
