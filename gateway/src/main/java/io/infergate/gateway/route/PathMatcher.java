package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.regex.Pattern;

/**
 * One compiled path condition. Case-sensitive. {@code PathPrefix} matches whole path elements ({@code /abc}
 * matches {@code /abc}, {@code /abc/} and {@code /abc/def}, never {@code /abcdef}), and a trailing {@code /} in
 * the prefix is ignored, as the spec says. {@code RegularExpression} must match the whole path. Immutable.
 */
final class PathMatcher {

    private final HttpRoute.PathType type;
    private final String value;
    private final Pattern pattern;

    private PathMatcher(HttpRoute.PathType type, String value, Pattern pattern) {
        this.type = type;
        this.value = value;
        this.pattern = pattern;
    }

    /** @throws java.util.regex.PatternSyntaxException for a bad regular expression (the validator reports it) */
    static PathMatcher of(HttpRoute.PathMatch m) {
        return switch (m.type()) {
            case EXACT -> new PathMatcher(m.type(), m.value(), null);
            case PATH_PREFIX -> new PathMatcher(m.type(), stripTrailingSlashes(m.value()), null);
            case REGULAR_EXPRESSION -> new PathMatcher(m.type(), m.value(), Pattern.compile(m.value()));
        };
    }

    private static String stripTrailingSlashes(String prefix) {
        int end = prefix.length();
        while (end > 0 && prefix.charAt(end - 1) == '/') {
            end--;
        }
        return prefix.substring(0, end); // "/" becomes "": every path
    }

    boolean matches(String path) {
        return switch (type) {
            case EXACT -> path.equals(value);
            case PATH_PREFIX ->
                path.startsWith(value) && (path.length() == value.length() || path.charAt(value.length()) == '/');
            case REGULAR_EXPRESSION -> pattern.matcher(path).matches();
        };
    }

    /** 0 for Exact, 1 for PathPrefix, 2 for RegularExpression: the first precedence criterion. */
    int typeRank() {
        return switch (type) {
            case EXACT -> 0;
            case PATH_PREFIX -> 1;
            case REGULAR_EXPRESSION -> 2;
        };
    }

    /** The prefix length without trailing slashes, for "longest prefix first"; 0 for other types. */
    int prefixLength() {
        return type == HttpRoute.PathType.PATH_PREFIX ? value.length() : 0;
    }
}
