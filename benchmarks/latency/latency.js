// Glass-to-glass latency of Sightline's bundled player, read from the test pattern's timecode (docs/timecode.md)
// in Debian's headless Chromium (never a downloaded browser). Prints figures; it is a benchmark, not a test.
//
//   npm install
//   node latency.js                                  # starts ../../karaf-assembly/target/sightline-karaf-*.tar.gz
//   node latency.js --url http://127.0.0.1:8080 --streams 720p30=demo,360p30=my360   # attaches to a running server
//   node latency.js --duration 30m                   # drift mode: first-minute vs last-minute p50
//
// Options: --runs 5  --seconds 10 (measured window per run)  --warmup 2 (s after the first frame, not measured)
//          --players 1,4  --port-base 9300 (HTTP, then SSH, RMI x2, SFU UDP/TCP)  --dist <tar.gz>  --no-rig
//          --late 20-30 (also measure a later window, seconds after the first frame: lasting latency of the start)
//          --viewer-start gop-burst,wait,next-keyframe (SFU viewer.start per run, alternating; own server only)
//          --background 1 (players kept on the stream in another browser for the whole session, so the measured
//          player joins a watched stream mid-GOP; without them each run's player is the stream's first viewer and the
//          encoder, paused without viewers, restarts with a keyframe)  --join-spread 2000 (random 0..ms wait before
//          each run, to spread joins over the GOP)
//          --playout-delay 0,30,browser (compare the SFU's playout.delay: one on-demand 720p30 stream per value,
//          runs alternating; each run starts its stream afresh, so the frame clock's phase against the display's
//          refresh differs run to run, as it drifts for a real camera and screen; own server only)
//          --jitter 40 (media from the server to the players goes through a UDP relay in this process whose delay
//          jumps to a random 0..40 ms every 20 ms, packets kept in order: a jittery link; own server only)
//          --links lossless,loss=2+delay=20,loss=5+delay=40+jitter=10 (media both ways through the impairment relay
//          of ../impair, one link per condition, the same link each way; runs alternate the conditions; a table of
//          first frame, glass-to-glass, freezes and the receiver's NACK/PLI counts per condition; own server only)
//          (--url and --sfu-port PORT: the same against a running server; --seed N: the relay's first seed)
//          --samples FILE (append every measured picture's capture/display/receive times, one JSON line per run)
//          --camera whip (also rtsp,whip...): a headless Chromium draws the timecode strip into a canvas and publishes
//          canvas.captureStream() over WHIP to a whip stream (cam-whip); the JWT provider is booted with a bench secret
//          --publish-keyframe-seconds 1 (the whip stream's publish.keyframe.seconds; default: the server's, 2)
//          --trace-start (poll getStats every 20 ms until the first picture: when the first frame was received/decoded)
//
// Per run: a fresh browser opens N /play/<stream> pages at once; each page's player fires an 'sl-timecode' event
// per presented picture carrying the timecode (capture, receive and expected display time, all wall clock).
// Figures: time to first frame (WHEP POST -> first picture with a timecode); server share (capture -> the
// picture's last packet received, rVFC receiveTime); glass-to-glass (capture -> expectedDisplayTime); freezes
// (gaps > 200 ms between presented pictures); pictures never shown (gaps in the capture times) and the decoder's
// framesDropped. Each configuration runs --runs times; the table shows the median of the runs' figures.
// Jitter buffer: the video inbound-rtp jitterBufferDelay / jitterBufferEmittedCount over each measured window.
'use strict';
const { chromium } = require('playwright-core');
const impair = require('../impair/impair');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Several players in one browser: keep background pages rendering at full rate.
  '--disable-renderer-backgrounding', '--disable-background-timer-throttling', '--disable-backgrounding-occluded-windows'];
const FREEZE_MS = 200;
/** A picture held this long (three 60 Hz refreshes) is a visible hitch. */
const HITCH_MS = 50;
/** --jitter: the UDP relay every player's media goes through ({ address, port }), or null. */
let relay = null;
const FPS = 30;

const INSTRUMENT = ({ traceStart, relay }) => {
  window.__bench = { frames: [], whepAt: null, pcs: [], start: null };
  // Keep the player's peer connections so the benchmark can read the receiver's jitter buffer from getStats.
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new NativePc(...args);
    window.__bench.pcs.push(pc);
    if (traceStart) traceUntilFirstPicture(pc);
    return pc;
  };
  window.RTCPeerConnection.prototype = NativePc.prototype;
  Object.setPrototypeOf(window.RTCPeerConnection, NativePc);
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    const whepPost = init && init.method === 'POST' && String(input).includes('/whep/');
    if (!window.__bench.whepAt && whepPost) {
      window.__bench.whepAt = Date.now();
    }
    const response = originalFetch.apply(this, arguments);
    return relay && whepPost ? response.then(throughRelay) : response;
  };
  // --jitter: the answer's only candidate becomes the benchmark's UDP relay, so all media takes the jittery path.
  async function throughRelay(response) {
    if (response.status !== 201) return response;
    const lines = (await response.text()).split('\r\n').filter((l) => !l.startsWith('a=candidate:'));
    const at = lines.findIndex((l) => l.startsWith('a=ice-pwd:'));
    lines.splice(at + 1, 0, `a=candidate:1 1 udp 2130706431 ${relay.address} ${relay.port} typ host`);
    return new Response(lines.join('\r\n'), { status: response.status, headers: response.headers });
  }
  // --trace-start: every 20 ms until the first picture is shown, when the receiver had assembled (framesReceived)
  // and decoded its first frame, and how many frames it had decoded and dropped by the first picture.
  function traceUntilFirstPicture(pc) {
    const t = { received: null, decoded: null, atFirst: null };
    window.__bench.start = t;
    const poll = setInterval(async () => {
      let v = null;
      (await pc.getStats()).forEach((r) => { if (r.type === 'inbound-rtp' && r.kind === 'video') v = r; });
      if (!v || !window.__bench.whepAt) return;
      const since = Date.now() - window.__bench.whepAt;
      if (t.received === null && v.framesReceived > 0) t.received = since;
      if (t.decoded === null && v.framesDecoded > 0) t.decoded = since;
      if (window.__bench.frames.length > 0) {
        t.atFirst = { framesReceived: v.framesReceived, framesDecoded: v.framesDecoded, framesDropped: v.framesDropped };
        clearInterval(poll);
      }
    }, 20);
  }
  document.addEventListener('sl-timecode', (e) => {
    const d = e.detail;
    window.__bench.frames.push([d.captureMillis, d.displayMillis, d.receiveMillis]);
  });
};

