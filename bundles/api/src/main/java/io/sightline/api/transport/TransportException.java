package io.sightline.api.transport;

/** Why a transport cannot serve a request; signaling maps each {@link Reason} to an HTTP status. */
public final class TransportException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal, each with the HTTP status signaling answers. */
    public enum Reason {
        /** The offer is not valid SDP or lacks what WebRTC requires (400). */
        MALFORMED_OFFER(400),
        /** The offer is valid but cannot be satisfied: no common codec, too many tracks, unsupported DTLS role (406). */
        NOT_ACCEPTABLE(406),
        /** The stream has no live source right now; retry later (409 + Retry-After). */
        STREAM_NOT_LIVE(409),
        /**
         * A publisher may not send into the stream now: it already has one (and does not let a new one take over), or
         * it is not fed by publishers at all (409).
         *
         * @since 1.1
         */
        PUBLISH_CONFLICT(409),
        /** The transport is at capacity; retry later (503 + Retry-After). */
        AT_CAPACITY(503);

        private final int httpStatus;

        Reason(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        /** The HTTP status signaling answers with. */
        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Reason reason;

    /** A refusal with a message for the caller and the log. */
    public TransportException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** The kind of refusal. */
    public Reason reason() {
        return reason;
    }
}
