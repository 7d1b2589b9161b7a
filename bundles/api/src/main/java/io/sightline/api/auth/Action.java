package io.sightline.api.auth;

/** What a caller wants to do with a stream. */
public enum Action {
    /** Watch the stream (WHEP, the player). */
    READ,
    /** Send media into the stream (WHIP). */
    PUBLISH,
    /** Change configuration, list streams and sessions, create share links. */
    ADMIN
}
