package io.infergate.gateway.proxy;

import io.infergate.scheduler.pick.Endpoint;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One address a request may be sent to. Immutable.
 *
 * @param address  resolved when the host is an IP literal (the usual case: Pod IPs), so connecting does no lookup
 * @param hostPort {@code host:port} for logs and records
 * @param endpoint the pool endpoint, for in-flight accounting; null for a Service endpoint
 */
record UpstreamTarget(InetSocketAddress address, String hostPort, Endpoint endpoint) {

    UpstreamTarget {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(hostPort, "hostPort");
    }

    static UpstreamTarget of(Endpoint e) {
        return new UpstreamTarget(address(e.host(), e.port()), e.hostPort(), e);
    }

    static UpstreamTarget of(InetSocketAddress a) {
        String host = a.getHostString();
        String hostPort = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
        return new UpstreamTarget(a.isUnresolved() ? address(host, a.getPort()) : a, hostPort, null);
    }

    private static InetSocketAddress address(String host, int port) {
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(host);
        return ip != null ? new InetSocketAddress(ip, port) : InetSocketAddress.createUnresolved(host, port);
    }
}
