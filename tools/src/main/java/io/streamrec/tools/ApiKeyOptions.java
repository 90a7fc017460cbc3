package io.streamrec.tools;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The API key a tool sends ({@code Authorization: Bearer}), found without extra steps for the user: {@code --api-key},
 * else {@code $STREAMREC_API_KEY}, else the key of the role the tool needs from the credentials file that
 * {@code ./streamrec up} writes ({@code --credentials}, else {@code $STREAMREC_CREDENTIALS}, else
 * {@code $STREAMREC_HOME/credentials}, else {@code .streamrec/credentials}), falling back to its admin key. No key
 * at all: requests go without one (a gateway with {@code streamrec.auth.enabled=false}).
 */
public final class ApiKeyOptions {
    public static final String KEY_ENV = "STREAMREC_API_KEY";
    public static final String FILE_ENV = "STREAMREC_CREDENTIALS";

    /** The roles a tool asks for, with their variable in the credentials file. */
    public enum Role {
        INGEST("STREAMREC_INGEST_KEY"), QUERY("STREAMREC_QUERY_KEY"), ADMIN("STREAMREC_ADMIN_KEY");

        final String variable;

        Role(String variable) {
            this.variable = variable;
        }
    }

    @Option(names = "--api-key", description = "API key to send (default: $" + KEY_ENV + ", else the key for this"
            + " command's role in the credentials file; none: no key is sent)")
    String apiKey;

    @Option(names = "--credentials", paramLabel = "FILE", description = "credentials file written by ./streamrec up"
            + " (default: $" + FILE_ENV + ", $STREAMREC_HOME/credentials or .streamrec/credentials)")
    Path credentials;

    /** The key to send for this role; null when there is none. */
    public String key(Role role) {
        return resolve(apiKey, System.getenv(KEY_ENV), credentials != null ? credentials : defaultFile(), role);
    }

    /** The {@code --api-key}/{@code --credentials} arguments that make a nested command send the same key. */
    public List<String> forward() {
        List<String> out = new java.util.ArrayList<>();
        if (apiKey != null) {
            out.add("--api-key");
            out.add(apiKey);
        }
        if (credentials != null) {
            out.add("--credentials");
            out.add(credentials.toString());
        }
        return out;
    }

    static String resolve(String explicit, String fromEnv, Path file, Role role) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit.strip();
        }
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.strip();
        }
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        Map<String, String> values = read(file);
        String key = values.get(role.variable);
        return key != null ? key : values.get(Role.ADMIN.variable);
    }

    static Path defaultFile() {
        String env = System.getenv(FILE_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String home = System.getenv("STREAMREC_HOME");
        return home != null && !home.isBlank() ? Path.of(home, "credentials") : Path.of(".streamrec", "credentials");
    }

    /** {@code NAME=value} lines (the file is also meant to be sourced by a shell); comments and blank lines skipped. */
    public static Map<String, String> read(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new ToolException("cannot read " + file + ": " + e.getMessage(), 2);
        }
        for (String line : lines) {
            String l = line.strip();
            if (l.startsWith("export ")) {
                l = l.substring(7).strip();
            }
            int eq = l.indexOf('=');
            if (l.isEmpty() || l.startsWith("#") || eq <= 0) {
                continue;
            }
            String value = l.substring(eq + 1).strip();
            if (value.length() >= 2 && (value.startsWith("'") && value.endsWith("'") || value.startsWith("\"") && value.endsWith("\""))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(l.substring(0, eq).strip(), value);
        }
        return out;
    }
}
