package dev.herald.common.startup;

import io.undertow.Undertow;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Starts an Undertow server whose listeners come from settings, turning a failed bind into one
 * {@link StartupRefused} line that names the setting and port ("herald.http.port 8080 is already in use")
 * instead of a bare {@code BindException} stack trace that names neither.
 */
public final class Bindings {
    /** One configured listener: the setting that chose its port, and where it binds. */
    public record Bind(String key, String host, int port) {
    }

    private Bindings() {
    }

    public static void start(Undertow server, List<Bind> binds) {
        try {
            server.start();
        } catch (RuntimeException e) {
            if (!causedByBind(e)) {
                throw e;
            }
            // Undertow does not say which listener failed: find the first configured port that cannot be bound now.
            for (Bind bind : binds) {
                String problem = bind.port() == 0 ? null : problem(bind);
                if (problem != null) {
                    throw new StartupRefused(problem);
                }
            }
            throw new StartupRefused("cannot listen on " + binds + ": " + e.getCause());
        }
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static String problem(Bind bind) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(bind.host(), bind.port()));
            return null;
        } catch (BindException e) {
            return bind.key() + " " + bind.port() + (e.getMessage() != null && e.getMessage().contains("in use")
                    ? " is already in use" : " cannot be bound on " + bind.host() + ": " + e.getMessage());
        } catch (IOException e) {
            return bind.key() + " " + bind.port() + " cannot be bound on " + bind.host() + ": " + e;
        }
    }
}
