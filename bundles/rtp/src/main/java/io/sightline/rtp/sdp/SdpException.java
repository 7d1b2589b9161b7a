package io.sightline.rtp.sdp;

/** An SDP document or fragment is malformed or lacks what WebRTC requires; the message says where and what. */
public final class SdpException extends Exception {
    private static final long serialVersionUID = 1L;

    public SdpException(String message) {
        super(message);
    }
}
