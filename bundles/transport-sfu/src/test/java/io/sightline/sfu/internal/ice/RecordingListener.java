package io.sightline.sfu.internal.ice;

import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;

/** Collects what the ICE server hands to a session. */
final class RecordingListener implements IceSessionListener {

    final BlockingQueue<byte[]> dtls = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> rtp = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> rtcp = new LinkedBlockingQueue<>();
    final BlockingQueue<IcePath> selected = new LinkedBlockingQueue<>();
    final CountDownLatch expired = new CountDownLatch(1);

    @Override
    public void onPathSelected(IceSession session, IcePath path) {
        selected.add(path);
    }

    @Override
    public void onDtls(IceSession session, ByteBuffer datagram) {
        dtls.add(copy(datagram));
    }

    @Override
    public void onRtp(IceSession session, ByteBuffer packet) {
        rtp.add(copy(packet));
    }

    @Override
    public void onRtcp(IceSession session, ByteBuffer packet) {
        rtcp.add(copy(packet));
    }

    @Override
    public void onConsentExpired(IceSession session) {
        expired.countDown();
    }

    private static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
