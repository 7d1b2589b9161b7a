package io.sightline.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One publisher's WebRTC session, created by a {@link PublishTransport}. Signaling keeps it under a URL, applies the
 * publisher's trickled candidates and ICE restarts to it, and closes it on DELETE.
 *
 * @since 1.1
 */
@ConsumerType
public interface PublisherSession {
    /** An id unique on this server, safe to use in a URL (not guessable). */
    String id();

    /** The stream this session feeds. */
    String streamName();

    /** The SDP answer to the publisher's offer. */
    String answerSdp();

    /** The publisher's address as seen by signaling. */
    String remoteAddress();

    /** Connection state for listings: {@code new}, {@code connected}, {@code closed: <why>}. */
    String state();

    /**
     * Applies trickled remote candidates from an {@code application/trickle-ice-sdpfrag} body (RFC 8840).
     *
     * @throws IllegalArgumentException when the fragment is malformed
     */
    void addRemoteCandidates(String sdpFragment);

    /**
     * Restarts ICE with the publisher's new credentials from the fragment.
     *
     * @return a fragment with the server's new {@code ice-ufrag}/{@code ice-pwd} and candidates
     * @throws IllegalArgumentException when the fragment is malformed
     */
    String restartIce(String sdpFragment);

    /** Calls {@code listener} once when the session ends for any reason; at once if it already has. */
    void onClosed(Runnable listener);

    /** Ends the session (the stream then waits for its publisher to come back); idempotent. */
    void close();
}
