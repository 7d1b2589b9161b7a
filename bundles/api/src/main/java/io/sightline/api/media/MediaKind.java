package io.sightline.api.media;

/** Whether a track carries pictures or sound. */
public enum MediaKind {
    VIDEO,
    AUDIO;

    /** The SDP media type ({@code m=} line) for this kind. */
    public String sdpName() {
        return this == VIDEO ? "video" : "audio";
    }
}