// ---- options ------------------------------------------------------------------------------------------------

function options(argv) {
  const o = { runs: 5, seconds: 10, warmup: 2, players: [1, 4], portBase: 9300, rig: true, url: null, dist: null,
    streams: null, duration: 0, late: null, viewerStarts: null, traceStart: false, background: 0, joinSpread: 0,
    samples: null, playoutDelays: null, jitter: 0, camera: false, links: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--runs') o.runs = +next();
    else if (a === '--seconds') o.seconds = +next();
    else if (a === '--warmup') o.warmup = +next();
    else if (a === '--players') o.players = next().split(',').map(Number);
    else if (a === '--port-base') o.portBase = +next();
    else if (a === '--url') o.url = next().replace(/\/$/, '');
    else if (a === '--dist') o.dist = next();
    else if (a === '--streams') o.streams = Object.fromEntries(next().split(',').map((kv) => kv.split('=')));
    else if (a === '--no-rig') o.rig = false;
    else if (a === '--duration') o.duration = parseDuration(next());
    else if (a === '--late') o.late = next().split('-').map(Number);
    else if (a === '--viewer-start') o.viewerStarts = next().split(',');
    else if (a === '--trace-start') o.traceStart = true;
    else if (a === '--background') o.background = +next();
    else if (a === '--join-spread') o.joinSpread = +next();
    else if (a === '--samples') o.samples = next();
    else if (a === '--playout-delay') o.playoutDelays = next().split(',');
    else if (a === '--jitter') o.jitter = +next();
    else if (a === '--camera') o.camera = (argv[i + 1] && !argv[i + 1].startsWith('--') ? next() : 'rtsp').split(',');
    else if (a === '--links') o.links = next().split(',');
    else if (a === '--sfu-port') o.sfuPort = +next();
    else if (a === '--seed') o.seed = +next();
    else if (a === '--publish-keyframe-seconds') o.publishKeyframeSeconds = +next();
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!m) throw new Error(`bad duration ${text}`);
  return +m[1] * { s: 1, m: 60, h: 3600 }[m[2] || 's'];
}

// ---- the distribution ---------------------------------------------------------------------------------------

/**
 * A UDP relay on 127.0.0.2 for --jitter: one upstream socket per player towards the SFU's UDP port; packets from the
 * SFU wait the path's current delay (random 0..jitterMs, redrawn every 20 ms) before they go on, never overtaking
 * the one before (jitter without reordering).
 */
function startJitterRelay(sfuPort, jitterMs) {
  const dgram = require('dgram');
  const front = dgram.createSocket('udp4');
  const players = new Map();
  // The path's delay jumps to a new random value every 20 ms, so a frame's packets share a delay and frames differ.
  const PATH_CHANGE_MS = 20;
  const path = { delay: 0, changeAt: 0 };
  front.on('message', (message, from) => {
    const key = `${from.address}:${from.port}`;
    let player = players.get(key);
    if (!player) {
      const up = dgram.createSocket('udp4');
      player = { up, last: 0 };
      up.on('message', (back) => {
        const now = performance.now();
        if (now >= path.changeAt) {
          path.delay = Math.random() * jitterMs;
          path.changeAt = now + PATH_CHANGE_MS;
        }
        player.last = Math.max(player.last, now + path.delay);
        setTimeout(() => front.send(back, from.port, from.address), player.last - now);
      });
      up.bind(0, '127.0.0.1', () => up.unref());
      players.set(key, player);
    }
    player.up.send(message, sfuPort, '127.0.0.1');
  });
  return new Promise((resolve) => front.bind(0, '127.0.0.2', () => {
    front.unref();
    resolve({ address: '127.0.0.2', port: front.address().port });
  }));
}

