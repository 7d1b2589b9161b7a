// Reads the Sightline test pattern's timecode strip from a decoded video picture (format: docs/timecode.md).
// Same rule as the Java io.sightline.source.testpattern.timecode.TimecodeReader, on full-range RGBA pixels.

const CELLS = 64;
const VALUE_BITS = 48;
const START = [1, 0, 1, 0];
const STOP = [0, 1, 0, 1];
const VALUE_CELL = START.length;
const CRC_CELL = VALUE_CELL + VALUE_BITS;
const STOP_CELL = CRC_CELL + 8;
/** A cell whose average luma (0..255) is at least this reads as 1: mid-grey. */
const THRESHOLD = 128;

/** CRC-8/I-432-1 (poly 0x07, init 0, not reflected, xorout 0x55) of the value's six bytes, big-endian. */
export function crc8(value) {
  let crc = 0;
  for (let i = VALUE_BITS / 8 - 1; i >= 0; i--) {
    crc ^= Math.floor(value / 2 ** (8 * i)) % 256;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
    }
  }
  return crc ^ 0x55;
}

/**
 * Reads the timecode from an ImageData (or any {data: RGBA bytes, width, height}) holding a decoded picture.
 * options.frameHeight: the height of the whole picture when imageData holds only its top rows (at least
 * frameHeight / 20 of them), which lets a caller copy just the strip out of the canvas.
 * Returns the capture time in epoch milliseconds (modulo 2^48), or null when no valid strip is found.
 */
export function readTimecode(imageData, options = {}) {
  const { data, width } = imageData;
  const height = options.frameHeight || imageData.height;
  if (width < CELLS || height < 1) {
    return null;
  }
  const y0 = Math.floor(height / 80);
  const y1 = Math.max(y0 + 1, Math.floor((3 * height) / 80));
  if (y1 > imageData.height) {
    return null;
  }
  let value = 0;
  let crc = 0;
  for (let cell = 0; cell < CELLS; cell++) {
    const x0 = Math.floor(((4 * cell + 1) * width) / 256);
    const x1 = Math.max(x0 + 1, Math.floor(((4 * cell + 3) * width) / 256));
    const bit = averageLuma(data, width, x0, x1, y0, y1) >= THRESHOLD ? 1 : 0;
    if (cell < VALUE_CELL) {
      if (bit !== START[cell]) return null;
    } else if (cell < CRC_CELL) {
      value = value * 2 + bit; // not <<: JavaScript bit operators are 32-bit
    } else if (cell < STOP_CELL) {
      crc = (crc << 1) | bit;
    } else if (bit !== STOP[cell - STOP_CELL]) {
      return null;
    }
  }
  return crc === crc8(value) ? value : null;
}

function averageLuma(data, width, x0, x1, y0, y1) {
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * width + x) * 4;
      // BT.601 luma weights on the full-range RGB the browser decoded the picture to.
      sum += 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
    }
  }
  return Math.round(sum / ((x1 - x0) * (y1 - y0)));
}

/**
 * Reads the timecode of every picture a <video> element presents and calls onReading({captureMillis,
 * displayMillis, receiveMillis, latencyMillis, serverMillis, presentedFrames}) for each one that carries a valid
 * strip (times in epoch ms). latencyMillis is glass-to-glass (display time minus capture time); serverMillis is
 * capture to the arrival of the frame's last packet (null where the browser does not report receiveTime). Both
 * are meaningful when the server's and the browser's clocks agree. Returns a function that stops it.
 * Needs requestVideoFrameCallback (Chromium, Safari, Firefox 132+).
 */
export function watchTimecode(video, onReading) {
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  let handle = 0;
  let stopped = false;
  const onFrame = (now, metadata) => {
    if (stopped) return;
    if (!metadata.width || !metadata.height) {
      handle = video.requestVideoFrameCallback(onFrame);
      return;
    }
    const width = Math.min(metadata.width, 640);
    const frameHeight = Math.round((metadata.height * width) / metadata.width);
    const stripRows = Math.ceil(frameHeight / 20);
    if (canvas.width !== width || canvas.height !== stripRows) {
      canvas.width = width;
      canvas.height = stripRows;
    }
    // Draw the whole picture scaled; the canvas keeps only its top strip.
    context.drawImage(video, 0, 0, width, frameHeight);
    const captureMillis = readTimecode(context.getImageData(0, 0, width, stripRows), { frameHeight });
    if (captureMillis !== null) {
      // The server stamps its wall clock (CLOCK_REALTIME), which is what Date.now() reads. performance.timeOrigin
      // plus a performance timestamp can be several ms off it (Chromium maps its monotonic clock to wall time
      // once per process), so map the frame's performance timestamps through Date.now() read now; the +0.5
      // centres Date.now()'s whole-millisecond truncation.
      const wallOffset = Date.now() + 0.5 - performance.now();
      // Shown no earlier than handed to the compositor: headless Chromium's expectedDisplayTime follows a
      // synthetic begin-frame clock and can precede presentationTime (and even the frame's arrival).
      const displayMillis = wallOffset + Math.max(metadata.expectedDisplayTime ?? now, metadata.presentationTime ?? 0);
      // receiveTime (WebRTC only): when the frame's last packet arrived, so capture -> receive is the sender's
      // share (render, encode, packetize, pacing, network) and receive -> display the browser's.
      const receiveMillis = metadata.receiveTime ? wallOffset + metadata.receiveTime : null;
      onReading({
        captureMillis,
        displayMillis,
        receiveMillis,
        latencyMillis: displayMillis - captureMillis,
        serverMillis: receiveMillis === null ? null : receiveMillis - captureMillis,
        presentedFrames: metadata.presentedFrames ?? null,
      });
    }
    handle = video.requestVideoFrameCallback(onFrame);
  };
  handle = video.requestVideoFrameCallback(onFrame);
  return () => {
    stopped = true;
    video.cancelVideoFrameCallback(handle);
  };
}
