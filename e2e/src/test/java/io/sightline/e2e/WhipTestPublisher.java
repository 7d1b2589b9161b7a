package io.sightline.e2e;

import java.util.Map;

/**
 * A minimal WHIP client run in a headless Chromium page (fake camera and microphone): gather, offer, POST to
 * {@code /whip/<stream>} with a publish token, apply the answer. Its state and encoder figures are in
 * {@code window.pub} / {@code window.pubPc}, read back with {@link #published(HeadlessChromium)}; its senders and
 * tracks in {@code window.pubSenders} (a test silences the publisher with {@code replaceTrack(null)}).
 */
final class WhipTestPublisher {
    /**
     * Arguments: the publish token, the stream name, optionally 'vp8', 'vp9' or 'av1' to offer that video codec only
     * (VP9 and AV1 of profile 0; the state is 'no codec ...' when the browser cannot send it), and optionally
     * 'simulcast' to send 1280x720 as three simulcast layers (rids l, m, h at a quarter, half and full size, sizes
     * kept under CPU pressure: frame rate is shed instead).
     */
    static final String PUBLISH = String.join("\n",
            "const token = arguments[0], stream = arguments[1];",
            "const only = ['vp8', 'vp9', 'av1'].includes(arguments[2]) ? 'video/' + arguments[2] : null;",
            "const simulcast = arguments[3] === 'simulcast';",
            "window.pub = {state: 'starting'};",
            "(async () => {",
            "  const media = await navigator.mediaDevices.getUserMedia({video: simulcast",
            "      ? {width: 1280, height: 720, frameRate: 30} : {width: 640, height: 360, frameRate: 30}, audio: true});",
            "  const pc = new RTCPeerConnection();",
            "  window.pubPc = pc;",
            "  window.pubSenders = [];",
            "  for (const t of media.getTracks()) {",
            "    const init = {direction: 'sendonly', streams: [media]};",
            "    if (simulcast && t.kind === 'video') init.sendEncodings = [{rid: 'l', scaleResolutionDownBy: 4},",
            "        {rid: 'm', scaleResolutionDownBy: 2}, {rid: 'h'}];",
            "    const tr = pc.addTransceiver(t, init);",
            "    if (simulcast && t.kind === 'video') {",
            "      const p = tr.sender.getParameters(); p.degradationPreference = 'maintain-resolution';",
            "      try { await tr.sender.setParameters(p); } catch (e) { window.pub.parameters = String(e); }",
            "    }",
            "    window.pubSenders.push({sender: tr.sender, track: t});",
            "    if (only && t.kind === 'video') {",
            "      const codecs = RTCRtpSender.getCapabilities('video').codecs.filter(c => c.mimeType.toLowerCase() === only",
            "          && !/profile(-id)?=[1-9]/.test(c.sdpFmtpLine || ''));",
            "      if (codecs.length === 0) throw new Error('no codec ' + only);",
            "      tr.setCodecPreferences(codecs);",
            "    }",
            "  }",
            "  await pc.setLocalDescription(await pc.createOffer());",
            "  await new Promise(done => {",
            "    if (pc.iceGatheringState === 'complete') { done(); return; }",
            "    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());",
            "    setTimeout(done, 3000);",
            "  });",
            "  const r = await fetch('/whip/' + stream, {method: 'POST', body: pc.localDescription.sdp,",
            "      headers: {'Content-Type': 'application/sdp', 'Authorization': 'Bearer ' + token}});",
            "  window.pub.status = r.status;",
            "  window.pub.location = r.headers.get('Location');",
            "  const answer = await r.text();",
            "  if (r.status !== 201) { window.pub.state = 'refused ' + r.status + ': ' + answer; return; }",
            "  pc.addEventListener('connectionstatechange', () => window.pub.state = pc.connectionState);",
            "  await pc.setRemoteDescription({type: 'answer', sdp: answer});",
            "  window.pub.state = pc.connectionState;",
            "})().catch(e => window.pub.state = 'error ' + e);");
    private static final String PUBLISHED = String.join("\n",
            "const pc = window.pubPc; if (!pc || !window.pub) return window.pub || null;",
            "const out = {state: window.pub.state, status: window.pub.status, layers: {}};",
            "return pc.getStats().then(stats => { stats.forEach(s => {",
            "  if (s.type === 'outbound-rtp' && s.kind === 'video') { out.framesEncoded = s.framesEncoded;",
            "    out.codecId = s.codecId;",
            "    out.codec = s.encoderImplementation; out.nackCount = s.nackCount; out.pliCount = s.pliCount;",
            "    out.packetsSent = s.packetsSent;",
            "    if (s.rid) out.layers[s.rid] = {width: s.frameWidth || 0, height: s.frameHeight || 0,",
            "        framesEncoded: s.framesEncoded || 0, active: s.active, limitation: s.qualityLimitationReason}; }",
            "}); const c = out.codecId && stats.get(out.codecId); if (c) out.mimeType = c.mimeType; return out; });");

    private WhipTestPublisher() {
    }

    /** The publisher page's state ({@code connected} ...), HTTP status, frames encoded, encoder, NACKs and PLIs. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> published(HeadlessChromium publisher) {
        return (Map<String, Object>) publisher.script(PUBLISHED);
    }
}
