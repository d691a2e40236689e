package io.infergate.scheduler.scheduling.plugins;

import io.infergate.api.model.PluginTypes;
import io.infergate.scheduler.pick.Endpoint;
import io.infergate.scheduler.scheduling.Candidates;
import io.infergate.scheduler.scheduling.PostPick;
import io.infergate.scheduler.scheduling.SchedulingContext;
import io.infergate.scheduler.scheduling.Scorer;
import io.infergate.scheduler.scheduling.config.PluginFactory;
import io.infergate.scheduler.scheduling.config.PluginInstance;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Ours ({@code session-affinity-scorer}; GIE has none, issue #675): a request carrying a session id (header
 * {@code x-session-id}) scores 1.0 on the endpoint the session's previous request went to and 0 elsewhere, so the
 * session sticks softly: other scorers can outweigh it when that endpoint is overloaded, and the session then
 * follows the new choice. Sessions are remembered in an LRU of bounded size.
 *
 * <p>Thread-safe: the map is guarded by its own monitor, held for one lookup or insert.
 */
public final class SessionAffinityScorer implements Scorer, PostPick {

    public static final String TYPE = PluginTypes.SESSION_AFFINITY_SCORER;
    public static final int DEFAULT_MAX_SESSIONS = 100_000;

    /** Reads {@code maxSessions} (1 or more, default {@value #DEFAULT_MAX_SESSIONS}). */
    public static final PluginFactory FACTORY = (name, p, h) -> new PluginInstance.Scorer(
            name,
            TYPE,
            new SessionAffinityScorer(
                    name, p.integer("maxSessions", 1, Integer.MAX_VALUE).orElse(DEFAULT_MAX_SESSIONS)));

    private final String name;
    private final int maxSessions;
    private final Map<String, String> sessions;

    public SessionAffinityScorer(int maxSessions) {
        this(TYPE, maxSessions);
    }

    /** @param name the instance name of an EndpointPickerConfig plugin (defaults to the type) */
    public SessionAffinityScorer(String name, int maxSessions) {
        if (maxSessions < 1) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: >= 1)");
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxSessions = maxSessions;
        this.sessions = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > maxSessions;
            }
        };
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String name() {
        return name;
    }

    /** The most sessions remembered at once. */
    public int maxSessions() {
        return maxSessions;
    }

    @Override
    public void score(SchedulingContext ctx, Candidates c, double[] scores) {
        String session = ctx.request().sessionId();
        if (session.isEmpty()) {
            return;
        }
        String last;
        synchronized (sessions) {
            last = sessions.get(session);
        }
        if (last == null) {
            return;
        }
        for (int i = 0; i < c.size(); i++) {
            scores[i] = c.endpoint(i).hostPort().equals(last) ? 1.0 : 0.0;
        }
    }

    @Override
    public void picked(SchedulingContext ctx, Endpoint primary) {
        String session = ctx.request().sessionId();
        if (!session.isEmpty()) {
            synchronized (sessions) {
                sessions.put(session, primary.hostPort());
            }
        }
    }

    /** Sessions remembered now. */
    public int sessions() {
        synchronized (sessions) {
            return sessions.size();
        }
    }
}
