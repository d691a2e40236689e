package io.infergate.gateway.proxy;

import io.infergate.scheduler.pick.Lease;
import io.netty.channel.Channel;

/**
 * One attempt of an exchange: the target, the connection it went out on, and the in-flight lease it holds on the
 * target's endpoint. On the exchange's event loop only; the channel may still be connecting.
 *
 * @param index   the target's index in the plan, from 0
 * @param target  where the request goes
 * @param channel the upstream connection, pooled or new
 * @param reused  whether the connection came from the keep-alive pool
 * @param lease   the in-flight lease, null for a Service target; released at most once (a second release is a no-op)
 */
record UpstreamAttempt(int index, UpstreamTarget target, Channel channel, boolean reused, Lease lease) {

    /** Releases the lease (the endpoint no longer carries this request); idempotent. */
    void releaseLease() {
        if (lease != null) {
            lease.release();
        }
    }

    /** Closes the connection (an abandoned one is never reused) and releases the lease. */
    void abandon() {
        channel.close();
        releaseLease();
    }

    /** The response ended: the connection goes back to the pool when it may, else it closes; the lease is released. */
    void finish(Upstreams upstreams, boolean keepAlive) {
        releaseLease();
        if (keepAlive) {
            upstreams.release(channel, target.address());
        } else {
            channel.close();
        }
    }
}
