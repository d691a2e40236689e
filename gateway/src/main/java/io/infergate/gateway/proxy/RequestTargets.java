package io.infergate.gateway.proxy;

/**
 * The request target as the gateway matches and forwards it: the path with dot-segments removed (RFC 3986 §5.2.4)
 * after percent-encoded unreserved characters are decoded (§6.2.2.2, so {@code %2e%2e} is {@code ..}), or a
 * refusal. Refused: an encoded {@code /} ({@code %2F}) or {@code \} ({@code %5C}), which a backend could decode into
 * a different path than the one routed on; a NUL, raw or {@code %00}; a raw backslash, which some servers take for
 * {@code /}; a malformed percent-encoding; and dot-segments that climb above the root, which RFC 3986 would
 * silently drop but here only a probe sends. The query is kept as sent (a raw NUL is refused there too).
 * Targets that are not a path ({@code *}, absolute-form) are only checked for NUL and backslash.
 *
 * <p>Stateless; any thread; allocates nothing for a target that needs no change.
 */
final class RequestTargets {

    /** The outcome for one target. */
    sealed interface Result permits Ok, Bad {}

    /** The target to match and forward (the same string when nothing changed). */
    record Ok(String uri) implements Result {}

    /** Why the target is refused, for the 400's message. */
    record Bad(String reason) implements Result {}

    private RequestTargets() {}

    static Result normalise(String uri) {
        int q = uri.indexOf('?');
        int pathEnd = q < 0 ? uri.length() : q;
        boolean needsWork = false;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == 0) {
                return new Bad("the request target contains a NUL byte");
            }
            if (i < pathEnd) {
                if (c == '\\') {
                    return new Bad("the request path contains a backslash");
                }
                if (c == '%' || (c == '.' && i > 0 && uri.charAt(i - 1) == '/')) {
                    needsWork = true;
                }
            }
        }
        if (!needsWork || !uri.startsWith("/")) {
            return new Ok(uri);
        }
        StringBuilder decoded = new StringBuilder(pathEnd);
        for (int i = 0; i < pathEnd; i++) {
            char c = uri.charAt(i);
            if (c != '%') {
                decoded.append(c);
                continue;
            }
            int hi = i + 2 < pathEnd ? Character.digit(uri.charAt(i + 1), 16) : -1;
            int lo = i + 2 < pathEnd ? Character.digit(uri.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                return new Bad("the request path has a malformed percent-encoding");
            }
            int v = hi * 16 + lo;
            if (v == '/' || v == '\\') {
                return new Bad("the request path contains an encoded '" + (char) v + "' (%"
                        + uri.substring(i + 1, i + 3) + ")");
            }
            if (v == 0) {
                return new Bad("the request path contains an encoded NUL (%00)");
            }
            if (isUnreserved(v)) {
                decoded.append((char) v);
            } else {
                decoded.append(uri, i, i + 3);
            }
            i += 2;
        }
        String path = removeDotSegments(decoded.toString());
        if (path == null) {
            return new Bad("the request path climbs above the root with '..'");
        }
        return new Ok(q < 0 ? path : path + uri.substring(q));
    }

    /** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_'
                || c == '~';
    }

    /**
     * RFC 3986 §5.2.4 on an absolute path, with one difference: a {@code ..} with nothing left to remove gives null
     * instead of being dropped. A final {@code .} or {@code ..} leaves a trailing slash, as in the RFC.
     */
    static String removeDotSegments(String path) {
        String[] segments = path.substring(1).split("/", -1);
        String[] kept = new String[segments.length];
        int n = 0;
        boolean trailingSlash = false;
        for (String s : segments) {
            trailingSlash = false;
            if (s.equals(".")) {
                trailingSlash = true;
            } else if (s.equals("..")) {
                if (n == 0) {
                    return null;
                }
                n--;
                trailingSlash = true;
            } else {
                kept[n++] = s;
            }
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < n; i++) {
            out.append('/').append(kept[i]);
        }
        if (n == 0 || trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }
}
