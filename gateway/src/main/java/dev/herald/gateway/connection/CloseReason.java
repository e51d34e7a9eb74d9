package dev.herald.gateway.connection;

import java.util.Locale;

/** Why a stream ended; the metric tag is the lower-case name. */
public enum CloseReason {
    /** Shed: queuing the next frame would pass the pending-bytes bound. */
    PENDING_BYTES(true),
    /** Shed: the socket accepted nothing for longer than allowed. */
    UNWRITABLE(true),
    /** Shed: the gateway was behind on delivery by more than its budget; the client resumes elsewhere. */
    OVERLOAD(true),
    /** The client went away (seen as a closed connection). */
    CLIENT_CLOSED(false),
    /** Writing to the socket failed. */
    WRITE_ERROR(false),
    /** The stream's token expired: closed after a herald.token-expired event; the client resumes with a new token. */
    TOKEN_EXPIRED(false),
    /** A disconnect request named its token's subject or ID, or one of its topics: closed after a herald.revoked event. */
    REVOKED(false),
    /** Closed with a retry hint while the gateway drains, so the client reconnects to another gateway. */
    DRAINED(false),
    /** The gateway is stopping. */
    SHUTDOWN(false);

    private final boolean shed;

    CloseReason(boolean shed) {
        this.shed = shed;
    }

    /** True for the reasons that shed a slow client. */
    public boolean isShed() {
        return shed;
    }

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