/** Unpacks the distribution into a temp dir, moves every port into portBase.., defines the 360p stream, starts it. */
async function startDistribution(o) {
  const dist = o.dist || findDistribution();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-latency-'));
  execFileSync('tar', ['xzf', dist, '-C', home, '--strip-components=1']);
  const p = o.portBase;
  setKey(path.join(home, 'etc/org.apache.karaf.shell.cfg'), 'sshPort', p + 1);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiRegistryPort', p + 2);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiServerPort', p + 3);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'udp.port', p + 4);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'tcp.port', p + 5);
  fs.writeFileSync(path.join(home, 'etc/io.sightline.stream-bench360.cfg'), [
    '# The latency benchmark\'s 360p30 stream: the demo stream\'s settings at a quarter of the pixels.',
    'source.type = testpattern', 'source.width = 640', 'source.height = 360', 'source.fps = 30', 'mode = always-on',
    'transport.mode = sfu', 'access = public', 'video.codec = h264', 'video.bitrate.kbps = 800',
    'video.gop.frames = 60', ''].join('\n'));
  for (const delay of o.playoutDelays || []) {
    fs.writeFileSync(path.join(home, `etc/io.sightline.stream-${playoutStream(delay)}.cfg`), [
      '# The latency benchmark\'s playout delay comparison: the demo stream\'s settings, started by each run.',
      'source.type = testpattern', 'source.width = 1280', 'source.height = 720', 'source.fps = 30',
      'mode = on-demand', 'on.demand.close.after.seconds = 1', 'transport.mode = sfu', 'access = public',
      'video.codec = h264', 'video.bitrate.kbps = 2000', 'video.gop.frames = 60', `playout.delay = ${delay}`, ''].join('\n'));
  }
  const camera = o.camera ? await startCamera(home, p + 10, o.camera, o.publishKeyframeSeconds) : null;
  const log = fs.openSync(path.join(home, 'console.log'), 'w');
  const child = spawn(path.join(home, 'bin/karaf'), ['server'], {
    cwd: home, detached: true, stdio: ['ignore', log, log],
    env: { ...process.env, SIGHTLINE_HTTP_PORT: String(p), SIGHTLINE_BIND_ADDRESS: '127.0.0.1' },
  });
  const url = `http://127.0.0.1:${p}`;
  const sfuCfg = path.join(home, 'etc/io.sightline.transport.sfu.cfg');
  if (o.viewerStarts) setOrAddKey(sfuCfg, 'viewer.start', o.viewerStarts[0]);
  const stop = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    if (camera) camera.kill('SIGKILL');
  };
  process.on('exit', stop);
  const started = Date.now();
  while (!(await ok(`${url}/health`) && await ok(`${url}/play/demo`) && await whepKnows(url, 'bench360'))) {
    if (Date.now() - started > 120000) throw new Error(`no healthy server at ${url} after 120 s (see ${home})`);
    await sleep(500);
  }
  console.log(`started ${path.basename(dist)} in ${home} (HTTP ${p}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sleep(3000); // let the always-on encoders settle before the first measured viewer
  const streams = camera ? { '720p30 in-process': 'demo' } : { '720p30': 'demo', '360p30': 'bench360' };
  if (camera && camera.kinds.includes('rtsp')) {
    Object.assign(streams, { 'camera native RTSP': 'cam-native', 'camera FFmpeg RTSP': 'cam-ffmpeg' });
  }
  if (camera && camera.kinds.includes('srt')) {
    Object.assign(streams, { 'camera SRT, TS demuxed by Sightline': 'cam-srt-native',
      'camera SRT, TS demuxed by FFmpeg': 'cam-srt-ffmpeg' });
  }
  if (camera && camera.kinds.includes('rtmp')) streams['camera RTMP (nginx-rtmp, FFmpeg FLV)'] = 'cam-rtmp';
  if (camera && camera.kinds.includes('whip')) {
    await camera.publish(url);
    streams['canvas WHIP publisher (Chromium)'] = 'cam-whip';
  }
  if (camera) {
    for (const stream of Object.values(streams)) while (!(await whepKnows(url, stream))) await sleep(500);
    await sleep(3000);
  }
  return { url, stop, streams,
    viewerStart: (mode) => switchViewerStart(home, url, mode) };
}

/**
 * --camera rtsp,srt,rtmp: the timecode camera (rig/timecode_camera.py, OpenH264 720p30 2 Mbit/s) and streams reading it.
 * rtsp: gst-rtsp-server (+ Opus), pulled over TCP by Sightline's own RTSP client and by FFmpeg's. srt: MPEG-TS
 * (mpegtsmux) over SRT, demuxed by Sightline and by FFmpeg. rtmp: FLV pushed to nginx-rtmp, played by FFmpeg.
 */
async function startCamera(home, port, kinds, publishKeyframeSeconds) {
  const cameras = [];
  const pushed = [];
  if (kinds.includes('srt')) {
    // SRT holds every packet for its negotiated latency (120 ms by default): the camera's listener and the callers
    // ask for 20 ms, as a low-latency link would. Two callers of the same listener: MPEG-TS demuxed by Sightline
    // (the default) and by FFmpeg.
    pushed.push(`srt:${port + 1}`);
    for (const reader of ['native', 'ffmpeg']) {
      fs.writeFileSync(path.join(home, `etc/io.sightline.stream-cam-srt-${reader}.cfg`), [
        `# The latency benchmark's camera path over SRT (MPEG-TS), demuxed by ${reader === 'native' ? 'Sightline' : 'FFmpeg'}.`,
        'source.type = srt', `source.url = srt://127.0.0.1:${port + 1}?mode=caller&latency=20000`,
        `source.mpegts.reader = ${reader}`, 'mode = always-on', 'transport.mode = sfu', 'access = public', ''].join('\n'));
    }
  }
  if (kinds.includes('rtmp')) {
    // nginx with Debian's RTMP module (libnginx-mod-rtmp) on its own port, prefix and configuration in a temp dir;
    // the camera publishes to it and Sightline plays from it, as from any RTMP server in front of an encoder.
    const rtmpPort = port + 3;
    const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-nginx-rtmp-'));
    fs.writeFileSync(path.join(prefix, 'nginx.conf'), [
      'load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;', 'daemon off;', 'master_process off;',
      `pid ${prefix}/nginx.pid;`, `error_log ${prefix}/error.log info;`, 'events { worker_connections 64; }',
      `rtmp { server { listen 127.0.0.1:${rtmpPort}; chunk_size 4096;`,
      '  application live { live on; record off; } } }', ''].join('\n'));
    const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e',
      path.join(prefix, 'error.log')], { stdio: ['ignore', 'inherit', 'inherit'] });
    cameras.push(nginx);
    await sleep(500);
    if (nginx.exitCode !== null) throw new Error(`nginx did not start: ${fs.readFileSync(path.join(prefix, 'error.log'), 'utf8')}`);
    pushed.push(`rtmp:rtmp://127.0.0.1:${rtmpPort}/live/cam`);
    fs.writeFileSync(path.join(home, 'etc/io.sightline.stream-cam-rtmp.cfg'), [
      '# The latency benchmark\'s camera path over RTMP (FLV through nginx-rtmp), read by FFmpeg.',
      'source.type = rtmp', `source.url = rtmp://127.0.0.1:${rtmpPort}/live/cam`, 'mode = always-on',
      'transport.mode = sfu', 'access = public', ''].join('\n'));
  }
  let publisher = null;
  if (kinds.includes('whip')) {
    bootJwtProvider(home);
    fs.writeFileSync(path.join(home, 'etc/io.sightline.stream-cam-whip.cfg'), [
      '# The latency benchmark\'s WHIP path: a browser publishing a canvas with the timecode strip.',
      'source.type = whip', 'access = public', 'publish.reconnect.seconds = 60',
      ...(publishKeyframeSeconds ? [`publish.keyframe.seconds = ${publishKeyframeSeconds}`] : []), ''].join('\n'));
  }
  // One camera process per output (each costs an OpenH264 720p encode on this 2-core machine).
  for (const where of pushed) cameras.push(await startCameraProcess(home, where, `camera-${where.split(':')[0]}.log`));
  if (kinds.includes('rtsp')) {
    cameras.push(await startCameraProcess(home, String(port), 'camera.log'));
    for (const client of ['native', 'ffmpeg']) {
      fs.writeFileSync(path.join(home, `etc/io.sightline.stream-cam-${client}.cfg`), [
        `# The latency benchmark's camera path through the ${client} RTSP client.`,
        'source.type = rtsp', `source.url = rtsp://127.0.0.1:${port}/cam`, 'source.rtsp.transport = tcp',
        `source.rtsp.client = ${client}`, 'mode = always-on', 'transport.mode = sfu', 'access = public', ''].join('\n'));
    }
  }
  console.log(`timecode camera(s): ${kinds.includes('rtsp') ? `rtsp://127.0.0.1:${port}/cam ` : ''}`
    + `${kinds.includes('srt') ? `srt://127.0.0.1:${port + 1} ` : ''}`
    + `${kinds.includes('rtmp') ? `rtmp://127.0.0.1:${port + 3}/live/cam` : ''}`);
  return { kinds,
    publish: async (url) => { publisher = await startCanvasPublisher(url, 'cam-whip'); },
    kill: (signal) => { cameras.forEach((c) => c.kill(signal)); publisher?.close().catch(() => {}); } };
}

