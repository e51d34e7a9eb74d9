package dev.herald.common.startup;

/** A start that cannot succeed, described in one line that names the problem (and the setting, if one is at fault). */
public final class StartupRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartupRefused(String message) {
        super(message, null, false, false);
    }
}
