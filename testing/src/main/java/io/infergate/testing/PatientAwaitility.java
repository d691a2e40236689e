package io.infergate.testing;

import org.awaitility.Awaitility;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Sets Awaitility's default timeout to {@link Patience#EVENTUALLY} when the JUnit launcher session opens, before any
 * test runs (Awaitility's own default, 10 s, is too short for a machine at load 10). Registered through
 * {@code META-INF/services}.
 */
public final class PatientAwaitility implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        Awaitility.setDefaultTimeout(Patience.EVENTUALLY);
    }
}