/** A secret for the benchmark's own distribution only (never a deployment's): signs the WHIP publisher's token. */
const BENCH_JWT_SECRET = 'sightline-latency-bench-only-0123456789abcdef';

/** Boots the JWT provider (shipped, not booted by default) so a publish token can be made here. */
function bootJwtProvider(home) {
  const features = path.join(home, 'etc/org.apache.karaf.features.cfg');
  const text = fs.readFileSync(features, 'latin1');
  const boot = /^(featuresBoot\s*=.*)\)\s*$/m.exec(text);
  if (!boot) throw new Error(`no featuresBoot line in ${features}`);
  if (!boot[1].includes('sightline-auth-jwt')) {
    fs.writeFileSync(features, text.replace(boot[0], `${boot[1]}, sightline-auth-jwt)`));
  }
  fs.writeFileSync(path.join(home, 'etc/io.sightline.auth.jwt.cfg'), `hmac.secret = ${BENCH_JWT_SECRET}\n`);
}

function publishToken(stream) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'latency-bench', exp: Math.floor(Date.now() / 1000) + 86400,
    streams: [stream], actions: ['publish', 'read'] })}`;
  return `${input}.${require('crypto').createHmac('sha256', BENCH_JWT_SECRET).update(input).digest('base64url')}`;
}

/**
 * Draws 1280x720@30 pictures with the timecode strip (docs/timecode.md: 64 cells over the top 1/20, start marker,
 * 48-bit Date.now(), CRC-8/I-432-1, stop marker) stamped just before each picture is handed to the canvas track,
 * and publishes canvas.captureStream() over WHIP at 2 Mbit/s (as the RTSP camera): "server share" for this stream
 * is then canvas -> browser encoder -> WHIP -> SFU -> player.
 */
const CANVAS_PUBLISHER = async ({ stream, token }) => {
  const W = 1280;
  const H = 720;
  const canvas = document.createElement('canvas');
  canvas.width = W;
  canvas.height = H;
  document.body.append(canvas);
  const g = canvas.getContext('2d');
  const crc8 = (bytes) => {
    let c = 0;
    for (const b of bytes) {
      c ^= b;
      for (let k = 0; k < 8; k++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
    }
    return c ^ 0x55;
  };
  let n = 0;
  const draw = () => {
    n++;
    g.fillStyle = `hsl(${(n * 3) % 360} 40% 35%)`; // moving content, so the encoder has real work
    g.fillRect(0, 0, W, H);
    g.fillStyle = '#ddd';
    g.fillRect((n * 8) % W, H / 3, 160, 160);
    const now = Date.now();
    const bytes = [];
    for (let k = 5; k >= 0; k--) bytes.push(Math.floor(now / 2 ** (8 * k)) % 256);
    const bits = [1, 0, 1, 0];
    for (const b of bytes) for (let k = 7; k >= 0; k--) bits.push((b >> k) & 1);
    const crc = crc8(bytes);
    for (let k = 7; k >= 0; k--) bits.push((crc >> k) & 1);
    bits.push(0, 1, 0, 1);
    const rows = Math.ceil(H / 20);
    bits.forEach((bit, i) => {
      g.fillStyle = bit ? '#fff' : '#000';
      const x0 = Math.floor((i * W) / 64);
      g.fillRect(x0, 0, Math.floor(((i + 1) * W) / 64) - x0, rows);
    });
  };
  draw();
  const media = canvas.captureStream(30);
  setInterval(draw, 1000 / 30);
  const pc = new RTCPeerConnection();
  window.__publisher = pc;
  const tx = pc.addTransceiver(media.getVideoTracks()[0], { direction: 'sendonly', streams: [media],
    sendEncodings: [{ maxBitrate: 2000000 }] });
  const params = tx.sender.getParameters();
  params.degradationPreference = 'maintain-resolution'; // the strip must stay at full width to be read
  await tx.sender.setParameters(params).catch(() => {});
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === 'complete') { done(); return; }
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    setTimeout(done, 3000);
  });
  const r = await fetch(`/whip/${stream}`, { method: 'POST', body: pc.localDescription.sdp,
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` } });
  const answer = await r.text();
  if (r.status !== 201) throw new Error(`WHIP refused: ${r.status} ${answer}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  const started = Date.now();
  while (pc.connectionState !== 'connected') {
    if (Date.now() - started > 15000) throw new Error(`WHIP publisher ${pc.connectionState}`);
    await new Promise((done) => setTimeout(done, 100));
  }
};

/** The canvas publisher in its own headless Chromium (apart from the players' browser), live when this returns. */
async function startCanvasPublisher(url, stream) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.goto(`${url}/health`);
  await page.evaluate(CANVAS_PUBLISHER, { stream, token: publishToken(stream) });
  console.log(`canvas WHIP publisher live on ${stream}`);
  return browser;
}

async function startCameraProcess(home, where, logName) {
  const logFile = path.join(home, logName);
  const log = fs.openSync(logFile, 'w');
  const camera = spawn('/usr/bin/python3', [path.join(__dirname, 'rig/timecode_camera.py'), where],
    { stdio: ['ignore', log, log] });
  const started = Date.now();
  while (!fs.readFileSync(logFile, 'utf8').includes('ready')) {
    if (Date.now() - started > 15000 || camera.exitCode !== null) {
      throw new Error(`timecode camera did not start: ${fs.readFileSync(logFile, 'utf8')}`);
    }
    await sleep(100);
  }
  return camera;
}

/** The ingest delay each stream reports in /metrics (socket arrival -> hand-off to the stream). */
async function ingestDelays(url) {
  const res = await fetch(`${url}/metrics`);
  const text = await res.text();
  return text.split('\n').filter((l) => l.startsWith('sightline_stream_ingest_delay_seconds')
    || l.startsWith('sightline_stream_input_bytes_per_second'));
}

/** Sets the SFU's viewer.start and waits for the SFU to come back with it (its activation log line names it). */
async function switchViewerStart(home, url, mode) {
  const log = path.join(home, 'data/log/karaf.log');
  const activations = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split(`viewer.start=${mode}`).length - 1 : 0);
  const cfg = path.join(home, 'etc/io.sightline.transport.sfu.cfg');
  if (new RegExp(`^viewer\\.start = ${mode}$`, 'm').test(fs.readFileSync(cfg, 'latin1')) && activations() > 0) {
    return false;
  }
  const before = activations();
  setOrAddKey(cfg, 'viewer.start', mode);
  const started = Date.now();
  while (!(activations() > before && await whepKnows(url, 'demo'))) {
    if (Date.now() - started > 30000) throw new Error(`the SFU did not restart with viewer.start=${mode}`);
    await sleep(250);
  }
  await sleep(3000); // as after boot: let the demo stream's fan-out settle before the measured viewer
  return true;
}

function setOrAddKey(file, key, value) {
  const text = fs.readFileSync(file, 'latin1');
  if (new RegExp(`^\\s*${key.replace('.', '\\.')}\\s*=`, 'm').test(text)) setKey(file, key, value);
  else fs.writeFileSync(file, `${text.replace(/\n?$/, '\n')}${key} = ${value}\n`, 'latin1');
}

function findDistribution() {
  const dir = path.join(__dirname, '../../karaf-assembly/target');
  const file = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => /^sightline-karaf-.*\.tar\.gz$/.test(f));
  if (!file) throw new Error(`no distribution in ${dir}: build karaf-assembly or pass --dist / --url`);
  return path.join(dir, file);
}

function setKey(file, key, value) {
  const text = fs.readFileSync(file, 'latin1');
  const line = new RegExp(`^\\s*${key.replace('.', '\\.')}\\s*=.*$`, 'm');
  if (!line.test(text)) throw new Error(`${file} has no ${key}`);
  fs.writeFileSync(file, text.replace(line, `${key} = ${value}`), 'latin1');
}

async function ok(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

/** Whether WHEP knows the stream (a bare POST answers 400 rather than 404). */
async function whepKnows(url, stream) {
  try {
    const r = await fetch(`${url}/whep/${stream}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
    return r.status !== 404;
  } catch {
    return false;
  }
}

