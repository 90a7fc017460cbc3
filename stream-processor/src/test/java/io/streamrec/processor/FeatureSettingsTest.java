package io.streamrec.processor;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FeatureSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        FeatureSettings d = ProcessorConfig.defaults().features();
        assertEquals(1.0, d.weight("view"));
        assertEquals(2.0, d.weight("click"));
        assertEquals(4.0, d.weight("add_to_cart"));
        assertEquals(0.0, d.weight("remove_from_cart"));
        assertEquals(8.0, d.weight("purchase"));
        assertEquals(3.0, d.weight("review"));
        assertEquals(1.0, d.weight("wishlist")); // not named: 1
        assertEquals(Duration.ofDays(7), d.featureHalfLife());
        assertEquals(10, d.affinityTopK());
        assertEquals(Duration.ofMinutes(30), d.sessionGap());
        assertEquals(ZoneId.of("UTC"), d.dayZone());
        assertEquals(10, d.neighborHistoryK());
        assertEquals(50, d.neighborTopN());
        assertEquals(100, d.neighborCapacity());
        assertEquals(Duration.ofHours(24), d.trendingBaselines().get("1h"));
        assertEquals(d, FeatureSettings.from(Map.of()));
    }

    @Test
    void settingsAreReadFromProperties() {
        ProcessorConfig c = ProcessorConfig.from(Map.of(
                FeatureSettings.EVENT_WEIGHTS, "view:0.5, purchase:10",
                FeatureSettings.NEIGHBOR_HISTORY_K, "5",
                FeatureSettings.TRENDING_BASELINE_PREFIX + "1h", "12h",
                FeatureSettings.CTR_PRIOR_BETA, "99"));
        assertEquals(0.5, c.features().weight("view"));
        assertEquals(1.0, c.features().weight("click")); // the list replaces the default list
        assertEquals(5, c.features().neighborHistoryK());
        assertEquals(Duration.ofHours(12), c.features().trendingBaselines().get("1h"));
        assertEquals(99.0, c.features().ctrPriorBeta());
    }

    @Test
    void nonsenseIsRejectedNamingTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureSettings.from(Map.of(
                FeatureSettings.AFFINITY_TOP_K, "0", FeatureSettings.TRENDING_BASELINE_PREFIX + "24h", "1h",
                FeatureSettings.CTR_PRIOR_ALPHA, "-1")));
        assertEquals("invalid streamrec configuration: streamrec.features.affinity-top-k must be between 1 and 1000, got 0; "
                + "streamrec.items.ctr-prior-alpha must be a finite number > 0, got -1.0; "
                + "streamrec.trending.baseline.24h must be longer than the window 24h, got PT1H", e.getMessage());
        assertEquals("streamrec.event-weights: cannot read 'view' as type:weight (example: view:1,purchase:8)",
                assertThrows(IllegalArgumentException.class, () -> FeatureSettings.from(Map.of(FeatureSettings.EVENT_WEIGHTS, "view"))).getMessage());
        assertEquals("streamrec.features.day-zone: 'Mars/Olympus' is not a time zone (examples: UTC, Europe/London)",
                assertThrows(IllegalArgumentException.class, () -> FeatureSettings.from(Map.of(FeatureSettings.DAY_ZONE, "Mars/Olympus"))).getMessage());
        assertEquals("invalid streamrec configuration: streamrec.event-weights: weight of view must be a finite number >= 0",
                assertThrows(IllegalArgumentException.class, () -> FeatureSettings.from(Map.of(FeatureSettings.EVENT_WEIGHTS, "view:-1"))).getMessage());
    }
}
