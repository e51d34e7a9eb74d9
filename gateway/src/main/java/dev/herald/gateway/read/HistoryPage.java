package dev.herald.gateway.read;

import dev.herald.gateway.dispatch.SharedFrame;
import java.util.List;

/**
 * One page of a topic history, encoded once and shared by every connection that replays it.
 *
 * @param full        true if the page holds a whole page size of events: nothing will be added to it
 * @param followsStart true if the history still held the entry the page was read after when it was read, so
 *                    the page starts right after it: nothing between was trimmed. False when that entry was
 *                    gone (trimmed, or never an entry of this history, such as a resume point of another topic)
 */
public record HistoryPage(List<SharedFrame> frames, boolean full, boolean followsStart) {
    long bytes() {
        long n = 0;
        for (SharedFrame f : frames) {
            n += f.size();
        }
        return n;
    }
}
