// The SFU's bandwidth estimate for one viewer against the rate of the link in front of it (issue 14, point 1).
// One headless Chromium viewer (Debian's /usr/bin/chromium) plays a 720p30 2 Mbit/s H.264 clip (../load/media.js,
// looped and passed through like a camera; with --camera rtsp the same clip comes from a real RTSP server) through the
// userspace impairment relay (../impair), whose server-to-viewer direction is a token bucket of the given rate with
// a 200 ms drop-tail queue. Every 250 ms the benchmark asks the server for its estimate of that session (GET on the
// WHEP session URL, what the player's stats overlay shows) and prints it over time against the link rate. It is a
// benchmark, not a test: it prints figures.
//
//   npm ci
//   node bwe.js                                    # starts ../../karaf-assembly/target/sightline-karaf-*.tar.gz
//   node bwe.js --rates 3000,1000,300 --runs 3 --seconds 30
//   node bwe.js --step 3000@0,500@20,3000@40 --seconds 60   # the link's rate changes during the run
//
// Options: --port-base 9400 (HTTP, then SSH, RMI x2, SFU UDP/TCP)  --dist <tar.gz>  --url U --sfu-port P (a running
//          server; it needs a public 720p30 2 Mbit/s stream, --stream NAME)  --queue 200 (ms)  --trace (print every
//          sample)  --media-dir DIR (where the clip is cached)  --open-viewer (a second viewer without the relay)
//          --debug-log LOGGER,... (DEBUG lines of these server loggers, e.g. io.sightline.sfu.internal.ViewerAdaptation)
//          --record FILE (write every server -> viewer RTP packet with a transport-wide sequence number as it meets the
//          relay: "<in us> <seq> <bytes> <out us or -1 when the link dropped it> <1 when sent on an RTX SSRC, else 0>",
//          one per line, run 1 only; what the receiver's transport-cc feedback reports, for the estimator's unit
//          tests in bundles/rtp; RTX packets are the probes and the retransmissions)
//          --link-extra loss=5 (added to the limited direction's link, e.g. random loss on top of the rate)
//          --transport p2p (the stream's transport.mode: libwebrtc's own encoder per viewer adapts instead of the SFU's
//          rungs; the server's estimate and rung columns are then empty, the viewer's figures are comparable)
//          --camera rtsp (the camera path: the same clip served by gst-rtsp-server, ./clip_camera.py, on
//          port-base + 10, looped live at 30 fps and never re-encoded, read by Sightline's RTSP source over TCP and
//          passed through;
//          needs Debian's python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good and -bad; the camera's
//          log is camera.log in the server's home)
// At start it prints which source feeds the stream, the server's log line saying passthrough or decoded, and the
// ingest rate, frame rate and keyframe interval the server measures (/metrics).
// Per run (times from the WHEP POST): time to converge = the first estimate within 20 % of the link rate that the
// estimate then keeps for 2 s (for a --step phase, from the step); the median estimate and the relay's delivered rate over the last half of the run.
'use strict';
const { chromium } = require('playwright-core');
const impair = require('../impair/impair');
const media = require('../load/media');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];
const STREAM = 'bwe720';
const POLL_MS = 250;
const TOLERANCE = 0.2;
const HOLD_MS = 2000;

/**
 * In the page: the WHEP answer's candidates become the relay's address; the session URL is kept for the poller.
 * With `p2p` (--transport p2p) the server is a full ICE agent that would also try the browser's own candidates and
 * could find a path around the relay: the offer goes without candidates and trickled ones are not sent, so the only
 * path the server learns is the relay's (a peer-reflexive candidate from the browser's checks through it); the
 * answer's first UDP candidate becomes the relay's target (window.__bweTarget, exposed by the benchmark).
 */
