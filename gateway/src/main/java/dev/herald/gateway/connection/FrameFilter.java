package dev.herald.gateway.connection;

import dev.herald.gateway.dispatch.SharedFrame;

/**
 * Which event frames of its topics a stream sends (a Mercure stream: those its selectors and token allow).
 * Called on the stream's IO thread, live and in replay alike, after the frame has moved the stream's position.
 */
@FunctionalInterface
public interface FrameFilter {
    FrameFilter ALL = frame -> true;

    boolean accepts(SharedFrame frame);
}
