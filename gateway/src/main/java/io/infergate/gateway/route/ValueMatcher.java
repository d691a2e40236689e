package io.infergate.gateway.route;

import io.infergate.api.model.HttpRoute;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One compiled header or query-parameter condition. Values compare case-sensitively; a regular expression must
 * match the whole value. Immutable.
 *
 * @param name    lower-case for headers, as written for query parameters
 * @param exact   the value for {@code Exact}, else {@code null}
 * @param pattern the compiled expression for {@code RegularExpression}, else {@code null}
 */
record ValueMatcher(String name, String exact, Pattern pattern) {

    /**
     * Compiles a list of conditions. When two name the same parameter (headers compared case-insensitively),
     * only the first counts, as the spec says.
     */
    static ValueMatcher[] compile(List<HttpRoute.ValueMatch> list, boolean header) {
        List<ValueMatcher> out = new ArrayList<>(list.size());
        Set<String> seen = new HashSet<>();
        for (HttpRoute.ValueMatch v : list) {
            String name = header ? v.name().toLowerCase(Locale.ROOT) : v.name();
            if (!seen.add(name)) {
                continue;
            }
            out.add(
                    v.type() == HttpRoute.MatchType.EXACT
                            ? new ValueMatcher(name, v.value(), null)
                            : new ValueMatcher(name, null, Pattern.compile(v.value())));
        }
        return out.toArray(new ValueMatcher[0]);
    }

    boolean matches(String actual) {
        if (actual == null) {
            return false;
        }
        return exact != null ? exact.equals(actual) : pattern.matcher(actual).matches();
    }
}
