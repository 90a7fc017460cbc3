package io.streamrec.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ApiKeyOptionsTest {
    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        return Files.writeString(dir.resolve("credentials"), text);
    }

    @Test
    void theRolesKeyFromTheCredentialsFileElseItsAdminKey() throws IOException {
        Path f = file("# written by ./streamrec up\nSTREAMREC_INGEST_KEY=sr_ingest\nexport STREAMREC_QUERY_KEY='sr_query'\n"
                + "STREAMREC_ADMIN_KEY=\"sr_admin\"\n\n");
        assertEquals("sr_ingest", ApiKeyOptions.resolve(null, null, f, ApiKeyOptions.Role.INGEST));
        assertEquals("sr_query", ApiKeyOptions.resolve(null, null, f, ApiKeyOptions.Role.QUERY));
        assertEquals("sr_admin", ApiKeyOptions.resolve(null, null, f, ApiKeyOptions.Role.ADMIN));
        Path adminOnly = Files.writeString(dir.resolve("admin-only"), "STREAMREC_ADMIN_KEY=sr_admin\n");
        assertEquals("sr_admin", ApiKeyOptions.resolve(null, null, adminOnly, ApiKeyOptions.Role.INGEST));
    }

    @Test
    void anExplicitKeyThenTheEnvironmentComeFirst() throws IOException {
        Path f = file("STREAMREC_INGEST_KEY=sr_ingest\n");
        assertEquals("sr_given", ApiKeyOptions.resolve(" sr_given ", "sr_env", f, ApiKeyOptions.Role.INGEST));
        assertEquals("sr_env", ApiKeyOptions.resolve(null, "sr_env", f, ApiKeyOptions.Role.INGEST));
        assertEquals("sr_env", ApiKeyOptions.resolve("", "sr_env", f, ApiKeyOptions.Role.INGEST));
    }

    @Test
    void noFileNoKey() {
        assertNull(ApiKeyOptions.resolve(null, null, dir.resolve("missing"), ApiKeyOptions.Role.QUERY));
        assertNull(ApiKeyOptions.resolve(null, "  ", null, ApiKeyOptions.Role.QUERY));
    }
}
