package dev.herald.gateway.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * The live frames one tailer read delivers to the subscribers of one IO thread: run there as a single
 * task, so a batch costs one task per IO thread, not one per connection per event. Every frame is
 * offered first and each touched connection is then flushed once, so its frames leave in one
 * gathering write.
 */
final class LiveBatch implements Runnable {
    private final List<Subscriber> subscribers = new ArrayList<>(256);
    private final List<SharedFrame> frames = new ArrayList<>(256);

    void add(Subscriber subscriber, SharedFrame frame) {
        subscribers.add(subscriber);
        frames.add(frame);
    }

    @Override
    public void run() {
        List<Subscriber> dirty = new ArrayList<>();
        for (int i = 0; i < subscribers.size(); i++) {
            Subscriber s = subscribers.get(i);
            if (s.offer(frames.get(i))) {
                dirty.add(s);
            }
        }
        for (Subscriber s : dirty) {
            s.flush();
        }
    }
}
