'use strict';
// Simulcast publishers (issue 17, decision 0048): what a publisher costs the server with three simulcast layers
// against one layer, and how soon a viewer behind a slow link decodes a lower rung (a layer the publisher sends,
// against a rung the server has to encode for a single-layer publisher).
//
//   npm install && node simulcast.js [--dist karaf-assembly/target/sightline-karaf-*.tar.gz] [--port-base 18100]
//                                    [--seconds 30] [--runs 2] [--moves 3] [--rate 300]
//
// Starts its own distribution (ports from --port-base; the demo stream removed so nothing else encodes; the JWT
// provider booted with a benchmark-only secret to sign the publish token) with one whip stream 'sim'. A headless
// Chromium with a fake camera publishes 1280x720@30 over WHIP, alternately as one layer and as three simulcast layers
// (rids l, m, h at a quarter, half and full size). Per run: the server JVM's CPU (utime+stime from /proc) over
// --seconds after 15 s of warm-up, the publisher's outgoing video bitrate, and the layers' sizes.
// Then, per publisher kind, --moves viewers open the bundled player through a userspace relay limited to --rate
// kbit/s towards the viewer (../impair): the time from the server's "moving from ... to ..." log line to the first
// frame the viewer decodes at the lower rung's size (requestVideoFrameCallback), and the rung it went to.
const { chromium } = require('playwright-core');
const { execFileSync, spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { startRelay, parseLink } = require('../impair/impair');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
const SECRET = 'sightline-simulcast-bench-only-0123456789abcdef';
const STREAM = 'sim';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function options(argv) {
  const o = { dist: null, portBase: 18100, seconds: 30, runs: 2, moves: 3, rate: 300 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(k in o)) throw new Error(`unknown option ${argv[i]}`);
    o[k] = k === 'dist' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return o;
}

function setKey(file, key, value) {
  const text = fs.readFileSync(file, 'latin1');
  const line = new RegExp(`^\\s*${key.replace('.', '\\.')}\\s*=.*$`, 'm');
  if (!line.test(text)) throw new Error(`${file} has no ${key}`);
  fs.writeFileSync(file, text.replace(line, `${key} = ${value}`), 'latin1');
}

function findDistribution() {
  const dir = path.join(__dirname, '../../karaf-assembly/target');
  const file = fs.existsSync(dir) && fs.readdirSync(dir).find((f) => /^sightline-karaf-.*\.tar\.gz$/.test(f));
  if (!file) throw new Error(`no distribution in ${dir}: build karaf-assembly or pass --dist`);
  return path.join(dir, file);
}

function token() {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'simulcast-bench',
    exp: Math.floor(Date.now() / 1000) + 86400, streams: [STREAM], actions: ['publish', 'read'] })}`;
  return `${input}.${crypto.createHmac('sha256', SECRET).update(input).digest('base64url')}`;
}

async function ok(url) {
  try {
    return (await fetch(url)).status === 200;
  } catch {
    return false;
  }
}

async function startDistribution(o) {
  const dist = o.dist || findDistribution();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-simulcast-'));
  execFileSync('tar', ['xzf', dist, '-C', home, '--strip-components=1']);
  const p = o.portBase;
  setKey(path.join(home, 'etc/org.apache.karaf.shell.cfg'), 'sshPort', p + 1);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiRegistryPort', p + 2);
  setKey(path.join(home, 'etc/org.apache.karaf.management.cfg'), 'rmiServerPort', p + 3);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'udp.port', p + 4);
  setKey(path.join(home, 'etc/io.sightline.transport.sfu.cfg'), 'tcp.port', p + 5);
  fs.rmSync(path.join(home, 'etc/io.sightline.stream-demo.cfg'), { force: true });
  const features = path.join(home, 'etc/org.apache.karaf.features.cfg');
  const text = fs.readFileSync(features, 'latin1');
  const boot = /^(featuresBoot\s*=.*)\)\s*$/m.exec(text);
  if (!boot[1].includes('sightline-auth-jwt')) fs.writeFileSync(features, text.replace(boot[0], `${boot[1]}, sightline-auth-jwt)`));
  fs.writeFileSync(path.join(home, 'etc/io.sightline.auth.jwt.cfg'), `hmac.secret = ${SECRET}\n`);
  fs.writeFileSync(path.join(home, `etc/io.sightline.stream-${STREAM}.cfg`), ['# The simulcast benchmark\'s stream.',
    'source.type = whip', 'access = public', 'publish.reconnect.seconds = 60', ''].join('\n'));
  const log = fs.openSync(path.join(home, 'console.log'), 'w');
  const child = spawn(path.join(home, 'bin/karaf'), ['server'], { cwd: home, detached: true, stdio: ['ignore', log, log],
    env: { ...process.env, SIGHTLINE_HTTP_PORT: String(p), SIGHTLINE_BIND_ADDRESS: '127.0.0.1' } });
  const stop = () => {
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
  };
  process.on('exit', stop);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(1));
  const url = `http://127.0.0.1:${p}`;
  const started = Date.now();
  while (!(await ok(`${url}/health`) && (await (await fetch(`${url}/health`)).text()).includes(`"${STREAM}"`))) {
    if (Date.now() - started > 120000) throw new Error(`no healthy server at ${url} after 120 s (see ${home})`);
    await sleep(500);
  }
  console.log(`started ${path.basename(dist)} in ${home} (HTTP ${p}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, home, stop, pid: javaPid(home) };
}

/** The server's JVM: the java process whose command line names the distribution's home. */
function javaPid(home) {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      if (/\/java$/.test(fs.readlinkSync(`/proc/${pid}/exe`)) && cmd.includes(home)) return Number(pid);
    } catch { /* gone */ }
  }
  throw new Error(`no JVM for ${home}`);
}

/** CPU seconds (user + system) the process used so far. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/** In the publisher page: getUserMedia 1280x720, one layer or three, POST /whip, apply the answer. */
const PUBLISH = async ({ stream, token, simulcast }) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 }, audio: true });
  const pc = new RTCPeerConnection();
  window.pubPc = pc;
  for (const t of media.getTracks()) {
    const init = { direction: 'sendonly', streams: [media] };
    if (t.kind === 'video') {
      init.sendEncodings = simulcast ? [{ rid: 'l', scaleResolutionDownBy: 4 }, { rid: 'm', scaleResolutionDownBy: 2 },
        { rid: 'h' }] : [{}];
    }
    const tr = pc.addTransceiver(t, init);
    if (t.kind === 'video') {
      const p = tr.sender.getParameters();
      p.degradationPreference = 'maintain-resolution';
      await tr.sender.setParameters(p).catch(() => {});
    }
  }
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === 'complete') return done();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    setTimeout(done, 3000);
  });
  const r = await fetch(`/whip/${stream}`, { method: 'POST', body: pc.localDescription.sdp,
    headers: { 'Content-Type': 'application/sdp', Authorization: `Bearer ${token}` } });
  if (r.status !== 201) throw new Error(`WHIP ${r.status}: ${await r.text()}`);
  window.pubLocation = r.headers.get('Location');
  await pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
};

const SENT = async () => {
  const out = { bytes: 0, layers: {} };
  (await window.pubPc.getStats()).forEach((s) => {
    if (s.type === 'outbound-rtp' && s.kind === 'video') {
      out.bytes += s.bytesSent;
      out.layers[s.rid || 'single'] = `${s.frameWidth || 0}x${s.frameHeight || 0}@${Math.round(s.framesPerSecond || 0)}`;
    }
  });
  return out;
};

async function publish(browser, url, simulcast) {
  const page = await browser.newPage();
  await page.goto(`${url}/health`);
  await page.evaluate(PUBLISH, { stream: STREAM, token: token(), simulcast });
  return page;
}

async function unpublish(page, url) {
  const location = await page.evaluate(() => { window.pubPc.close(); return window.pubLocation; });
  await fetch(`${url}${location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${token()}` } }).catch(() => {});
  await page.close();
}

async function cpuRun(browser, server, simulcast, o) {
  const page = await publish(browser, server.url, simulcast);
  await sleep(15000);
  const c0 = cpuSeconds(server.pid);
  const s0 = await page.evaluate(SENT);
  const t0 = Date.now();
  await sleep(o.seconds * 1000);
  const c1 = cpuSeconds(server.pid);
  const s1 = await page.evaluate(SENT);
  const secs = (Date.now() - t0) / 1000;
  await unpublish(page, server.url);
  await sleep(3000);
  return { cpu: (c1 - c0) / secs * 100, kbps: (s1.bytes - s0.bytes) * 8 / secs / 1000, layers: s1.layers };
}

/** The server log's "Session <id>: moving from A to B" lines with their times (the log is in UTC here). */
function moves(home) {
  const dir = path.join(home, 'data/log');
  const lines = [];
  for (const f of fs.readdirSync(dir)) {
    for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.,]\d{3}).*Session (\w+): moving from (.+?) to (\S+) \(/.exec(l);
      if (m) lines.push({ at: Date.parse(`${m[1].replace(',', '.')}Z`), session: m[2], from: m[3], to: m[4] });
    }
  }
  return lines;
}

/** Injected before the player loads: the WHEP answer's candidates replaced by the relay; frame sizes recorded. */
const VIEWER_INIT = (relayPort) => `
  window.frameSizes = [];
  const originalFetch = window.fetch;
  window.fetch = async function (input, init) {
    const post = init && init.method === 'POST' && String(input).includes('/whep/');
    const response = await originalFetch.apply(this, arguments);
    if (!post || response.status !== 201) return response;
    const lines = (await response.text()).split('\\r\\n').filter((l) => !l.startsWith('a=candidate:'));
    const at = lines.findIndex((l) => l.startsWith('a=ice-pwd:'));
    lines.splice(at + 1, 0, 'a=candidate:1 1 udp 2130706431 127.0.0.1 ${relayPort} typ host');
    return new Response(lines.join('\\r\\n'), { status: response.status, headers: response.headers });
  };
  const watch = () => {
    const v = document.querySelector('video');
    if (!v || !v.requestVideoFrameCallback) return setTimeout(watch, 20);
    const frame = (now, meta) => {
      const last = window.frameSizes[window.frameSizes.length - 1];
      if (!last || last.width !== meta.width) window.frameSizes.push({ at: Date.now(), width: meta.width });
      v.requestVideoFrameCallback(frame);
    };
    v.requestVideoFrameCallback(frame);
  };
  document.addEventListener('DOMContentLoaded', watch);`;

async function moveRun(browser, server, o) {
  const relay = await startRelay({ listen: { address: '127.0.0.1', port: 0 },
    target: { address: '127.0.0.1', port: o.portBase + 4 }, down: parseLink(`rate=${o.rate}`) });
  const context = await browser.newContext();
  await context.addInitScript(VIEWER_INIT(relay.port));
  const page = await context.newPage();
  const opened = Date.now();
  await page.goto(`${server.url}/play/${STREAM}?muted=1&stats=1`);
  let result = null;
  const deadline = Date.now() + 40000;
  while (!result && Date.now() < deadline) {
    await sleep(500);
    const sizes = await page.evaluate(() => window.frameSizes);
    const first = sizes[0];
    const smaller = first && sizes.find((s) => s.width < first.width);
    const move = moves(server.home).find((m) => m.at >= opened && m.from === 'the stream itself');
    if (smaller && move) result = { rung: move.to, firstFrameMs: first.at - opened, moveToFrameMs: smaller.at - move.at,
      widths: `${first.width} -> ${smaller.width}` };
  }
  await context.close();
  relay.close();
  await sleep(2000);
  return result || { error: 'no move to a smaller rung within 40 s' };
}

const median = (v) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

(async () => {
  const o = options(process.argv.slice(2));
  console.log(`load average at start: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
  const server = await startDistribution(o);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const cpu = { single: [], simulcast: [] };
    for (let i = 0; i < o.runs; i++) {
      for (const kind of ['single', 'simulcast']) {
        const r = await cpuRun(browser, server, kind === 'simulcast', o);
        cpu[kind].push(r.cpu);
        console.log(`cpu run ${i + 1} ${kind}: server ${r.cpu.toFixed(2)} % of a core, publisher video ${r.kbps.toFixed(0)} kbit/s, layers ${JSON.stringify(r.layers)}`);
      }
    }
    console.log(`server CPU per publisher, median of ${o.runs}: single layer ${median(cpu.single).toFixed(2)} %, `
      + `simulcast ${median(cpu.simulcast).toFixed(2)} % of a core (ratio ${(median(cpu.simulcast) / median(cpu.single)).toFixed(2)})`);
    for (const kind of ['simulcast', 'single']) {
      const page = await publish(browser, server.url, kind === 'simulcast');
      await sleep(15000);
      const values = [];
      for (let i = 0; i < o.moves; i++) {
        const r = await moveRun(browser, server, o);
        console.log(`move run ${i + 1} ${kind} publisher behind ${o.rate} kbit/s: ${JSON.stringify(r)}`);
        values.push(r.moveToFrameMs);
      }
      console.log(`${kind} publisher: move to a lower rung -> first frame at its size, median ${median(values)} ms`);
      await unpublish(page, server.url);
      await sleep(3000);
    }
  } finally {
    console.log(`load average at end: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);
    await browser.close();
    server.stop();
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