const INSTRUMENT = ({ relay, p2p }) => {
  window.__bwe = { location: null, whepAt: null, sessions: 0 };
  const originalFetch = window.fetch;
  window.fetch = async function (input, init) {
    const whepPost = init && init.method === 'POST' && String(input).includes('/whep/');
    if (p2p && init && init.method === 'PATCH') return new Response(null, { status: 204 });
    if (whepPost) {
      window.__bwe.whepAt = Date.now();
      if (p2p) init = { ...init, body: String(init.body).split('\r\n').filter((l) => !l.startsWith('a=candidate:')).join('\r\n') };
    }
    const response = await originalFetch.call(this, input, init);
    if (!whepPost || response.status !== 201) return response;
    window.__bwe.location = response.headers.get('Location');
    window.__bwe.sessions++;
    const answer = (await response.text()).split('\r\n');
    const tcc = answer.map((l) => /^a=extmap:(\d+) .*transport-wide-cc/.exec(l)).find(Boolean);
    const rtx = answer.map((l) => /^a=ssrc-group:FID \d+ (\d+)/.exec(l)).filter(Boolean).map((m) => +m[1]);
    if (tcc && window.__bweTcc) await window.__bweTcc(+tcc[1], rtx);
    if (p2p) {
      const udp = answer.map((l) => /^a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/i.exec(l)).find(Boolean);
      if (udp) await window.__bweTarget(udp[1], +udp[2]);
    }
    const lines = answer.filter((l) => !l.startsWith('a=candidate:'));
    const at = lines.findIndex((l) => l.startsWith('a=ice-pwd:'));
    lines.splice(at + 1, 0, `a=candidate:1 1 udp 2130706431 ${relay.address} ${relay.port} typ host`);
    return new Response(lines.join('\r\n'), { status: response.status, headers: response.headers });
  };
};

function options(argv) {
  const o = { rates: [3000, 1000, 300], runs: 3, seconds: 30, portBase: 9400, dist: null, url: null, sfuPort: 0,
    stream: STREAM, queue: 200, step: null, trace: false, mediaDir: media.DEFAULT_DIR, transport: 'sfu' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--rates') o.rates = next().split(',').map(Number);
    else if (a === '--runs') o.runs = +next();
    else if (a === '--seconds') o.seconds = +next();
    else if (a === '--port-base') o.portBase = +next();
    else if (a === '--dist') o.dist = next();
    else if (a === '--url') o.url = next().replace(/\/$/, '');
    else if (a === '--sfu-port') o.sfuPort = +next();
    else if (a === '--stream') o.stream = next();
    else if (a === '--queue') o.queue = +next();
    else if (a === '--step') o.step = next().split(',').map((s) => s.split('@').map(Number));
    else if (a === '--trace') o.trace = true;
    else if (a === '--open-viewer') o.openViewer = true;
    else if (a === '--media-dir') o.mediaDir = next();
    else if (a === '--debug-log') o.debugLog = next().split(',');
    else if (a === '--transport') o.transport = next();
    else if (a === '--record') o.record = next();
    else if (a === '--link-extra') o.linkExtra = next();
    else if (a === '--camera') o.camera = next();
    else throw new Error(`unknown option ${a}`);
  }
  if (o.camera && o.camera !== 'rtsp') throw new Error(`--camera ${o.camera}: only rtsp is known`);
  return o;
}

// ---- the server -----------------------------------------------------------------------------------------------

