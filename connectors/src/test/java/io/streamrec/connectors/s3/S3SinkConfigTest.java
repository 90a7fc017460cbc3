package io.streamrec.connectors.s3;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3SinkConfigTest {
    private static String error(Map<String, String> props) {
        return assertThrows(ConfigException.class, () -> new S3SinkConfig(props)).getMessage();
    }

    @Test
    void badValuesNameTheSetting() {
        assertTrue(error(Map.of()).contains("s3.bucket.name"));
        assertTrue(error(Map.of("s3.bucket.name", "Bad_Bucket")).contains("s3.bucket.name"));
        assertTrue(error(Map.of("s3.bucket.name", "lake", "s3.prefix", "/raw/")).contains("s3.prefix"));
        assertTrue(error(Map.of("s3.bucket.name", "lake", "s3.endpoint", "localhost:9000")).contains("s3.endpoint"));
        assertTrue(error(Map.of("s3.bucket.name", "lake", "s3.flush.size", "0")).contains("s3.flush.size"));
        assertTrue(error(Map.of("s3.bucket.name", "lake", "s3.compression", "zstd")).contains("s3.compression"));
    }
}
