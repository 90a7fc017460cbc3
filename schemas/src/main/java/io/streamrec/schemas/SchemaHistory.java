package io.streamrec.schemas;

import org.apache.avro.Schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Earlier versions of each schema, kept in {@code schema-history/<Record>/vN.avsc}. Readers register them in the
 * schema store so that records written with an older version still decode; the compatibility test checks every
 * current schema against all of them.
 */
public final class SchemaHistory {
    private static final String INDEX = "schema-history/index.txt";

    private SchemaHistory() {
    }

    /** Previous versions of the record with this simple name, oldest first (empty when it never changed). */
    public static List<Schema> previousVersions(String recordName) {
        List<Schema> out = new ArrayList<>();
        for (String path : index()) {
            if (path.startsWith(recordName + "/")) {
                out.add(parse("schema-history/" + path));
            }
        }
        return out;
    }

    static List<String> index() {
        String text = read(INDEX);
        List<String> paths = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                paths.add(trimmed);
            }
        }
        return paths;
    }

    static Schema parse(String resource) {
        return new Schema.Parser().parse(read(resource));
    }

    private static String read(String resource) {
        try (InputStream in = SchemaHistory.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
