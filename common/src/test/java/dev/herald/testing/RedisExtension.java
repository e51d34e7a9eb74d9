package dev.herald.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test class one {@link RedisServer}, started before its first test and stopped after its last, so tests
 * share the start-up cost but never share data with other classes.
 *
 * <pre>{@code
 * @RegisterExtension static RedisExtension redis = new RedisExtension();
 * }</pre>
 * or {@code @ExtendWith(RedisExtension.class)} with a {@code RedisServer} test or lifecycle method parameter.
 * {@code @Nested} classes reuse their enclosing class's server.
 */
public final class RedisExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private final RedisServer.Options options;
    private RedisServer server;
    private int classDepth; // nested classes run the callbacks again; only the outermost one owns the server

    public RedisExtension() {
        this(RedisServer.Options.defaults());
    }

    public RedisExtension(RedisServer.Options options) {
        this.options = options;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (classDepth++ == 0) {
            server = RedisServer.start(options);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classDepth == 0) {
            server.close();
            server = null;
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server();
    }

    public RedisServer server() {
        if (server == null) {
            throw new IllegalStateException("Redis runs only between beforeAll and afterAll of the test class");
        }
        return server;
    }

    public String uri() {
        return server().uri();
    }

    /** Empties every database, for tests that need a clean Redis without paying for a new server. */
    public void flushAll() {
        server().send("FLUSHALL");
    }
}
