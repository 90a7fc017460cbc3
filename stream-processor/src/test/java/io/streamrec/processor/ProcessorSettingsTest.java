package io.streamrec.processor;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessorSettingsTest {

    @Test
    void everySettingHasATypeADefaultAValidatorAndADescription() {
        // one setting per record component: features and recommend are groups, the trending baselines one per window
        int expected = ProcessorConfig.class.getRecordComponents().length - 2
                + FeatureSettings.class.getRecordComponents().length - 1 + FeatureSettings.TRENDING_WINDOWS.size()
                + RecommendSettings.class.getRecordComponents().length;
        assertEquals(expected, ProcessorSettings.CONFIG.configKeys().size());
        for (ConfigDef.ConfigKey k : ProcessorSettings.CONFIG.configKeys().values()) {
            assertTrue(k.name.startsWith("streamrec."), k.name);
            assertTrue(k.hasDefault(), k.name + " has no default");
            assertFalse(k.documentation == null || k.documentation.isBlank(), k.name + " has no description");
            if (!k.name.equals(ProcessorConfig.NON_ITEM_EVENT_TYPES)) {
                assertTrue(k.validator != null, k.name + " has no validator");
            }
        }
    }

    @Test
    void theDefaultsAreTheConfigDefsDefaults() {
        ProcessorConfig d = ProcessorConfig.defaults();
        assertEquals(Duration.ofHours(24), d.dedupeHorizon());
        assertEquals(100, d.historyMaxEntries());
        assertEquals(Duration.ofDays(30), d.historyRetention());
        assertEquals(Duration.ofMinutes(10), d.retentionSweepInterval());
        assertEquals(java.util.Set.of("view", "click", "add_to_cart", "remove_from_cart", "purchase", "search", "review", "rating"),
                d.eventTypes());
        assertEquals(java.util.Set.of("search"), d.nonItemEventTypes());
        assertEquals(300, d.recommend().maxCandidates());
        assertEquals(0.25, d.recommend().maxCpuShare());
        assertEquals(0.5, d.recommend().sampleRate("click"));
        assertEquals(8.0, d.features().weight("purchase"));
        assertEquals(Duration.ofDays(28), d.features().trendingBaselines().get("7d"));
    }

    @Test
    void everyOutOfRangeValueIsReportedAtOnceNamingItsSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.from(Map.of(
                RecommendSettings.RECENCY_DECAY, "0", RecommendSettings.MAX_CANDIDATES, "abc",
                ProcessorConfig.RETENTION_SWEEP_INTERVAL, "500ms", RecommendSettings.SAMPLE_RATES, "view:2")));
        assertEquals("invalid streamrec configuration: "
                + "streamrec.history.sweep-interval must be at least 1s, got 500ms; "
                + "streamrec.recommend.recency-decay must be in (0, 1], got 0.0; "
                + "streamrec.recommend.max-candidates: 'abc' is not an integer; "
                + "streamrec.training.sample-rates: rate of view must be between 0 and 1", e.getMessage());
    }

    @Test
    void keysTheTopologyDoesNotKnowAreLeftToTheGateway() {
        ProcessorConfig c = ProcessorConfig.from(Map.of("streamrec.ranker", "local", RecommendSettings.HISTORY_ITEMS, "7"));
        assertEquals(7, c.recommend().historyItems());
    }
}
