package dev.herald.gateway.dispatch;

/** Where the dispatcher posts live batches: one IO loop. {@link #post} is called from tailer threads. */
public interface BatchSink {
    /** Takes a batch; it is delivered later, on the loop's own thread, in the order posted. */
    void post(LiveBatch batch);

    /** False while more than the loop's bound of posted bytes waits to be delivered. */
    boolean hasRoom();
}
