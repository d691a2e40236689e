package io.infergate.app.serve;

import io.infergate.api.Manifests;
import io.infergate.api.Problem;
import io.infergate.api.load.LoadResult;
import io.infergate.gateway.admin.ConfigStatus;
import io.infergate.gateway.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config files and re-applies them when they change, keeping the last good configuration when a new
 * version does not load, validate or compile.
 *
 * <p>How: one {@link WatchService} on the files' directories (editors and {@code kubectl cp} often replace a file
 * by renaming, so create and delete count as well as modify), read by a virtual thread; events for the watched
 * file names (re)arm one debounce timer on a single-thread scheduler, so a burst of writes makes one reload.
 * Every reload runs on that scheduler thread: never on an event loop, never two at once.
 *
 * <p>A reload with problems logs one WARN line per problem (the {@code infergate validate} format) and a summary,
 * and leaves the served configuration alone. So does one the {@link Guard} refuses: {@code serve} refuses a
 * configuration without any listener, because an emptied, truncated or wrong file would otherwise close every
 * port while the process looks healthy. A good one calls {@code apply} and logs a summary. Either way
 * {@link #status()} reports the attempt (for {@code GET /api/config}). {@code apply} exceptions count as a failed
 * reload.
 *
 * <p>Threading: {@link #start()} and {@link #close()} from any non-event-loop thread; {@link #status()} from any
 * thread.
 */
public final class ConfigReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

    private final List<Path> files;
    private final Duration debounce;
    private final Consumer<GatewayConfig> apply;
    private final Guard guard;
    private final Clock clock;
    private final Set<Path> watchedNames = new HashSet<>();
    private final ScheduledExecutorService scheduler;
    private final Object reloadLock = new Object();
    private volatile ConfigStatus status;
    private WatchService watcher;
    private Thread watchThread;
    // only touched on the scheduler thread
    private ScheduledFuture<?> pending;

    /**
     * Decides whether a configuration that loaded and compiled without errors may replace the served one. Called
     * on the reload thread; must not block.
     */
    @FunctionalInterface
    public interface Guard {
        /** Accepts every configuration that compiles (the EPP serves pools, not listeners). */
        Guard ACCEPT_ALL = next -> Optional.empty();

        /** Refuses a configuration without any listener: the gateway would keep running with every port closed. */
        Guard NEEDS_A_LISTENER = next -> next.listeners().isEmpty()
                ? Optional.of("no listener (no Gateway in the files: empty, truncated, or its Gateway removed)")
                : Optional.empty();

        /** Why {@code next} must not be served, or empty to serve it. */
        Optional<String> refusal(GatewayConfig next);
    }

    /** A reloader that applies every configuration that compiles ({@link Guard#ACCEPT_ALL}). */
    public ConfigReloader(
            List<Path> files, Duration debounce, Consumer<GatewayConfig> apply, ConfigStatus initial, Clock clock) {
        this(files, debounce, apply, Guard.ACCEPT_ALL, initial, clock);
    }

    /**
     * @param files    the config files, as given on the command line
     * @param debounce how long the files must stay quiet before a reload
     * @param apply    serves a new configuration (called on the reload thread)
     * @param guard    refuses configurations that compile but must not be served
     * @param initial  the status of the configuration served at start
     */
    public ConfigReloader(
            List<Path> files,
            Duration debounce,
            Consumer<GatewayConfig> apply,
            Guard guard,
            ConfigStatus initial,
            Clock clock) {
        this.files = List.copyOf(files);
        this.debounce = Objects.requireNonNull(debounce, "debounce");
        this.apply = Objects.requireNonNull(apply, "apply");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.status = Objects.requireNonNull(initial, "initial");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "config-reload");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts watching.
     *
     * @throws java.io.UncheckedIOException if a directory cannot be watched
     */
    public synchronized ConfigReloader start() {
        try {
            watcher = FileSystems.getDefault().newWatchService();
            Set<Path> dirs = new LinkedHashSet<>();
            for (Path f : files) {
                Path abs = f.toAbsolutePath().normalize();
                watchedNames.add(abs);
                dirs.add(abs.getParent());
            }
            for (Path dir : dirs) {
                dir.register(
                        watcher,
                        StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the config files: " + e.getMessage(), e);
        }
        watchThread = Thread.ofVirtual().name("config-watch").start(this::watchLoop);
        return this;
    }

    private void watchLoop() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path dir = (Path) key.watchable();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        relevant = true;
                    } else if (watchedNames.contains(dir.resolve((Path) event.context()))) {
                        relevant = true;
                    }
                }
                key.reset();
                if (relevant) {
                    scheduler.execute(this::arm);
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: stop watching
        } catch (RejectedExecutionException e) {
            // the scheduler shut down first
        }
    }

    /** (Re)starts the debounce timer; on the scheduler thread. */
    private void arm() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(this::reloadNow, debounce.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Where the configuration came from and how the last reload went. */
    public ConfigStatus status() {
        return status;
    }

    /**
     * Loads, validates and compiles the files now and applies them if good. Called on the reload thread by the
     * watcher; callable directly (it then runs on the caller's thread, which must not be an event loop).
     *
     * @return whether the new configuration is now served
     */
    public boolean reloadNow() {
        synchronized (reloadLock) {
            return reload();
        }
    }

    private boolean reload() {
        LoadResult result = Manifests.load(files);
        List<String> lines = result.problems().stream().map(Problem::format).toList();
        if (result.hasErrors()) {
            int errors = result.errors().size();
            lines.forEach(l -> log.warn("config reload: {}", l));
            return rejected(
                    errors + (errors == 1 ? " error" : " errors") + " in " + files.size()
                            + (files.size() == 1 ? " file" : " files"),
                    lines);
        }
        GatewayConfig next;
        try {
            next = GatewayConfig.compile(result.manifests());
        } catch (RuntimeException e) {
            return rejected("cannot serve the new configuration: " + e.getMessage(), lines);
        }
        Optional<String> refusal = guard.refusal(next);
        if (refusal.isPresent()) {
            lines.forEach(l -> log.info("config reload: {}", l));
            return rejected(
                    "refused "
                            + String.join(
                                    ", ", files.stream().map(Path::toString).toList()) + ": " + refusal.get(),
                    lines);
        }
        try {
            apply.accept(next);
        } catch (RuntimeException e) {
            return rejected("cannot serve the new configuration: " + e.getMessage(), lines);
        }
        lines.forEach(l -> log.info("config reload: {}", l));
        String message = "applied: " + next.listeners().size() + " listener(s), "
                + next.pools().size() + " InferencePool(s), "
                + result.manifests().all().size() + " object(s)";
        log.info("config reload {}", message);
        status = status.withReload(new ConfigStatus.Reload(clock.instant(), true, message, lines));
        return true;
    }

    /** Logs and records a reload that left the served configuration alone; {@code why} has no trailing period. */
    private boolean rejected(String why, List<String> lines) {
        String message = why + "; keeping the last good configuration";
        log.warn("config reload rejected: {}", message);
        status = status.withReload(new ConfigStatus.Reload(clock.instant(), false, message, lines));
        return false;
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                log.debug("closing the watch service failed", e);
            }
        }
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            if (watchThread != null) {
                watchThread.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