// ---- one run ------------------------------------------------------------------------------------------------

async function openPlayers(browser, url, stream, players, traceStart = false) {
  const pages = [];
  for (let i = 0; i < players; i++) {
    const page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    await page.addInitScript(INSTRUMENT, { traceStart, relay });
    pages.push(page);
  }
  await Promise.all(pages.map((page) => page.goto(`${url}/play/${stream}?muted=1`)));
  const deadline = Date.now() + 30000;
  for (const page of pages) {
    await page.waitForFunction(() => window.__bench && window.__bench.frames.length > 0,
      null, { timeout: Math.max(1000, deadline - Date.now()), polling: 100 });
  }
  return pages;
}

const playerStats = (page) => page.evaluate(() => window.sightlinePlayer.stats());

/** The video receiver's cumulative jitter buffer figures, summed over the page's peer connections. */
const jitterBuffer = (page) => page.evaluate(async () => {
  let delay = 0;
  let emitted = 0;
  for (const pc of window.__bench.pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        delay += r.jitterBufferDelay ?? 0;
        emitted += r.jitterBufferEmittedCount ?? 0;
      }
    });
  }
  return { delay, emitted };
});

/** The video receiver's repair counters since the connection started, summed over the page's peer connections. */
const receiverCounters = (page) => page.evaluate(async () => {
  const c = { nackCount: 0, pliCount: 0, firCount: 0, packetsLost: 0, packetsReceived: 0, framesDropped: 0,
    freezeCount: 0, totalFreezesDuration: 0, retransmittedPacketsReceived: 0 };
  for (const pc of window.__bench.pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video') {
        for (const k of Object.keys(c)) c[k] += r[k] ?? 0;
      }
    });
  }
  return c;
});

function sumCounters(list) {
  const out = {};
  for (const c of list) for (const [k, v] of Object.entries(c)) out[k] = (out[k] || 0) + v;
  return out;
}

/** Mean jitter buffer delay (ms) of the pictures emitted between two jitterBuffer() readings of each page. */
function jitterBufferMs(from, to) {
  let delay = 0;
  let emitted = 0;
  from.forEach((f, i) => { delay += to[i].delay - f.delay; emitted += to[i].emitted - f.emitted; });
  return emitted > 0 ? (delay / emitted) * 1000 : NaN;
}

async function measureRun(url, stream, players, o) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const pages = await openPlayers(browser, url, stream, players, o.traceStart);
    const firsts = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench.frames[0][1] - window.__bench.whepAt)));
    const firstAt = Date.now();
    await sleep(o.warmup * 1000);
    const jbStart = await Promise.all(pages.map(jitterBuffer));
    const marks = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench.frames.length)));
    const before = await Promise.all(pages.map(playerStats));
    await sleep(o.seconds * 1000);
    const after = await Promise.all(pages.map(playerStats));
    const rtp = await Promise.all(pages.map(receiverCounters));
    const jbEnd = await Promise.all(pages.map(jitterBuffer));
    const frames = await Promise.all(pages.map((p, i) => p.evaluate((m) => window.__bench.frames.slice(m), marks[i])));
    const run = { ttff: median(firsts), g2g: [], server: [], freezes: 0, hitches: 0, unshown: 0, decoderDropped: 0,
      // From the connection's start, so a start burst's pictures (emitted before the first one shown) count too.
      jbFirst: jitterBufferMs(pages.map(() => ({ delay: 0, emitted: 0 })), jbEnd), jb: jitterBufferMs(jbStart, jbEnd) };
    if (o.late) Object.assign(run, await measureLate(pages, firstAt, o));
    if (o.traceStart) run.start = await pages[0].evaluate(() => window.__bench.start);
    frames.forEach((list, i) => {
      for (const [capture, display, receive] of list) {
        run.g2g.push(display - capture);
        if (receive !== null) run.server.push(receive - capture);
      }
      run.freezes += gaps(list.map((f) => f[1])).filter((g) => g > FREEZE_MS).length;
      run.hitches += gaps(list.map((f) => f[1])).filter((g) => g > HITCH_MS).length;
      run.unshown += gaps(list.map((f) => f[0])).reduce((sum, g) => sum + Math.max(0, Math.round(g * FPS / 1000) - 1), 0);
      run.decoderDropped += (after[i].framesDropped ?? 0) - (before[i].framesDropped ?? 0);
    });
    run.freezes /= players;
    run.hitches /= players;
    run.unshown /= players;
    run.decoderDropped /= players;
    run.samples = run.g2g.length;
    if (o.samples) appendSamples(o.samples, stream, players, frames);
    return { ...summarise(run), jbFirst: run.jbFirst, jb: run.jb, late: run.late, start: run.start,
      rtp: sumCounters(rtp) };
  } finally {
    await browser.close();
  }
}

