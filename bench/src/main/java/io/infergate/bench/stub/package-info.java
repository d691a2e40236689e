/**
 * {@link io.infergate.bench.stub.StubBackend}: an OpenAI-shaped server that answers at once, so that what a client
 * measures through a proxy minus what it measures directly is the proxy's own cost. Used by
 * {@code infergate bench stub-backend}.
 *
 * <p>Threading: Netty event loops that never block; start and close block and must not run on an event loop.
 * Depends on Netty only.
 */
package io.infergate.bench.stub;
