package io.infergate.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran (or, since reports lag behind the
 * garbage collector, shortly before). Registered automatically for every test class through JUnit's
 * extension auto-detection ({@code junit-platform.properties}).
 */
public final class FailOnNettyLeaks implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = NettyLeaks.collect();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " Netty buffer leak(s) detected around " + context.getDisplayName()
                    + ":\n" + String.join("\n\n", leaks));
        }
    }
}
