package io.sightline.api.transport;

/**
 * Live measurements of one publisher's session (WHIP), for listings such as {@code /api/sessions}.
 *
 * @param id              the session's id (the last segment of its WHIP session URL)
 * @param streamName      the stream it feeds
 * @param remoteAddress   the publisher's address as signaling saw it
 * @param createdMillis   when the session was created, epoch milliseconds
 * @param state           {@code new}, {@code connected}, {@code closed: <why>}
 * @param videoCodec      the negotiated video encoding ({@code H264}, {@code VP8}), or null without video
 * @param audioCodec      the negotiated audio encoding ({@code opus}), or null without audio
 * @param bitrateInBps    SRTP bytes received over the last second, as bits per second
 * @param packetsReceived RTP packets received and decrypted
 * @param bytesReceived   SRTP bytes received
 * @param packetsLost     video packets given up as lost after waiting for them (and their retransmission)
 * @param nacksSent       video packets asked for again with NACK
 * @param plisSent        keyframe requests (PLI) sent to the publisher
 * @since 1.3
 */
public record PublisherStats(String id, String streamName, String remoteAddress, long createdMillis, String state,
        String videoCodec, String audioCodec, long bitrateInBps, long packetsReceived, long bytesReceived,
        long packetsLost, long nacksSent, long plisSent) {
}
