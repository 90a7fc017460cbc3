package io.streamrec.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mappers' answers where the HTTP tests cannot reach: an unexpected exception, and where a JSON error points. */
class ProblemMappersTest {
    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void anUnexpectedExceptionIsA500ProblemWithoutTheExceptionOrItsStack() {
        Response r = mappers.unexpected(new IllegalStateException("internal detail: key sr_secret"));
        assertEquals(500, r.getStatus());
        assertEquals(Problems.MEDIA_TYPE, r.getMediaType().toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) r.getEntity();
        assertEquals(List.of("type", "title", "status", "detail"), List.copyOf(body.keySet()));
        String detail = (String) body.get("detail");
        assertTrue(detail.startsWith("an unexpected error, logged with reference "), detail);
        assertFalse(body.toString().contains("IllegalStateException") || body.toString().contains("sr_secret"), body.toString());
    }

    record Rank(List<String> itemIds) {
    }

    @Test
    void aJsonMappingErrorNamesThePathAndTheExpectedType() {
        ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        MismatchedInputException wrongType = assertThrows(MismatchedInputException.class,
                () -> json.readValue("{\"itemIds\":[\"a\",{}]}", Rank.class));
        assertEquals("itemIds[1]", ProblemMappers.field(wrongType));
        assertEquals("must be a string", ProblemMappers.reason(wrongType));
        MismatchedInputException unknown = assertThrows(MismatchedInputException.class,
                () -> json.readValue("{\"itemIds\":[],\"count\":1}", Rank.class));
        assertEquals("count", ProblemMappers.field(unknown));
        assertEquals("unknown field", ProblemMappers.reason(unknown));
    }

    @Test
    void aSyntaxErrorIsTheWholeBodyWithLineAndColumn() {
        var e = assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> new ObjectMapper().readTree("{\"a\":\n x}"));
        assertEquals("$", ProblemMappers.field(e));
        assertTrue(ProblemMappers.reason(e).startsWith("malformed JSON at line 2, column "), ProblemMappers.reason(e));
    }

    @Test
    void strictUtf8FindsTheFirstBadByte() {
        assertEquals(-1, StrictUtf8.firstMalformedByte("{\"a\":\"é€😀\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(2, StrictUtf8.firstMalformedByte(new byte[]{'a', 'b', (byte) 0xC0, (byte) 0xAF}), "overlong /");
        assertEquals(1, StrictUtf8.firstMalformedByte(new byte[]{'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80}), "encoded surrogate");
        assertEquals(0, StrictUtf8.firstMalformedByte(new byte[]{(byte) 0xE2, (byte) 0x82}), "truncated sequence");
    }
}
