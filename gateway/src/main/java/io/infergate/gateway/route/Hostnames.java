package io.infergate.gateway.route;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Gateway API hostname rules. A pattern is an exact name, a wildcard {@code *.suffix} (matching one or more
 * labels in front of the suffix, never the suffix itself), or {@link #ANY} (the empty string: no hostname was
 * given). Stateless.
 */
public final class Hostnames {

    /** Matches every host: neither the listener nor the route named one. */
    static final String ANY = "";

    private Hostnames() {}

    public static boolean isWildcard(String pattern) {
        return pattern.startsWith("*.");
    }

    /** Whether a wildcard pattern ({@code *.example.com}) covers a concrete lower-case host. */
    public static boolean wildcardCovers(String wildcard, String host) {
        int suffix = wildcard.length() - 1; // ".example.com"
        return host.length() > suffix && host.regionMatches(host.length() - suffix, wildcard, 1, suffix);
    }

    /**
     * The hostnames under which a route is served on a listener: the intersection of the two, each result the
     * more specific of an intersecting pair. A route without hostnames takes the listener's; a listener without
     * one takes the route's. An empty result means the route does not attach to this listener.
     */
    static List<String> effective(Optional<String> listener, List<String> route) {
        if (route.isEmpty()) {
            return List.of(listener.map(Hostnames::lower).orElse(ANY));
        }
        List<String> out = new ArrayList<>(route.size());
        for (String r : route) {
            String h = lower(r);
            String both = listener.isEmpty() ? h : intersection(lower(listener.get()), h);
            if (both != null && !out.contains(both)) {
                out.add(both);
            }
        }
        return List.copyOf(out);
    }

    /** The more specific of two intersecting patterns, or {@code null} if they do not intersect. */
    private static String intersection(String a, String b) {
        if (a.equals(b)) {
            return a;
        }
        boolean wa = isWildcard(a);
        boolean wb = isWildcard(b);
        if (wa && wb) {
            // *.foo.example.com is inside *.example.com
            if (wildcardCovers(a, b.substring(2))) {
                return b;
            }
            return wildcardCovers(b, a.substring(2)) ? a : null;
        }
        if (wa) {
            return wildcardCovers(a, b) ? b : null;
        }
        if (wb) {
            return wildcardCovers(b, a) ? a : null;
        }
        return null;
    }

    /**
     * The host to match: the authority without its port, in lower case. Returns the argument itself when it is
     * already in that form, so the common case allocates nothing.
     */
    public static String requestHost(String authority) {
        int end = authority.length();
        if (!authority.isEmpty() && authority.charAt(0) == '[') {
            int close = authority.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = authority.indexOf(':');
            end = colon < 0 ? end : colon;
        }
        boolean lower = true;
        for (int i = 0; i < end; i++) {
            char c = authority.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                lower = false;
                break;
            }
        }
        if (lower) {
            return end == authority.length() ? authority : authority.substring(0, end);
        }
        return authority.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