async function startDistribution(o) {
  const dist = o.dist || findDistribution();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bwe-'));
  execFileSync('tar', ['xzf', dist, '-C', home, '--strip-components=1']);
  const p = o.portBase;
  setKey(path.join(home, 'etc/org.apache.karaf.shell.cfg'), 'sshPort', p + 1);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiRegistryPort', p + 2);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiServerPort', p + 3);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'udp.port', p + 4);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'tcp.port', p + 5);
  // The test pattern compresses to ~470 kbit/s whatever its target: a real 2 Mbit/s clip (../load/media.js), looped
  // and passed through like a camera's H.264.
  for (const [i, logger] of (o.debugLog || []).entries()) {
    // --debug-log io.sightline.sfu.internal.ViewerAdaptation,...: DEBUG lines of these loggers in data/log
    fs.appendFileSync(path.join(home, 'etc/org.ops4j.pax.logging.cfg'),
      `\nlog4j2.logger.bwe${i}.name = ${logger}\nlog4j2.logger.bwe${i}.level = DEBUG\n`);
  }
  if (o.transport === 'p2p') bootFeature(home, 'sightline-transport-p2p'); // shipped, not booted by default
  const clip = media.ensureClip(o.mediaDir);
  const camera = o.camera ? await startCamera(home, p + 10, clip) : null;
  const definition = camera ? cameraStreamConfig(camera.url) : media.streamConfig(clip);
  fs.writeFileSync(path.join(home, `etc/io.sightline.stream-${STREAM}.cfg`),
    definition.replace('transport.mode = sfu', `transport.mode = ${o.transport}`));
  const log = fs.openSync(path.join(home, 'console.log'), 'w');
  const child = spawn(path.join(home, 'bin/karaf'), ['server'], {
    cwd: home, detached: true, stdio: ['ignore', log, log],
    env: { ...process.env, SIGHTLINE_HTTP_PORT: String(p), SIGHTLINE_BIND_ADDRESS: '127.0.0.1' },
  });
  const stop = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    if (camera) camera.process.kill('SIGKILL');
  };
  process.on('exit', stop);
  const url = `http://127.0.0.1:${p}`;
  const started = Date.now();
  while (!(await whepKnows(url, STREAM))) {
    if (Date.now() - started > 120000) throw new Error(`no server at ${url} after 120 s (see ${home})`);
    await sleep(500);
  }
  console.log(`started ${path.basename(dist)} in ${home} (HTTP ${p}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await sleep(3000);
  const source = camera ? `RTSP camera ${camera.url} (${camera.ready}), read over TCP` : `file ${clip}`;
  console.log(`source of ${STREAM}: ${source}`);
  await reportIngest(url, home);
  return { url, sfuPort: p + 4, stop };
}

/**
 * --camera rtsp: ./clip_camera.py serving the clip at rtsp://127.0.0.1:PORT/cam. Not a live encoder: it would take CPU
 * from the server and Chromium being measured on this 2-core machine, and a test pattern it can afford compresses to
 * far less than 2 Mbit/s.
 */
async function startCamera(home, port, clip) {
  const logFile = path.join(home, 'camera.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn('/usr/bin/python3', [path.join(__dirname, 'clip_camera.py'), String(port), clip],
    { stdio: ['ignore', log, log] });
  const started = Date.now();
  let text = '';
  while (!(text = fs.readFileSync(logFile, 'utf8')).includes('ready')) {
    if (Date.now() - started > 30000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`RTSP camera did not start: ${text}`);
    }
    await sleep(100);
  }
  return { process: child, url: `rtsp://127.0.0.1:${port}/cam`, ready: text.trim().replace(/^ready: /, '') };
}

/** The camera's stream definition: the clip's, but read from the RTSP server (Sightline's RTSP source, passthrough). */
function cameraStreamConfig(url) {
  return media.passthroughStream(
    '# Written by benchmarks/bwe --camera rtsp: the 2 Mbit/s 720p30 clip served by a real RTSP server, passed through.',
    ['source.type = rtsp', `source.url = ${url}`, 'source.rtsp.transport = tcp']);
}

/**
 * What the server itself measures of the stream's input (/metrics, over ~2 s) and what its log says about the
 * source's tracks ("passthrough tracks ..." or "decoded tracks ..."): the rate the benchmark really feeds it.
 */
