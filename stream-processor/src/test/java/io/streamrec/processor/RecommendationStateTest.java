package io.streamrec.processor;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecommendationStateTest {

    /** Examples may wait, the stream threads may not: the builders ask the OS for the lowest priority. */
    @Test
    void examplesAreBuiltOffTheCallerOnALowestPriorityThread() throws Exception {
        RecommendationState state = new RecommendationState(ProcessorConfig.defaults());
        CompletableFuture<Thread> ranOn = new CompletableFuture<>();
        assertTrue(state.build(() -> ranOn.complete(Thread.currentThread())));
        Thread builder = ranOn.get(60, TimeUnit.SECONDS);
        assertNotSame(Thread.currentThread(), builder);
        assertEquals(Thread.MIN_PRIORITY, builder.getPriority());
    }
}
