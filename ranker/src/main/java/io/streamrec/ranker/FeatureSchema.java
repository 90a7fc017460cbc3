package io.streamrec.ranker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The ordered list of feature names a model was trained on: column {@code i} of every row is feature {@code name(i)}.
 *
 * <p>Immutable. Its {@link #version()} is a fingerprint of the names and their order, so the gateway can tell whether
 * the rows its feature code builds match what a model expects. Stored as {@code features.txt} in a model directory,
 * one name per line.
 */
public final class FeatureSchema {

    public static final String FILE_NAME = "features.txt";

    /** Safe in XGBoost feature names (which reject '[', ']' and '<'), in CSV, and in file names. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");

    private final List<String> names;
    private final Map<String, Integer> indexByName;
    private final String version;

    private FeatureSchema(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a feature schema needs at least one feature");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("feature " + i + " has an invalid name '" + name
                        + "': use letters, digits, '_', '.' or '-', starting with a letter or '_'");
            }
            if (index.putIfAbsent(name, i) != null) {
                throw new IllegalArgumentException("feature '" + name + "' appears twice (positions "
                        + index.get(name) + " and " + i + ")");
            }
        }
        this.names = List.copyOf(names);
        this.indexByName = Map.copyOf(index);
        this.version = fingerprint(this.names);
    }

    public static FeatureSchema of(String... names) {
        return new FeatureSchema(List.of(names));
    }

    public static FeatureSchema of(List<String> names) {
        return new FeatureSchema(new ArrayList<>(names));
    }

    /** Reads {@code features.txt} from a model directory. Blank lines are ignored. */
    public static FeatureSchema read(Path modelDirectory) throws IOException {
        Path file = modelDirectory.resolve(FILE_NAME);
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String name = line.strip();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        try {
            return new FeatureSchema(names);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code features.txt} into a model directory, one name per line. */
    public void write(Path modelDirectory) throws IOException {
        Files.writeString(modelDirectory.resolve(FILE_NAME), String.join("\n", names) + "\n", StandardCharsets.UTF_8);
    }

    /** Column of a feature; throws for a name the schema does not have (see {@link #contains}). */
    public int index(String name) {
        Integer i = indexByName.get(name);
        if (i == null) {
            throw new IllegalArgumentException("unknown feature '" + name + "'; the schema has " + names);
        }
        return i;
    }

    public boolean contains(String name) {
        return indexByName.containsKey(name);
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    public List<String> names() {
        return names;
    }

    /** First 16 hex digits of the SHA-256 of the names in order: equal versions mean equal schemas. */
    public String version() {
        return version;
    }

    private static String fingerprint(List<String> names) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest(String.join("\n", names).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FeatureSchema other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return "FeatureSchema" + names + "@" + version;
    }
}