async function reportIngest(url, home) {
  const text = await fetch(`${url}/metrics`).then((r) => r.text()).catch(() => '');
  const gauge = (name) => {
    const m = new RegExp(`^${name}\\{stream="${STREAM}"\\} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : NaN;
  };
  const kbps = (gauge('sightline_stream_input_bytes_per_second') * 8) / 1000;
  const fps = gauge('sightline_stream_frames_per_second');
  console.log(`ingest of ${STREAM} measured by the server: ${fmt(kbps)} kbit/s, ${fmt(fps, 1)} fps,`
    + ` keyframe interval ${fmt(gauge('sightline_stream_keyframe_interval_seconds'), 2)} s`);
  const logDir = path.join(home, 'data/log');
  const lines = (fs.existsSync(logDir) ? fs.readdirSync(logDir) : [])
    .flatMap((f) => fs.readFileSync(path.join(logDir, f), 'utf8').split('\n'))
    .filter((l) => l.includes(`Stream '${STREAM}': `) && / tracks /.test(l));
  const last = lines.length ? lines[lines.length - 1].replace(/^.*?Stream '/, "Stream '") : 'no tracks line yet';
  console.log(`server log: ${last}`);
}

function findDistribution() {
  const dir = path.join(__dirname, '../../karaf-assembly/target');
  const file = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => /^sightline-karaf-.*\.tar\.gz$/.test(f));
  if (!file) throw new Error(`no distribution in ${dir}: build karaf-assembly or pass --dist / --url`);
  return path.join(dir, file);
}

function bootFeature(home, feature) {
  const file = path.join(home, 'etc/org.apache.karaf.features.cfg');
  const text = fs.readFileSync(file, 'latin1');
  const boot = /^(featuresBoot\s*=.*)\)\s*$/m.exec(text);
  if (!boot) throw new Error(`no featuresBoot line in ${file}`);
  if (!boot[1].includes(feature)) fs.writeFileSync(file, text.replace(boot[0], `${boot[1]}, ${feature})`));
}

function setKey(file, key, value) {
  const text = fs.readFileSync(file, 'latin1');
  const line = new RegExp(`^\\s*${key.replace('.', '\\.')}\\s*=.*$`, 'm');
  if (!line.test(text)) throw new Error(`${file} has no ${key}`);
  fs.writeFileSync(file, text.replace(line, `${key} = ${value}`), 'latin1');
}

async function whepKnows(url, stream) {
  try {
    const r = await fetch(`${url}/whep/${stream}`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0\r\n' });
    return r.status !== 404;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- one run --------------------------------------------------------------------------------------------------

/** rateAt(ms since the WHEP POST) -> the link's rate in kbit/s, for a fixed rate or a --step schedule. */
function schedule(o, rate) {
  if (!o.step) return () => rate;
  return (ms) => {
    let r = o.step[0][0];
    for (const [kbps, at] of o.step) if (ms >= at * 1000) r = kbps;
    return r;
  };
}

async function run(o, server, browser, rateAt, seed) {
  const down = impair.parseLink(`rate=${rateAt(0)}+queue=${o.queue}${o.linkExtra ? '+' + o.linkExtra : ''}`);
  const target = { address: '127.0.0.1', port: server.sfuPort }; // P2P: the answer's candidate, once it is known
  const recorder = o.record && seed === 1000 ? new FeedbackRecorder(o.record) : null;
  const relay = await impair.startRelay({ listen: { address: '127.0.0.2', port: 0 }, target,
    up: impair.parseLink(''), down, seed, observeDown: recorder && recorder.observe });
  const page = await browser.newPage({ viewport: { width: 640, height: 360 } });
  // --open-viewer: a second viewer of the same stream, straight to the server (no relay), started first.
  const open = o.openViewer ? await browser.newPage({ viewport: { width: 640, height: 360 } }) : null;
  const openSeen = []; // like `player` below, for the open viewer
  try {
    if (open) {
      await open.goto(`${server.url}/play/${o.stream}?muted=1&stats=1`);
      await open.waitForFunction(() => window.sightlinePlayer && window.sightlinePlayer.stats()
        && window.sightlinePlayer.stats().framesDecoded > 0, null, { timeout: 30000, polling: 100 });
    }
    const p2p = o.transport === 'p2p';
    if (p2p) {
      await page.exposeFunction('__bweTarget', (address, port) => { target.address = address; target.port = port; });
    }
    if (recorder) {
      await page.exposeFunction('__bweTcc', (id, rtx) => { recorder.extensionId = id; recorder.rtxSsrcs = new Set(rtx); });
    }
    await page.addInitScript(INSTRUMENT, { relay: { address: relay.address, port: relay.port }, p2p });
    await page.goto(`${server.url}/play/${o.stream}?muted=1&stats=1`);
    // Time runs from the WHEP POST (same machine, same clock): on a slow link the first picture may take long or
    // never come (a keyframe larger than the queue), and the estimate is the server's whether or not it does.
    await page.waitForFunction(() => window.__bwe.location !== null, null, { timeout: 30000, polling: 50 });
    const start = await page.evaluate(() => window.__bwe.whepAt);
    let firstPictureMs = NaN;
    const samples = []; // [ms since the WHEP POST, link kbit/s, estimate kbit/s, source, server's rung]
    let lastBytes = relay.stats().down.bytes;
    let lastAt = start;
    const delivered = []; // [ms, kbit/s delivered by the relay over the last second]
    const player = []; // [ms, framesDecoded, packetsLost, packetsReceived, picture height, server's rung], each second
    while (Date.now() - start < o.seconds * 1000) {
      const ms = Date.now() - start;
      down.rate = rateAt(ms); // the relay reads its link object on every packet
      // Read each time: a player that reconnects (it does when no picture comes for a while) has a new session.
      const location = await page.evaluate(() => window.__bwe.location);
      const r = await fetch(`${server.url}${location}`).then((x) => x.json()).catch(() => null);
      if (r) samples.push([ms, down.rate, r.bandwidthEstimateBps / 1000, r.bandwidthEstimateSource, r.rendition]);
      if (!Number.isFinite(firstPictureMs)
        && await page.evaluate(() => window.sightlinePlayer && window.sightlinePlayer.stats().framesDecoded > 0)) {
        firstPictureMs = Date.now() - start;
      }
      if (Date.now() - lastAt >= 1000) {
        const p = await page.evaluate(() => window.sightlinePlayer && window.sightlinePlayer.stats());
        if (p) {
          player.push([ms, p.framesDecoded, p.packetsLost, p.packetsReceived ?? 0, p.height ?? 0, r ? r.rendition : null,
            p.freezeCount ?? NaN, p.freezesMs ?? NaN, p.keyFramesDecoded ?? NaN, p.pliCount ?? NaN, p.nackCount ?? NaN]);
        }
        if (open) {
          const q = await open.evaluate(() => window.sightlinePlayer.stats());
          if (q) openSeen.push([ms, q.framesDecoded, q.packetsLost, q.packetsReceived ?? 0, q.height ?? 0, q.serverRendition]);
        }
        const bytes = relay.stats().down.bytes;
        delivered.push([ms, ((bytes - lastBytes) * 8) / (Date.now() - lastAt)]);
        lastBytes = bytes;
        lastAt = Date.now();
      }
      if (o.trace && r) console.log(`  ${(ms / 1000).toFixed(2)} s link ${down.rate} est ${(r.bandwidthEstimateBps / 1000).toFixed(0)} ${r.bandwidthEstimateSource}`);
      await sleep(POLL_MS);
    }
    const overlay = await page.evaluate(() => window.sightlinePlayer.stats());
    const sessions = await page.evaluate(() => window.__bwe.sessions);
    return { samples, delivered, player, openSeen, overlay, sessions, firstPictureMs, relay: relay.stats() };
  } finally {
    await page.close();
    if (open) await open.close();
    relay.close();
    if (recorder) recorder.close();
  }
}

/**
 * --record: what transport-cc feedback would tell the server about each packet, seen at the relay (on loopback the
 * relay's input is the server's send and its output the browser's arrival, give or take the event loop): per RTP
 * packet to the viewer that carries the transport-wide sequence extension, when it came in, its sequence number and
 * size, and when the link let it out (-1: dropped). Times in microseconds from the first packet.
 */
class FeedbackRecorder {
  constructor(file) {
    this.file = file;
    this.extensionId = 0;
    this.rtxSsrcs = new Set();
    this.lines = [];
    this.pending = new Map(); // Buffer -> [in us, seq, bytes]
    this.t0 = NaN;
    this.observe = (event, buf, nowMs) => this.packet(event, buf, nowMs);
  }

  packet(event, buf, nowMs) {
    if (event === 'in') {
      const seq = this.extensionId ? transportSequence(buf, this.extensionId) : -1;
      if (seq < 0) return;
      if (Number.isNaN(this.t0)) this.t0 = nowMs;
      const rtx = this.rtxSsrcs.has(buf.readUInt32BE(8)) ? 1 : 0;
      this.pending.set(buf, [Math.round((nowMs - this.t0) * 1000), seq, buf.length, rtx]);
      return;
    }
    const p = this.pending.get(buf);
    if (!p) return;
    this.pending.delete(buf);
    this.lines.push(`${p[0]} ${p[1]} ${p[2]} ${event === 'out' ? Math.round((nowMs - this.t0) * 1000) : -1} ${p[3]}`);
  }

  close() {
    fs.writeFileSync(this.file, `# in_us seq bytes out_us rtx (bwe.js --record)\n${this.lines.join('\n')}\n`);
    console.log(`recorded ${this.lines.length} packets to ${this.file}`);
  }
}

