'use strict';
// RFC 6184 depacketizer for the interop clients: single NAL units, STAP-A and FU-A. It records which NAL unit types
// arrived complete, the SPS's profile bytes and the IDR size, and when the first whole keyframe (SPS + PPS + IDR,
// ending on a marker bit) was there. It takes the RTP payload after SRTP decryption, so a keyframe here proves the
// client decrypted and reassembled real H.264.

class H264Depacketizer {
  constructor() {
    this.nalTypes = new Set();
    this.stapA = 0;
    this.fuA = 0;
    this.single = 0;
    this.idrBytes = 0;
    this.errors = [];
    this.sps = null;
    this.keyframeAt = 0;
    this.fu = null;
  }

  /** One RTP packet: its sequence number, marker bit and payload (a Buffer). */
  push(seq, marker, payload) {
    const p = payload;
    if (p.length === 0) {
      return;
    }
    const type = p[0] & 0x1f;
    if (type >= 1 && type <= 23) {
      this.single++;
      this.nal(type, p);
    } else if (type === 24) {
      this.stapA++;
      for (let i = 1; i + 2 <= p.length;) {
        const size = p.readUInt16BE(i);
        if (size === 0 || i + 2 + size > p.length) {
          this.errors.push('bad STAP-A size at seq ' + seq);
          break;
        }
        this.nal(p[i + 2] & 0x1f, p.subarray(i + 2, i + 2 + size));
        i += 2 + size;
      }
    } else if (type === 28) {
      this.fuA++;
      const start = (p[1] & 0x80) !== 0;
      const last = (p[1] & 0x40) !== 0;
      if (start) {
        this.fu = { type: p[1] & 0x1f, header: (p[0] & 0xe0) | (p[1] & 0x1f), parts: [p.subarray(2)], next: (seq + 1) & 0xffff };
      } else if (this.fu && seq === this.fu.next) {
        this.fu.parts.push(p.subarray(2));
        this.fu.next = (seq + 1) & 0xffff;
      } else {
        this.fu = null; // a gap: this fragmented NAL unit is incomplete
      }
      if (this.fu && last) {
        this.nal(this.fu.type, Buffer.concat([Buffer.from([this.fu.header]), ...this.fu.parts]));
        this.fu = null;
      }
    } else {
      this.errors.push('unexpected NAL type ' + type + ' at seq ' + seq);
    }
    if (!this.keyframeAt && marker && this.nalTypes.has(5) && this.nalTypes.has(7) && this.nalTypes.has(8)) {
      this.keyframeAt = performance.now();
    }
  }

  nal(type, bytes) {
    this.nalTypes.add(type);
    if (type === 7 && !this.sps) {
      this.sps = Buffer.from(bytes.subarray(0, 4)).toString('hex'); // NAL header, profile, constraints, level
    }
    if (type === 5) {
      this.idrBytes += bytes.length;
    }
  }

  summary() {
    return {
      nalTypes: [...this.nalTypes].sort((a, b) => a - b),
      stapA: this.stapA,
      fuA: this.fuA,
      singleNal: this.single,
      idrBytes: this.idrBytes,
      sps: this.sps,
      errors: this.errors.slice(0, 5),
    };
  }
}

module.exports = { H264Depacketizer };
