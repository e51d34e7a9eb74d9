import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.StatusCodes;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Undertow's own ceiling for the shape of a single-event publish, for publish-ceiling.sh: two IO threads read
 * the JSON body and answer 201 with a small JSON body, doing nothing else. With {@code hop}, each answer is
 * sent only after a round trip through another thread and back to the IO thread, as it is when a Redis
 * client's event loop completes the write. Run as a source file: {@code java -cp publisher.jar
 * EmptyPublishServer.java PORT [hop]}.
 */
public class EmptyPublishServer {
    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        boolean hop = args.length > 1 && args[1].equals("hop");
        ExecutorService other = Executors.newSingleThreadExecutor();
        Undertow.builder().setIoThreads(2).setWorkerThreads(1).addHttpListener(port, "127.0.0.1")
                .setHandler(exchange -> exchange.getRequestReceiver().receiveFullBytes((e, body) -> {
                    if (!hop) {
                        answer(e);
                        return;
                    }
                    e.dispatch(SameThreadExecutor.INSTANCE, () -> other.execute(() -> e.getIoThread().execute(() -> answer(e))));
                }))
                .build().start();
    }

    private static void answer(HttpServerExchange exchange) {
        exchange.setStatusCode(StatusCodes.CREATED);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send("{\"id\":\"1700000000000-0\",\"duplicate\":false}");
    }
}