/** The transport-wide sequence number of an RTP packet (one-byte header extensions), or -1. */
function transportSequence(buf, id) {
  if (buf.length < 12 || (buf[0] & 0xc0) !== 0x80 || (buf[1] & 0x7f) >= 72 && (buf[1] & 0x7f) <= 79) return -1;
  if (!(buf[0] & 0x10)) return -1;
  const at = 12 + 4 * (buf[0] & 0x0f);
  if (buf.length < at + 4 || buf.readUInt16BE(at) !== 0xbede) return -1;
  const end = at + 4 + 4 * buf.readUInt16BE(at + 2);
  for (let i = at + 4; i < end && i < buf.length;) {
    if (buf[i] === 0) { i++; continue; }
    const elementId = buf[i] >> 4; const len = (buf[i] & 0x0f) + 1;
    if (elementId === id && len === 2) return buf.readUInt16BE(i + 1);
    i += 1 + len;
  }
  return -1;
}

/**
 * What the viewer saw from `fromMs` to `toMs`: decoded pictures per second and video packet loss from the player's
 * counters (a reconnecting player restarts them: such seconds are skipped), the picture heights and server rungs seen.
 */
function playerFigures(player, fromMs, toMs) {
  let frames = 0; let lost = 0; let received = 0; let ms = 0;
  const heights = new Set(); const rungs = new Set();
  for (let i = 1; i < player.length; i++) {
    const [t, f, l, r, h, rung] = player[i];
    const b = player[i - 1];
    if (t < fromMs || t >= toMs) continue;
    heights.add(h);
    rungs.add(rung ?? '?');
    if (f < b[1] || r < b[3]) continue;
    frames += f - b[1]; lost += Math.max(0, l - b[2]); received += r - b[3]; ms += t - b[0];
  }
  return { fps: ms > 0 ? (frames * 1000) / ms : NaN, lossPct: lost + received > 0 ? (100 * lost) / (lost + received) : NaN,
    heights: [...heights].join('/'), rungs: [...rungs].join('/') };
}