/** --samples FILE: one JSON line per run with every measured picture's [capture, display, receive] wall-clock ms. */
function appendSamples(file, stream, players, frames) {
  fs.appendFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), stream, players, frames })}\n`);
}

/** Glass-to-glass and the jitter buffer over the window --late FROM-TO seconds after the first picture. */
async function measureLate(pages, firstAt, o) {
  const [from, to] = o.late;
  await sleep(Math.max(0, firstAt + from * 1000 - Date.now()));
  const marks = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench.frames.length)));
  const jbStart = await Promise.all(pages.map(jitterBuffer));
  await sleep(Math.max(0, firstAt + to * 1000 - Date.now()));
  const jbEnd = await Promise.all(pages.map(jitterBuffer));
  const frames = await Promise.all(pages.map((p, i) => p.evaluate((m) => window.__bench.frames.slice(m), marks[i])));
  const g2g = frames.flat().map(([capture, display]) => display - capture);
  return { late: { g2gP50: percentile(g2g, 50), g2gP95: percentile(g2g, 95), jb: jitterBufferMs(jbStart, jbEnd),
    samples: g2g.length } };
}

function summarise(run) {
  return {
    ttff: run.ttff,
    serverP50: percentile(run.server, 50), serverP95: percentile(run.server, 95),
    g2gP50: percentile(run.g2g, 50), g2gP95: percentile(run.g2g, 95), g2gMax: Math.max(...run.g2g),
    g2gSpread: percentile(run.g2g, 95) - percentile(run.g2g, 50),
    freezes: run.freezes, hitches: run.hitches, unshown: run.unshown, decoderDropped: run.decoderDropped, samples: run.samples,
  };
}

// ---- drift mode ---------------------------------------------------------------------------------------------

async function drift(url, stream, players, o) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const pages = await openPlayers(browser, url, stream, players);
    await sleep(o.warmup * 1000);
    await Promise.all(pages.map((p) => p.evaluate(() => { window.__bench.frames.length = 0; })));
    const minutes = [];
    const totalMinutes = Math.max(1, Math.round(o.duration / 60));
    for (let m = 0; m < totalMinutes; m++) {
      await sleep(Math.min(60, o.duration) * 1000);
      // Take and empty in one step, so a long run does not grow the pages' memory and no picture is lost.
      const slices = await Promise.all(pages.map((p) => p.evaluate(() => window.__bench.frames.splice(0))));
      const all = slices.flat();
      const minute = {
        g2g: percentile(all.map((f) => f[1] - f[0]), 50),
        server: percentile(all.filter((f) => f[2] !== null).map((f) => f[2] - f[0]), 50),
        freezes: slices.reduce((n, l) => n + gaps(l.map((f) => f[1])).filter((g) => g > FREEZE_MS).length, 0),
        samples: all.length,
      };
      minutes.push(minute);
      console.log(`minute ${m + 1}: glass-to-glass p50 ${fmt(minute.g2g)} ms, server share p50 ${fmt(minute.server)} ms, `
        + `freezes ${minute.freezes}, ${minute.samples} pictures`);
    }
    const first = minutes[0];
    const last = minutes[minutes.length - 1];
    console.log(`drift over ${totalMinutes} min (${stream}, ${players} player(s)): glass-to-glass p50 first minute `
      + `${fmt(first.g2g)} ms, last minute ${fmt(last.g2g)} ms (${fmt(last.g2g - first.g2g, 1)} ms); server share `
      + `${fmt(first.server)} -> ${fmt(last.server)} ms`);
    // The frame clock and the display refresh beat: the picture's wait for the next refresh sweeps 0-16.7 ms over a
    // few minutes (about 7 here), so single minutes compare phases, not buffers. Each third of a long run holds a
    // whole beat; a buffer that grows would lift its lowest and highest minutes alike.
    if (minutes.length >= 15) {
      const third = Math.floor(minutes.length / 3);
      const range = (list) => `${fmt(Math.min(...list.map((x) => x.g2g)))}-${fmt(Math.max(...list.map((x) => x.g2g)))}`;
      console.log(`per-minute glass-to-glass p50, lowest-highest: first ${third} min ${range(minutes.slice(0, third))} ms, `
        + `last ${third} min ${range(minutes.slice(-third))} ms`);
    }
  } finally {
    await browser.close();
  }
}

// ---- helpers ------------------------------------------------------------------------------------------------

function gaps(times) {
  const out = [];
  for (let i = 1; i < times.length; i++) out.push(times[i] - times[i - 1]);
  return out;
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values) {
  return percentile(values.filter((v) => Number.isFinite(v)), 50);
}

const fmt = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '–');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function rigFloor(label) {
  const [w, h] = label.startsWith('720') ? [1280, 720] : [640, 360];
  const kbps = label.startsWith('720') ? 2000 : 800;
  try {
    const out = execFileSync(path.join(__dirname, 'rig/rig-floor.sh'), [w, h, FPS, kbps, 10].map(String),
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const total = /total\s+p50\s+([\d.]+)\s+p95\s+([\d.]+)/.exec(out);
    process.stdout.write(out);
    return total ? `${(+total[1]).toFixed(1)} / ${(+total[2]).toFixed(1)}` : '–';
  } catch (e) {
    console.log(`rig floor ${label} failed: ${e.message.split('\n')[0]}`);
    return '–';
  }
}

// ---- playout delay comparison -------------------------------------------------------------------------------

/** The benchmark's stream for one playout.delay value (0-100 -> pd-0to100). */
const playoutStream = (delay) => `pd-${delay.replace('-', 'to')}`;

/**
 * Alternates runs over one on-demand stream per playout.delay value. Between runs the stream closes (1 s after its
 * viewer left), so every run restarts the source with a new frame clock phase.
 */
async function comparePlayoutDelays(server, o) {
  const players = o.players[0];
  const byDelay = Object.fromEntries(o.playoutDelays.map((d) => [d, []]));
  for (let r = 0; r < o.runs; r++) {
    for (const delay of o.playoutDelays) {
      await sleep(2500); // the previous run's stream closes after 1 s without viewers
      try {
        const run = await measureRun(server.url, playoutStream(delay), players, o);
        byDelay[delay].push(run);
        console.log(`playout.delay=${delay} run ${r + 1}: first frame ${fmt(run.ttff)} ms, server share p50/p95 `
          + `${fmt(run.serverP50, 1)}/${fmt(run.serverP95, 1)} ms, glass-to-glass p50/p95/max ${fmt(run.g2gP50, 1)}/`
          + `${fmt(run.g2gP95, 1)}/${fmt(run.g2gMax)} ms (p95-p50 ${fmt(run.g2gSpread, 1)}), hitches > ${HITCH_MS} ms `
          + `${fmt(run.hitches, 1)}, freezes ${fmt(run.freezes, 1)}, not shown ${fmt(run.unshown, 1)}, ${run.samples} pictures; load ${os.loadavg()[0].toFixed(2)}`);
      } catch (e) {
        console.log(`playout.delay=${delay} run ${r + 1} failed: ${e.message.split('\n')[0]}`);
      }
    }
  }
  console.log(`\n720p30, ${players} player(s), medians of the runs (each run ${o.seconds} s after ${o.warmup} s of `
    + `warm-up, its stream started afresh); load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('| playout.delay | runs | first frame (ms) | server share p50 / p95 (ms) | glass-to-glass p50 / p95 / max (ms) '
    + `| p95 - p50 within a run (ms) | runs with p95 - p50 > 10 ms | hitches > ${HITCH_MS} ms | freezes | not shown |`);
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [delay, runs] of Object.entries(byDelay)) {
    const m = (key) => median(runs.map((run) => run[key]));
    console.log(`| ${delay} | ${runs.length} | ${fmt(m('ttff'))} | ${fmt(m('serverP50'), 1)} / ${fmt(m('serverP95'), 1)} `
      + `| ${fmt(m('g2gP50'), 1)} / ${fmt(m('g2gP95'), 1)} / ${fmt(m('g2gMax'))} | ${fmt(m('g2gSpread'), 1)} `
      + `| ${runs.filter((run) => run.g2gSpread > 10).length} | ${fmt(m('hitches'), 1)} | ${fmt(m('freezes'), 1)} `
      + `| ${fmt(m('unshown'), 1)} |`);
  }
}

