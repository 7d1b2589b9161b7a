package io.sightline.api.stream;

/** The life cycle of a stream, as operators see it in health, the shell and the player. */
public enum StreamState {
    /** Defined, but no source is running: an on-demand stream with no viewers. */
    IDLE,
    /** The source is being opened; no media yet. */
    STARTING,
    /** Media is flowing. */
    LIVE,
    /** The source dropped and is being reopened with backoff; viewers stay connected and resume when it is back. */
    RECONNECTING,
    /** The stream cannot run (bad configuration, or no plugin for its source type); see the status detail. */
    FAILED,
    /**
     * An operator stopped the stream ({@code enabled = false} in its configuration): it stays defined, its source is
     * closed, its viewers are disconnected and new viewers are refused until it is started again.
     */
    STOPPED
}