/**
 * The first second of the phase from which the picture height stays what it is at the end of the phase and no
 * video packet is lost for the rest of the phase: how long the viewer took to settle on its rung.
 */
function settledAt(player, fromMs, toMs) {
  const inPhase = player.filter((x) => x[0] >= fromMs && x[0] < toMs);
  if (inPhase.length < 2) return NaN;
  const finalHeight = inPhase[inPhase.length - 1][4];
  let at = NaN;
  for (let i = inPhase.length - 1; i >= 1; i--) {
    const [t, , l, , h] = inPhase[i];
    if (h !== finalHeight || l > inPhase[i - 1][2]) break;
    at = inPhase[i - 1][0] - fromMs;
  }
  return at;
}

/**
 * Chromium's freezes (a picture shown more than max(3 x the average frame time, average + 150 ms) after the one
 * before) that began from `fromMs` to `toMs`: how many and how long in all, from the player's per-second counters.
 */
function freezes(player, fromMs, toMs) {
  const inPhase = player.filter((x) => x[0] >= fromMs && x[0] < toMs && Number.isFinite(x[6]));
  const before = player.filter((x) => x[0] < fromMs && Number.isFinite(x[6])).pop() || inPhase[0];
  const last = inPhase[inPhase.length - 1];
  if (!before || !last || last[6] < before[6]) return { count: NaN, ms: NaN, list: [] };
  // When each ended (Chromium counts a freeze when the picture that ends it is shown), at 1 s resolution.
  const list = [];
  let prev = before;
  for (const x of inPhase) {
    if (x[6] > prev[6]) list.push(`${((x[0] - fromMs) / 1000 + 3).toFixed(0)} s: ${x[6] - prev[6]} (${Math.round(x[7] - prev[7])} ms)`);
    prev = x;
  }
  return { count: last[6] - before[6], ms: last[7] - before[7], list };
}

/** Seconds of the phase in which the viewer decoded fewer than 5 pictures (a freeze, at 1 s resolution). */
function frozenSeconds(player, fromMs, toMs) {
  const out = [];
  for (let i = 1; i < player.length; i++) {
    if (player[i][0] < fromMs || player[i][0] >= toMs || player[i][1] < player[i - 1][1]) continue;
    if (player[i][1] - player[i - 1][1] < 5) out.push(((player[i][0] - fromMs) / 1000).toFixed(0));
  }
  return out.length ? out.join(',') : 'none';
}

