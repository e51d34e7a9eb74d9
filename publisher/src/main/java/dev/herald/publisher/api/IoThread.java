package dev.herald.publisher.api;

import io.undertow.server.HttpServerExchange;

/**
 * Runs an answer on the exchange's IO thread, not on the Redis client's thread that completed the work.
 * An exchange that ends on another thread makes Undertow hand the connection back to the IO thread under
 * a spin lock, and the IO thread, woken by the client's next request, spins until it is released: on a
 * two-core machine that spin was half of the publisher's CPU.
 */
final class IoThread {
    private IoThread() {
    }

    static void answer(HttpServerExchange exchange, Runnable answer) {
        if (exchange.isInIoThread()) {
            answer.run();
        } else {
            exchange.getIoThread().execute(answer);
        }
    }
}
