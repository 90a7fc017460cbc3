package io.streamrec.gateway;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Every request body is UTF-8 (RFC 8259), checked strictly before it is read: Jackson decodes overlong forms and
 * encoded surrogates without complaint, the JDK's decoder reports them. A body that is not UTF-8 is a 400 naming the
 * byte where it stops being UTF-8.
 */
@Provider
public class StrictUtf8 implements ReaderInterceptor {
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        byte[] body = context.getInputStream().readAllBytes();
        long bad = firstMalformedByte(body);
        if (bad >= 0) {
            throw new WebApplicationException(Problems.malformedJson("$", "not UTF-8 at byte " + bad));
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** The offset of the first byte that is not well-formed UTF-8, or -1. */
    static long firstMalformedByte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return in.position();
            }
            if (result.isUnderflow()) {
                return decoder.flush(out).isError() ? in.position() : -1;
            }
            out.clear();
        }
    }
}