/**
 * The server's rung for the session over the phase, polled every 250 ms: the changes as "t s rung" (t from the
 * phase's start), the time of the first change (a move down after a step down), and the first time the rung is the
 * top ("source", a move back up after a step up).
 */
function rungMoves(samples, fromMs, toMs) {
  const inPhase = samples.filter((s) => s[0] >= fromMs && s[0] < toMs && s[4] !== undefined);
  const changes = [];
  let firstChange = NaN;
  let top = NaN;
  for (let i = 0; i < inPhase.length; i++) {
    const [t, , , , rung] = inPhase[i];
    if (i > 0 && rung !== inPhase[i - 1][4]) {
      changes.push(`${fmt((t - fromMs) / 1000, 2)} s ${rung}`);
      if (!Number.isFinite(firstChange)) firstChange = t - fromMs;
    }
    if (!Number.isFinite(top) && rung === 'source') top = t - fromMs;
  }
  return { start: inPhase.length ? inPhase[0][4] : '?', changes, firstChange, top };
}

/** From `fromMs`, the first time the estimate is within TOLERANCE of `kbps` and stays there for HOLD_MS. */
function convergedAt(samples, fromMs, toMs, kbps) {
  const inside = (s) => Math.abs(s[2] - kbps) <= TOLERANCE * kbps;
  const window = samples.filter((s) => s[0] >= fromMs && s[0] < toMs);
  for (let i = 0; i < window.length; i++) {
    if (!inside(window[i])) continue;
    let j = i;
    while (j < window.length && inside(window[j]) && window[j][0] - window[i][0] < HOLD_MS) j++;
    if (j < window.length && window[j][0] - window[i][0] >= HOLD_MS) return window[i][0] - fromMs;
    if (j === window.length && toMs - window[i][0] >= HOLD_MS) return window[i][0] - fromMs;
  }
  return NaN;
}

const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Phases of a run: [fromMs, toMs, link kbit/s]. */
function phases(o, rate) {
  if (!o.step) return [[0, o.seconds * 1000, rate]];
  return o.step.map(([kbps, at], i) => [at * 1000, i + 1 < o.step.length ? o.step[i + 1][1] * 1000 : o.seconds * 1000,
    kbps]);
}

