'use strict';
// A real 2 Mbit/s 720p30 H.264 clip for the load benchmark, made once with Debian's ffmpeg (libx264) and cached, and
// the stream definition that plays it looped and passed through (no decoding) with Sightline's `file` source.
//
// Why this clip: the demo test pattern compresses to ~470 kbit/s however high its bitrate target, so it does not
// load the SFU like a real camera. Temporal noise over testsrc2 makes every frame expensive (at CRF 23 x264 wants
// ~4 Mbit/s for it), so a CBR 2000 kbit/s encode really spends its 2 Mbit/s.
//
// CLI: node media.js [DIR] [KBPS]   makes (or finds) the clip and prints its path and ffprobe figures.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const DEFAULT_DIR = path.join(os.tmpdir(), 'sightline-bench-media');

function clipPath(dir, kbps) {
  return path.join(dir, `noise-1280x720p30-cbp-${kbps}k-gop60-60s.mp4`);
}

/** Returns the clip's path, encoding it first unless a valid one is cached in dir. */
function ensureClip(dir = DEFAULT_DIR, kbps = 2000) {
  fs.mkdirSync(dir, { recursive: true });
  const file = clipPath(dir, kbps);
  if (fs.existsSync(file) && probe(file).frames === 1800) {
    return file;
  }
  const tmp = file + '.part.mp4';
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30,noise=alls=10:allf=t+u', '-t', '60',
    '-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p',
    '-b:v', `${kbps}k`, '-minrate', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`,
    '-x264-params', 'nal-hrd=cbr:force-cfr=1', // constant rate, like a camera set to CBR
    '-g', '60', '-keyint_min', '60', '-sc_threshold', '0', '-bf', '0', // 2 s GOP, no B-frames: passthrough
    '-an', '-movflags', '+faststart', tmp,
  ], { stdio: 'inherit' });
  fs.renameSync(tmp, file);
  return file;
}

/** ffprobe figures of the clip's video stream: profile, size, rate, B-frames, frames, kbit/s, keyframes. */
function probe(file) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'stream=profile,width,height,r_frame_rate,has_b_frames,nb_frames:format=bit_rate,duration',
    '-of', 'json', file], { encoding: 'utf8' });
  const j = JSON.parse(out);
  const s = j.streams[0] || {};
  const keyframes = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries',
    'packet=flags', '-of', 'csv=p=0', file], { encoding: 'utf8' }).split('\n').filter((f) => f.startsWith('K')).length;
  return {
    profile: s.profile, width: s.width, height: s.height, rate: s.r_frame_rate, bFrames: s.has_b_frames,
    frames: Number(s.nb_frames), kbps: Math.round(Number(j.format.bit_rate) / 1000),
    duration: Number(j.format.duration), keyframes,
  };
}

/** The stream definition (etc/io.sightline.stream-NAME.cfg) that loops the clip, H.264 passed through. */
function streamConfig(file) {
  return passthroughStream('# Written by benchmarks/load: a 2 Mbit/s 720p30 H.264 clip, looped at real time and passed through.',
    ['source.type = file', `source.url = ${file}`, 'source.loop = true']);
}

/** A stream definition for a benchmark: `source` lines, passed through, always on, SFU, public from loopback. */
function passthroughStream(comment, source) {
  return [comment, ...source, 'source.passthrough = auto', 'mode = always-on', 'transport.mode = sfu',
    'access = public', 'access.public.from = 127.0.0.1/8, ::1', ''].join('\n');
}

module.exports = { ensureClip, probe, streamConfig, passthroughStream, DEFAULT_DIR };

if (require.main === module) {
  const file = ensureClip(process.argv[2] || DEFAULT_DIR, Number(process.argv[3] || 2000));
  console.log(file);
  console.log(JSON.stringify(probe(file)));
}
