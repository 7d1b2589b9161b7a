// Receive-side measurements from RTCPeerConnection.getStats(): per-second rates from the difference between two
// samples, plus the totals the browser counts. Every figure is null until the browser reports it.

export class StatsMeter {
  #previous = null; // { at, bytes, lost, received, jbDelay, jbEmitted, decodeTime, decoded }

  /** Samples a peer connection; returns the figures of the video it receives. */
  async sample(pc) {
    const report = await pc.getStats();
    const video = find(report, (s) => s.type === 'inbound-rtp' && s.kind === 'video');
    const pair = selectedPair(report);
    const now = performance.now();
    const figures = {
      width: video?.frameWidth ?? null,
      height: video?.frameHeight ?? null,
      fps: video?.framesPerSecond ?? null,
      framesDecoded: video?.framesDecoded ?? 0,
      framesDropped: video?.framesDropped ?? 0,
      keyFramesDecoded: video?.keyFramesDecoded ?? null,
      packetsLost: video?.packetsLost ?? 0,
      packetsReceived: video?.packetsReceived ?? 0,
      // Chromium's count of pictures shown more than max(3 x the average frame time, average + 150 ms) after the one
      // before, and their total time (the WebRTC stats spec's freezes); null where the browser has none.
      freezeCount: video?.freezeCount ?? null,
      freezesMs: video?.totalFreezesDuration != null ? video.totalFreezesDuration * 1000 : null,
      // What the viewer asked the sender for: keyframes (PLI) and retransmissions (NACK), counted since the start.
      pliCount: video?.pliCount ?? null,
      nackCount: video?.nackCount ?? null,
      codec: codecOf(report, video),
      bitrateKbps: null,
      packetLossPct: null,
      jitterBufferMs: null,
      decodeMs: null,
      rttMs: pair?.currentRoundTripTime != null ? pair.currentRoundTripTime * 1000 : null,
      localCandidate: candidateAddress(report, pair?.localCandidateId),
      remoteCandidate: candidateAddress(report, pair?.remoteCandidateId),
    };
    if (video) {
      const current = {
        at: now,
        bytes: video.bytesReceived ?? 0,
        lost: video.packetsLost ?? 0,
        received: video.packetsReceived ?? 0,
        jbDelay: video.jitterBufferDelay ?? 0,
        jbEmitted: video.jitterBufferEmittedCount ?? 0,
        decodeTime: video.totalDecodeTime ?? 0,
        decoded: video.framesDecoded ?? 0,
      };
      const before = this.#previous;
      if (before && current.at > before.at && current.bytes >= before.bytes) {
        const seconds = (current.at - before.at) / 1000;
        figures.bitrateKbps = ((current.bytes - before.bytes) * 8) / 1000 / seconds;
        const lost = current.lost - before.lost;
        const arrived = current.received - before.received;
        figures.packetLossPct = lost + arrived > 0 ? (100 * Math.max(0, lost)) / (lost + arrived) : 0;
        if (figures.fps == null) figures.fps = (current.decoded - before.decoded) / seconds;
      }
      // Averages over the last interval when it had frames, else over the whole session.
      const recent = before && current.jbEmitted > before.jbEmitted;
      figures.jitterBufferMs = ratio(
        current.jbDelay - (recent ? before.jbDelay : 0), current.jbEmitted - (recent ? before.jbEmitted : 0));
      const decodedRecently = before && current.decoded > before.decoded;
      figures.decodeMs = ratio(
        current.decodeTime - (decodedRecently ? before.decodeTime : 0),
        current.decoded - (decodedRecently ? before.decoded : 0));
      this.#previous = current;
    }
    return figures;
  }

  /** Forget the previous sample (a new peer connection starts its counters from zero). */
  reset() {
    this.#previous = null;
  }
}

/** seconds / count, as milliseconds per item, or null without items. */
function ratio(seconds, count) {
  return count > 0 ? (seconds * 1000) / count : null;
}

function find(report, predicate) {
  for (const stats of report.values()) if (predicate(stats)) return stats;
  return null;
}

function selectedPair(report) {
  const transport = find(report, (s) => s.type === 'transport' && s.selectedCandidatePairId);
  if (transport) return report.get(transport.selectedCandidatePairId) ?? null;
  return find(report, (s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
}

function codecOf(report, video) {
  const codec = video?.codecId ? report.get(video.codecId) : null;
  if (!codec) return null;
  const profile = /profile-level-id=([0-9a-fA-F]{6})/.exec(codec.sdpFmtpLine || '');
  return codec.mimeType.replace(/^video\//, '') + (profile ? ` ${profile[1]}` : '');
}

function candidateAddress(report, id) {
  const candidate = id ? report.get(id) : null;
  if (!candidate) return null;
  return `${candidate.address ?? candidate.ip}:${candidate.port} ${candidate.protocol} ${candidate.candidateType}`;
}