// ---- viewer.start comparison ------------------------------------------------------------------------------

/** Alternates the SFU's viewer.start run by run (A B C A B C ...) so slow drifts of the machine hit every mode alike. */
async function compareViewerStarts(server, [label, stream], o) {
  const players = o.players[0];
  const byMode = Object.fromEntries(o.viewerStarts.map((m) => [m, []]));
  const background = o.background > 0
    ? await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }) : null;
  let watchers = [];
  for (let r = 0; r < o.runs; r++) {
    for (const mode of o.viewerStarts) {
      try {
        const switched = await server.viewerStart(mode);
        if (background && (switched || watchers.length === 0)) {
          // The SFU restarted and closed every session: the background players join again.
          await Promise.all(watchers.map((page) => page.close()));
          watchers = await openPlayers(background, server.url, stream, o.background);
          await sleep(3000);
        }
        await sleep(Math.random() * o.joinSpread);
        const run = await measureRun(server.url, stream, players, o);
        byMode[mode].push(run);
        console.log(`${mode} run ${r + 1}: first frame ${fmt(run.ttff)} ms; 0-${o.warmup + o.seconds} s g2g p50/p95/max `
          + `${fmt(run.g2gP50, 1)}/${fmt(run.g2gP95, 1)}/${fmt(run.g2gMax)} ms, jitter buffer ${fmt(run.jbFirst, 1)} ms`
          + (run.late ? `; ${o.late.join('-')} s g2g p50/p95 ${fmt(run.late.g2gP50, 1)}/${fmt(run.late.g2gP95, 1)} ms, `
            + `jitter buffer ${fmt(run.late.jb, 1)} ms` : '')
          + (run.start ? `; first frame received ${fmt(run.start.received)} ms, decoded ${fmt(run.start.decoded)} ms, `
            + `at the first picture ${JSON.stringify(run.start.atFirst)}` : '')
          + `; freezes ${fmt(run.freezes, 1)}, not shown ${fmt(run.unshown, 1)}, ${run.samples} pictures; `
          + `load ${os.loadavg()[0].toFixed(2)}`);
      } catch (e) {
        console.log(`${mode} run ${r + 1} failed: ${e.message.split('\n')[0]}`);
      }
    }
  }
  if (background) await background.close();
  const late = o.late ? o.late.join('-') : null;
  console.log(`\n${label} (${stream}), ${players} player(s), ${o.background} background player(s), joins spread over `
    + `${o.joinSpread} ms; medians of the runs; first window ${o.warmup}-`
    + `${o.warmup + o.seconds} s after the first picture${late ? `, late window ${late} s` : ''}; load average now `
    + `${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(`| viewer.start | runs | first frame (ms) | g2g p50 / p95 / max, first window (ms) | jitter buffer, from `
    + `the start to the first window's end (ms) |${late ? ' g2g p50 / p95, late window (ms) | jitter buffer, late window (ms) |' : ''} freezes |`);
  console.log(`|---|---|---|---|---|${late ? '---|---|' : ''}---|`);
  for (const [mode, runs] of Object.entries(byMode)) {
    const m = (f) => median(runs.map(f));
    console.log(`| ${mode} | ${runs.length} | ${fmt(m((r) => r.ttff))} | ${fmt(m((r) => r.g2gP50), 1)} / `
      + `${fmt(m((r) => r.g2gP95), 1)} / ${fmt(m((r) => r.g2gMax))} | ${fmt(m((r) => r.jbFirst), 1)} |`
      + (late ? ` ${fmt(m((r) => r.late.g2gP50), 1)} / ${fmt(m((r) => r.late.g2gP95), 1)} | `
        + `${fmt(m((r) => r.late.jb), 1)} |` : '')
      + ` ${fmt(m((r) => r.freezes), 1)} |`);
  }
}

// ---- lossy links ------------------------------------------------------------------------------------------

/**
 * --links: every run's media goes through a fresh impairment relay (../impair) with one condition's link each way,
 * seeded by the run number so a condition's losses repeat across builds; conditions alternate run by run so slow
 * drifts of the machine hit each alike. The lossless condition goes through the same relay with nothing impaired.
 */
