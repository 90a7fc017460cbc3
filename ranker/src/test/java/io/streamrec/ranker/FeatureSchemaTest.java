package io.streamrec.ranker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSchemaTest {

    @Test
    void indexesNamesInOrder() {
        FeatureSchema schema = FeatureSchema.of("cooc_score", "item_ctr", "price_vs_aov");
        assertEquals(3, schema.size());
        assertEquals(0, schema.index("cooc_score"));
        assertEquals(2, schema.index("price_vs_aov"));
        assertEquals("item_ctr", schema.name(1));
        assertTrue(schema.contains("item_ctr"));
        assertFalse(schema.contains("nope"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> schema.index("nope"));
        assertEquals("unknown feature 'nope'; the schema has [cooc_score, item_ctr, price_vs_aov]", e.getMessage());
    }

    @Test
    void versionDependsOnNamesAndOrder() {
        assertEquals(FeatureSchema.of("a", "b").version(), FeatureSchema.of(List.of("a", "b")).version());
        assertNotEquals(FeatureSchema.of("a", "b").version(), FeatureSchema.of("b", "a").version());
        assertEquals(16, FeatureSchema.of("a").version().length());
    }

    @Test
    void writesOneNamePerLineAndReadsItBack(@TempDir Path dir) throws IOException {
        FeatureSchema schema = FeatureSchema.of("cooc_score", "item_ctr");
        schema.write(dir);
        assertEquals("cooc_score\nitem_ctr\n", Files.readString(dir.resolve("features.txt")));
        assertEquals(schema, FeatureSchema.read(dir));
    }

    @Test
    void rejectsNamesXgboostOrCsvCannotCarry() {
        assertEquals("feature 1 has an invalid name 'a,b': use letters, digits, '_', '.' or '-', "
                        + "starting with a letter or '_'",
                assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of("x", "a,b")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of("f[0]"));
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of(""));
        assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of());
        assertEquals("feature 'a' appears twice (positions 0 and 2)",
                assertThrows(IllegalArgumentException.class, () -> FeatureSchema.of("a", "b", "a")).getMessage());
    }

    @Test
    void aBadFileNamesItself(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("features.txt"), "a\na\n");
        IOException e = assertThrows(IOException.class, () -> FeatureSchema.read(dir));
        assertTrue(e.getMessage().endsWith("features.txt: feature 'a' appears twice (positions 0 and 1)"),
                e.getMessage());
    }
}
