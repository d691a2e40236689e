package io.infergate.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Supplies {@code --version} for every subcommand from the version Maven wrote into the jar.
 *
 * <p>Stateless; safe from any thread.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** The project version, or {@code "unknown"} when run from classes without the filtered resource. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("reading version.properties", e);
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "infergate " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