async function compareLinks(server, [label, stream], o) {
  const players = o.players[0];
  const byLink = Object.fromEntries(o.links.map((l) => [l, []]));
  for (let r = 0; r < o.runs; r++) {
    for (const spec of o.links) {
      const link = impair.parseLink(spec);
      const relayed = await impair.startRelay({ listen: { address: '127.0.0.2', port: 0 },
        target: { address: '127.0.0.1', port: o.sfuPort || o.portBase + 4 }, up: link, down: link,
        seed: (o.seed || 1000) + r });
      relay = { address: relayed.address, port: relayed.port };
      try {
        const run = await measureRun(server.url, stream, players, o);
        const st = relayed.stats();
        run.relay = st;
        byLink[spec].push(run);
        console.log(`${impair.describeLink(link)} run ${r + 1}: first frame ${fmt(run.ttff)} ms, g2g p50/p95/max `
          + `${fmt(run.g2gP50, 1)}/${fmt(run.g2gP95, 1)}/${fmt(run.g2gMax)} ms, freezes > ${FREEZE_MS} ms `
          + `${fmt(run.freezes, 1)}, hitches > ${HITCH_MS} ms ${fmt(run.hitches, 1)}, not shown ${fmt(run.unshown, 1)}, `
          + `${run.samples} pictures; receiver NACKs ${run.rtp.nackCount}, PLIs ${run.rtp.pliCount}, lost `
          + `${run.rtp.packetsLost} of ${run.rtp.packetsReceived + run.rtp.packetsLost}; relay down ${st.down.in} in `
          + `/ ${st.down.lost} lost, up ${st.up.in} in / ${st.up.lost} lost; load ${os.loadavg()[0].toFixed(2)}`);
      } catch (e) {
        console.log(`${impair.describeLink(link)} run ${r + 1} failed: ${e.message.split('\n')[0]}`);
      } finally {
        relayed.close();
        relay = null;
      }
      await sleep(1000);
    }
  }
  console.log(`\n${label} (${stream}), ${players} player(s); each run ${o.seconds} s measured after ${o.warmup} s; `
    + `medians of the runs (freezes: per run, max in brackets); load average now `
    + `${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(`| link, each way | runs | first frame (ms) | g2g p50 / p95 (ms) | freezes > ${FREEZE_MS} ms per run `
    + `| hitches > ${HITCH_MS} ms | not shown | NACKs | PLIs |`);
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [spec, runs] of Object.entries(byLink)) {
    const m = (f) => median(runs.map(f));
    console.log(`| ${impair.describeLink(impair.parseLink(spec))} | ${runs.length} | ${fmt(m((r) => r.ttff))} `
      + `(max ${fmt(Math.max(...runs.map((r) => r.ttff)))}) | ${fmt(m((r) => r.g2gP50), 1)} / ${fmt(m((r) => r.g2gP95), 1)} `
      + `| ${fmt(m((r) => r.freezes), 1)} [${fmt(Math.max(...runs.map((r) => r.freezes)))}] `
      + `| ${fmt(m((r) => r.hitches), 1)} | ${fmt(m((r) => r.unshown), 1)} | ${fmt(m((r) => r.rtp.nackCount))} `
      + `| ${fmt(m((r) => r.rtp.pliCount))} |`);
  }
}

// ---- main ---------------------------------------------------------------------------------------------------

(async () => {
  const o = options(process.argv.slice(2));
  const server = o.url ? { url: o.url, stop: () => {}, streams: o.streams || { '720p30': 'demo' } }
    : await startDistribution(o);
  const streams = o.streams || server.streams;
  console.log(`Chromium ${execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim()}; `
    + `${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    if (o.duration > 0) {
      const [label, stream] = Object.entries(streams)[0];
      console.log(`drift mode: ${label} (${stream}), ${o.players[0]} player(s), ${o.duration} s`);
      await drift(server.url, stream, o.players[0], o);
      return;
    }
    if (o.jitter > 0) {
      if (o.url) throw new Error('--jitter needs the benchmark\'s own server (no --url)');
      relay = await startJitterRelay(o.portBase + 4, o.jitter);
      console.log(`media through a relay at ${relay.address}:${relay.port} adding 0-${o.jitter} ms of jitter`);
    }
    if (o.links) {
      if (o.url && !o.sfuPort) throw new Error('--links with --url needs the server\'s SFU UDP port (--sfu-port)');
      await compareLinks(server, Object.entries(streams)[0], o);
      return;
    }
    if (o.playoutDelays) {
      if (o.url) throw new Error('--playout-delay needs the benchmark\'s own server (no --url)');
      await comparePlayoutDelays(server, o);
      return;
    }
    if (o.viewerStarts) {
      if (!server.viewerStart) throw new Error('--viewer-start needs the benchmark\'s own server (no --url)');
      await compareViewerStarts(server, Object.entries(streams)[0], o);
      return;
    }
    const rows = [];
    for (const [label, stream] of Object.entries(streams)) {
      for (const players of o.players) {
        const runs = [];
        for (let r = 0; r < o.runs; r++) {
          try {
            const run = await measureRun(server.url, stream, players, o);
            runs.push(run);
            console.log(`${label} N=${players} run ${r + 1}: first frame ${fmt(run.ttff)} ms, server share p50/p95 `
              + `${fmt(run.serverP50, 1)}/${fmt(run.serverP95, 1)} ms, glass-to-glass p50/p95/max ${fmt(run.g2gP50, 1)}/`
              + `${fmt(run.g2gP95, 1)}/${fmt(run.g2gMax)} ms (p95-p50 ${fmt(run.g2gSpread, 1)}), freezes ${fmt(run.freezes, 1)}, not shown `
              + `${fmt(run.unshown, 1)}, decoder dropped ${fmt(run.decoderDropped, 1)} (per player), ${run.samples} pictures`);
          } catch (e) {
            console.log(`${label} N=${players} run ${r + 1} failed: ${e.message.split('\n')[0]}`);
          }
        }
        const m = (key) => median(runs.map((run) => run[key]));
        rows.push([label, players, runs.length, fmt(m('ttff')), `${fmt(m('serverP50'), 1)} / ${fmt(m('serverP95'), 1)}`,
          `${fmt(m('g2gP50'), 1)} / ${fmt(m('g2gP95'), 1)} / ${fmt(m('g2gMax'))}`, fmt(m('g2gSpread'), 1), fmt(m('freezes'), 1),
          `${fmt(m('unshown'), 1)} / ${fmt(m('decoderDropped'), 1)}`]);
      }
    }
    const floors = o.rig ? Object.keys(streams).map((label) => [label, rigFloor(label)]) : [];
    console.log(`\nMedians of ${o.runs} runs, ${o.seconds} s measured per run after ${o.warmup} s of warm-up; load `
      + `average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log('| stream | players | runs | first frame (ms) | server share p50 / p95 (ms) | glass-to-glass p50 / p95 / max (ms) '
      + '| glass-to-glass p95 - p50 within a run (ms) | freezes > 200 ms (per player) | not shown / decoder dropped (per player) |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    if (o.camera) {
      console.log('\n/metrics after the runs (ingest delay: socket arrival -> hand-off to the stream):');
      for (const line of await ingestDelays(server.url)) console.log(`  ${line}`);
    }
    if (floors.length) {
      console.log('\n| stream | rig floor: render + encode + decode p50 / p95 (ms) |\n|---|---|');
      for (const [label, floor] of floors) console.log(`| ${label} | ${floor} |`);
    }
  } finally {
    server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