async function main() {
  const o = options(process.argv.slice(2));
  const server = o.url ? { url: o.url, sfuPort: o.sfuPort, stop: () => {} } : await startDistribution(o);
  if (!server.sfuPort) throw new Error('--url needs --sfu-port');
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, ${os.cpus().length} cores`);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const table = [];
  try {
    const rates = o.step ? [o.step[0][0]] : o.rates;
    for (let r = 0; r < o.runs; r++) {
      for (const rate of rates) { // conditions alternate, so drifts of the machine hit each alike
        const label = o.step ? o.step.map(([k, at]) => `${k}@${at}s`).join(' -> ') : `${rate} kbit/s`;
        let result;
        try {
          result = await run(o, server, browser, schedule(o, rate), 1000 + r);
        } catch (e) {
          console.log(`${label} run ${r + 1} failed: ${e.message.split('\n')[0]}`);
          continue;
        }
        for (const [from, to, kbps] of phases(o, rate)) {
          const late = result.samples.filter((s) => s[0] >= (from + to) / 2 && s[0] < to);
          const row = {
            label, phase: `${kbps} kbit/s ${fmt(from / 1000)}-${fmt(to / 1000)} s`, link: kbps, run: r + 1,
            converge: convergedAt(result.samples, from, to, kbps),
            median: median(late.map((s) => s[2])),
            delivered: median(result.delivered.filter((d) => d[0] >= (from + to) / 2 && d[0] < to).map((d) => d[1])),
            sources: [...new Set(result.samples.map((s) => s[3]))].join('/'),
            seen: playerFigures(result.player, (from + to) / 2, to),
          };
          table.push(row);
          console.log(`${label} run ${row.run} [${row.phase}]: estimate median ${fmt(row.median)} kbit/s`
            + ` (${fmt((100 * row.median) / kbps)} % of the link) over the last half, converged (+-20 %, held 2 s)`
            + ` after ${fmt(row.converge / 1000, 2)} s; relay delivered ${fmt(row.delivered)} kbit/s; source ${row.sources};`
            + ` overlay ${fmt(result.overlay.serverEstimateKbps)} kbit/s (${result.overlay.serverEstimateSource}),`
            + ` player ${fmt(result.overlay.fps, 1)} fps, first picture ${fmt(result.firstPictureMs / 1000, 2)} s,`
            + ` ${result.sessions} WHEP session(s);`
            + ` relay queue drops ${result.relay.down.queueDropped}`
            + ` of ${result.relay.down.in}`);
          console.log(`  viewer over the last half: ${fmt(row.seen.fps, 1)} fps, video loss ${fmt(row.seen.lossPct, 2)} %,`
            + ` picture heights ${row.seen.heights}, server rung ${row.seen.rungs}`);
          if (o.openViewer) {
            const ov = playerFigures(result.openSeen, from, to);
            console.log(`  open viewer over the whole phase: ${fmt(ov.fps, 1)} fps, video loss ${fmt(ov.lossPct, 2)} %,`
              + ` picture heights ${ov.heights}`);
          }
          const moves = rungMoves(result.samples, from, to);
          console.log(`  server rung at the phase's start ${moves.start}; moves: ${moves.changes.join(', ') || 'none'};`
            + ` first move after ${fmt(moves.firstChange / 1000, 2)} s, on the top rung from ${fmt(moves.top / 1000, 2)} s`);
          const after3 = playerFigures(result.player, from + 3000, to);
          const frozen = freezes(result.player, from + 3000, to);
          console.log(`  viewer from 3 s into the phase: ${fmt(after3.fps, 1)} fps, video loss ${fmt(after3.lossPct, 2)} %,`
            + ` ${frozenSeconds(result.player, from + 3000, to).split(',').filter((x) => x !== 'none').length}`
            + ` seconds with fewer than 5 pictures, ${fmt(frozen.count)} freezes (Chromium's freezeCount) lasting`
            + ` ${fmt(frozen.ms)} ms in all${frozen.list.length ? `, ended by second of the phase ${frozen.list.join(', ')}` : ''}`);
          console.log(`  the viewer's first 8 s, each second (pictures decoded, keyframes decoded, PLIs and NACKs sent):`
            + ` ${result.player.filter((x) => x[0] >= from && x[0] < from + 8000).map((x, i, a) => {
              const b = i > 0 ? a[i - 1] : [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
              return `${x[1] - b[1]}/${x[8] - b[8]}/${x[9] - b[9]}/${x[10] - b[10]}`;
            }).join(' ')}; the relay delivered kbit/s: ${result.delivered.filter((d) => d[0] >= from && d[0] < from + 8000)
              .map((d) => fmt(d[1])).join(' ')}`);
          const settle = settledAt(result.player, from, to);
          console.log(`  constrained viewer settled (final picture height, no loss from then on) after`
            + ` ${fmt(settle / 1000, 1)} s of the phase; seconds with fewer than 5 pictures: ${frozenSeconds(result.player, from, to)}`);
          console.log(`  estimate kbit/s each second: ${result.samples.filter((s, i) => i % 4 === 0 && s[0] >= from && s[0] < to).map((s) => fmt(s[2])).join(' ')}`);
        }
      }
    }
  } finally {
    await browser.close();
    server.stop();
  }
  console.log('\n| link | runs | estimate median (last half) | % of link | time to converge (median, max) | relay delivered |');
  console.log('|---|---|---|---|---|---|');
  const keys = [...new Set(table.map((t) => t.phase.replace(/ \d+-\d+ s$/, '') + '|' + t.phase))];
  for (const key of keys) {
    const rows = table.filter((t) => t.phase.replace(/ \d+-\d+ s$/, '') + '|' + t.phase === key);
    const c = rows.map((t) => t.converge / 1000);
    console.log(`| ${rows[0].phase} | ${rows.length} | ${fmt(median(rows.map((t) => t.median)))} kbit/s`
      + ` | ${fmt(median(rows.map((t) => (100 * t.median) / t.link)))} % | ${fmt(median(c), 2)} s, `
      + `${c.some((x) => !Number.isFinite(x)) ? 'not converged in ' + c.filter((x) => !Number.isFinite(x)).length : fmt(Math.max(...c), 2) + ' s'}`
      + ` | ${fmt(median(rows.map((t) => t.delivered)))} kbit/s |`);
  }
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
