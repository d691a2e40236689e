package io.infergate.api.validate;

/** Gateway API hostname intersection between a listener and a route (wildcards match one or more labels). */
final class Hostnames {

    private Hostnames() {}

    static boolean intersect(String listener, String route) {
        if (listener.equals(route)) {
            return true;
        }
        if (listener.startsWith("*.")) {
            String suffix = listener.substring(1);
            if (route.startsWith("*.")) {
                // both wildcards: one must be at least as specific as the other
                return route.endsWith(suffix) || listener.endsWith(route.substring(1));
            }
            return route.endsWith(suffix) && route.length() > suffix.length();
        }
        if (route.startsWith("*.")) {
            String suffix = route.substring(1);
            return listener.endsWith(suffix) && listener.length() > suffix.length();
        }
        return false;
    }
}
