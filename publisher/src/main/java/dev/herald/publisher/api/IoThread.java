package dev.herald.publisher.api;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs an answer on the exchange's IO thread, not on the Redis client's thread that completed the work.
 * An exchange that ends on another thread makes Undertow hand the connection back to the IO thread under
 * a spin lock, and the IO thread, woken by the client's next request, spins until it is released: on a
 * two-core machine that spin was half of the publisher's CPU.
 */
final class IoThread {
    private IoThread() {
    }

    /**
     * Once {@code work} completes, answers on the exchange's IO thread: {@code answer} with its result, or
     * {@code errors} with its failure. Dispatches the exchange, so it outlives the handler that calls this.
     */
    static <T> void whenDone(HttpServerExchange exchange, CompletableFuture<T> work, ErrorResponder errors, Consumer<T> answer) {
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> work.whenComplete((result, error) -> answer(exchange, () -> {
            if (error != null) {
                errors.fail(exchange, error);
            } else {
                answer.accept(result);
            }
        })));
    }

    static void answer(HttpServerExchange exchange, Runnable answer) {
        if (exchange.isInIoThread()) {
            answer.run();
        } else {
            exchange.getIoThread().execute(answer);
        }
    }
}
