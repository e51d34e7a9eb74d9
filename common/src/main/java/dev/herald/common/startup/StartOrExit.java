package dev.herald.common.startup;

import java.util.function.Supplier;

/** Runs a service's start in its {@code main}: a {@link StartupRefused} ends the process with its one line and status 1. */
public final class StartOrExit {
    private StartOrExit() {
    }

    public static <T> T start(String service, Supplier<T> start) {
        try {
            return start.get();
        } catch (StartupRefused e) {
            System.err.println("herald " + service + ": cannot start: " + e.getMessage());
            System.exit(1);
            throw e; // not reached
        }
    }
}
