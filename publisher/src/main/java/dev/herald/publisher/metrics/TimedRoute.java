package dev.herald.publisher.metrics;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/**
 * Wraps one route's handler and times its requests by answered status, from when Undertow started
 * reading the request to when the exchange ends (answer written or connection lost). Answers are
 * mostly completed later on a Redis thread, so the time is taken by a completion listener, not around
 * the handler call. The start is Undertow's own request start time, which the listener must record
 * ({@code UndertowOptions.RECORD_REQUEST_START_TIME}), and this one instance is every request's
 * listener, so timing allocates nothing per request.
 */
public final class TimedRoute implements HttpHandler, ExchangeCompletionListener {
    private final Route route;
    private final HttpHandler handler;
    private final PublisherMetrics metrics;

    public TimedRoute(Route route, HttpHandler handler, PublisherMetrics metrics) {
        this.route = route;
        this.handler = handler;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addExchangeCompleteListener(this);
        handler.handleRequest(exchange);
    }

    @Override
    public void exchangeEvent(HttpServerExchange exchange, NextListener next) {
        try {
            metrics.request(route, exchange.getStatusCode(), System.nanoTime() - exchange.getRequestStartTime());
        } finally {
            next.proceed();
        }
    }
}
