package io.infergate.simulator.engine;

/**
 * Receives the life of one request inside the engine.
 *
 * <p>Threading: called on the engine's thread (the runner thread in real time, the loop thread in
 * virtual time), never concurrently for one request. Implementations must not block and must not call
 * back into the engine; an HTTP front hands the event over to its own event loop. An exception thrown
 * here is logged and swallowed by the runner; it never breaks the engine.
 */
public interface RequestObserver {

    /**
     * Output token {@code index} (0 is the first token) was sampled at {@code nanoTime}, the end of the
     * engine step that produced it. {@code tokenId} is the simulated token id.
     */
    void onToken(int index, int tokenId, long nanoTime);

    /** The request ended (after its last {@link #onToken}, or early on abort). Called exactly once. */
    void onFinish(RequestOutcome outcome);

    /** An observer that ignores everything. */
    RequestObserver NONE = new RequestObserver() {
        @Override
        public void onToken(int index, int tokenId, long nanoTime) {}

        @Override
        public void onFinish(RequestOutcome outcome) {}
    };
}
