package io.sightline.api.transport;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One viewer's WebRTC session, created by a {@link TransportStrategy}. Signaling keeps it under a URL, applies the
 * viewer's trickled candidates and ICE restarts to it, and closes it on DELETE.
 */
@ConsumerType
public interface ViewerSession {
    /** An id unique on this server, safe to use in a URL (not guessable). */
    String id();

    /** The stream this session shows. */
    String streamName();

    /** {@code sfu} or {@code p2p}. */
    String transportMode();

    /** The SDP answer to the viewer's offer. */
    String answerSdp();

    /** The viewer's address as seen by signaling. */
    String remoteAddress();

    /** Wall-clock creation time, epoch milliseconds. */
    long createdMillis();

    /** Connection state for listings: {@code new}, {@code connected}, {@code closed}... */
    String state();

    /**
     * Applies trickled remote candidates from an {@code application/trickle-ice-sdpfrag} body (RFC 8840).
     * Candidates this session cannot use are ignored.
     *
     * @throws IllegalArgumentException when the fragment is malformed
     */
    void addRemoteCandidates(String sdpFragment);

    /**
     * Restarts ICE with the viewer's new credentials from the fragment.
     *
     * @return a fragment with the server's new {@code ice-ufrag}/{@code ice-pwd} and candidates
     * @throws IllegalArgumentException when the fragment is malformed
     * @throws UnsupportedOperationException when this transport cannot restart ICE
     */
    String restartIce(String sdpFragment);

    /** Live measurements. */
    ViewerStats stats();

    /**
     * Calls {@code listener} once when the session ends for any reason (DELETE, consent timeout, DTLS close, stream
     * removed, shutdown); at once if it already has.
     */
    void onClosed(Runnable listener);

    /** Ends the session and frees everything it holds; idempotent. */
    void close();
}
