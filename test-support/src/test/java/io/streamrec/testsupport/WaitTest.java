package io.streamrec.testsupport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WaitTest {
    @Test
    void returnsAsSoonAsTheConditionHolds() {
        AtomicInteger checks = new AtomicInteger();
        Wait.until("third check", Duration.ofSeconds(5), Duration.ofMillis(1), () -> checks.incrementAndGet() >= 3);
        assertEquals(3, checks.get());
    }

    @Test
    void failsWithAClearMessageOnTimeout() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Wait.until("the sky to turn green", Duration.ofMillis(150), () -> false));
        assertTrue(error.getMessage().contains("waiting for: the sky to turn green"), error.getMessage());
        assertTrue(error.getMessage().contains("timeout 150 ms"), error.getMessage());
    }

    @Test
    void keepsTheLastExceptionOfTheConditionAsCause() {
        IllegalStateException boom = new IllegalStateException("not yet");
        AssertionError error = assertThrows(AssertionError.class,
                () -> Wait.until("something", Duration.ofMillis(100), () -> {
                    throw boom;
                }));
        assertSame(boom, error.getCause());
        assertTrue(error.getMessage().contains("not yet"), error.getMessage());
    }
}
