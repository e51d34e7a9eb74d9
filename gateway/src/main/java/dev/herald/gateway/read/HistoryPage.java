package dev.herald.gateway.read;

import dev.herald.gateway.dispatch.SharedFrame;
import java.util.List;

/**
 * One page of a topic history, encoded once and shared by every connection that replays it.
 *
 * @param full true if the page holds a whole page size of events: nothing will be added to it
 */
public record HistoryPage(List<SharedFrame> frames, boolean full) {
    long bytes() {
        long n = 0;
        for (SharedFrame f : frames) {
            n += f.size();
        }
        return n;
    }
}
