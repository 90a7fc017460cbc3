package io.streamrec.tools.train;

import io.streamrec.schemas.Erasures;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErasureListTest {
    @Test
    void anErasedUsersKeyIsKnownByItsHashOnly() {
        ErasureList list = new ErasureList(Set.of(Erasures.hash("u1"), Erasures.hash("guest-7")));
        assertTrue(list.erased("u1"));
        assertTrue(list.erased("guest-7"));
        assertFalse(list.erased("u2"));
        assertFalse(list.erased(null));
        assertEquals(2, list.size());
    }

    @Test
    void theHashIsSha256InLowerCaseHex() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Erasures.hash("abc"));
    }
}
