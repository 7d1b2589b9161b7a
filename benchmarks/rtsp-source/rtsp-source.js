#!/usr/bin/env node
'use strict';
// RTSP camera benchmark: a real RTSP server (gst-rtsp-server, 720p30 H.264, 2 s GOP) feeding a Sightline stream
// (source.type = rtsp). Prints the time from a viewer's WHEP POST to its first rendered frame in headless Chromium
// with the stream always-on and on-demand, and the server's CPU for the stream passed through and transcoded
// (source.passthrough = never). See README.md.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const firstFrame = require('../first-frame/first-frame');
const firefox = require('../first-frame/firefox');
const { Viewer, ndc } = require('../load/viewer');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const a = { dist: null, httpPort: 9560, portBase: 9561, rtspPort: 9570, runs: 7, window: 20, reps: 3, kbps: 2000,
    warmCamera: true, phases: ['always-on', 'on-demand', 'cpu'] };
  for (let i = 2; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--dist': a.dist = path.resolve(v); i++; break;
      case '--http-port': a.httpPort = Number(v); i++; break;
      case '--port-base': a.portBase = Number(v); i++; break;
      case '--rtsp-port': a.rtspPort = Number(v); i++; break;
      case '--runs': a.runs = Number(v); i++; break;
      case '--window': a.window = Number(v); i++; break;
      case '--reps': a.reps = Number(v); i++; break;
      case '--kbps': a.kbps = Number(v); i++; break;
      case '--cold-camera': a.warmCamera = false; break;
      case '--phases': a.phases = v.split(','); i++; break;
      default: throw new Error('unknown option ' + argv[i] + ' (see README.md)');
    }
  }
  if (!a.dist) throw new Error('give --dist DIR (an unpacked distribution; this script sets its ports and streams)');
  return a;
}

// ---- processes -----------------------------------------------------------------------------------------------------

const children = [];

function startCamera(a) {
  const log = path.join(a.dist, 'rtsp-camera.log');
  const p = spawn('/usr/bin/python3', [path.join(__dirname, 'rtsp_server.py'), String(a.rtspPort), String(a.kbps)],
    { stdio: ['ignore', fs.openSync(log, 'w'), fs.openSync(log, 'a')], detached: true });
  children.push(p);
  return log;
}

/** Keeps one RTSP client on the camera so its pipeline runs: later clients join mid-GOP, as on an IP camera. */
function startCameraHolder(a) {
  const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', cameraUrl(a),
    '-c', 'copy', '-f', 'null', '-'], { stdio: 'ignore', detached: true });
  children.push(p);
}

function cameraUrl(a) {
  return `rtsp://127.0.0.1:${a.rtspPort}/cam`;
}

function etc(a, file) {
  return path.join(a.dist, 'etc', file);
}

function startDistribution(a) {
  const edit = (file, re, line) => fs.writeFileSync(etc(a, file), fs.readFileSync(etc(a, file), 'utf8').replace(re, line));
  edit('org.apache.karaf.shell.cfg', /^sshPort\s*=.*$/m, 'sshPort = ' + a.portBase);
  edit('org.apache.karaf.management.cfg', /^rmiRegistryPort\s*=.*$/m, 'rmiRegistryPort = ' + (a.portBase + 1));
  edit('org.apache.karaf.management.cfg', /^rmiServerPort\s*=.*$/m, 'rmiServerPort = ' + (a.portBase + 2));
  edit('io.sightline.transport.sfu.cfg', /^udp\.port\s*=.*$/m, 'udp.port = ' + (a.portBase + 3));
  edit('io.sightline.transport.sfu.cfg', /^tcp\.port\s*=.*$/m, 'tcp.port = ' + (a.portBase + 3));
  // Only the camera streams of this benchmark: no demo test pattern next to them in the CPU figures.
  for (const f of fs.readdirSync(path.join(a.dist, 'etc'))) {
    if (/^io\.sightline\.stream-.*\.cfg$/.test(f)) fs.unlinkSync(etc(a, f));
  }
  const log = fs.openSync(path.join(a.dist, 'rtsp-bench-server.log'), 'w');
  const p = spawn(path.join(a.dist, 'bin', 'karaf'), ['server'], {
    cwd: a.dist, env: { ...process.env, SIGHTLINE_HTTP_PORT: String(a.httpPort) }, stdio: ['ignore', log, log],
    detached: true,
  });
  children.push(p);
}

function stopAll() {
  for (const c of children.reverse()) {
    try {
      process.kill(-c.pid, 'SIGTERM');
    } catch (e) {
      // already gone
    }
  }
}

/** Defines (or, with null, removes) stream NAME; Karaf's file install applies it without a restart. */
function defineStream(a, name, lines) {
  const f = etc(a, `io.sightline.stream-${name}.cfg`);
  if (lines === null) {
    if (fs.existsSync(f)) fs.unlinkSync(f);
    return;
  }
  fs.writeFileSync(f, ['# Written by benchmarks/rtsp-source.', 'source.type = rtsp', `source.url = ${cameraUrl(a)}`,
    'source.rtsp.transport = tcp', 'transport.mode = sfu', 'access = public', 'access.public.from = 127.0.0.1/8, ::1',
    'video.codec = h264', `video.bitrate.kbps = ${a.kbps}`, 'video.gop.frames = 60', ...lines, ''].join('\n'));
}

const STREAMS = {
  'cam-always': ['mode = always-on', 'source.passthrough = auto'],
  'cam-ondemand': ['mode = on-demand', 'on.demand.close.after.seconds = 2', 'source.passthrough = auto'],
  'cam-transcode': ['mode = always-on', 'source.passthrough = never'],
  // Firefox ESR has no H.264: it is served the shared VP8 rendition, stopped 2 s after its last viewer.
  'cam-firefox': ['mode = always-on', 'source.passthrough = auto', 'renditions.stop.after.seconds = 2'],
};
const RENDITION_STOP_WAIT_MS = 4000; // > renditions.stop.after.seconds of cam-firefox
const CLOSE_WAIT_MS = 4000; // > on.demand.close.after.seconds: every on-demand run opens the camera again

/** Opens and closes one node-datachannel viewer until the stream plays (it may still be being defined). */
async function waitPlayable(a, name, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = new Viewer(`http://127.0.0.1:${a.httpPort}/whep/${name}`, -1);
    try {
      await v.open(8000);
      await v.close();
      return;
    } catch (e) {
      v.close();
      await sleep(1000);
    }
  }
  throw new Error(`stream ${name} did not play within ${timeoutMs} ms`);
}

// ---- the karaf process ---------------------------------------------------------------------------------------------

function karafPid(a) {
  // The java process whose command line runs this distribution's Karaf main class.
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
      if (cmd.includes('org.apache.karaf.main.Main') && cmd.includes(a.dist)) return Number(p);
    } catch (e) {
      // gone
    }
  }
  return 0;
}

const CLK_TCK = 100;

/** % of one core the process spent over `seconds` (utime + stime from /proc/PID/stat). */
async function cpuPercent(pid, seconds) {
  const read = () => {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK, at: performance.now() };
  };
  const s0 = read();
  await sleep(seconds * 1000);
  const s1 = read();
  return ((s1.cpu - s0.cpu) / ((s1.at - s0.at) / 1000)) * 100;
}

// ---- phases --------------------------------------------------------------------------------------------------------

async function firstFrames(a, browser, name, between) {
  const values = [];
  for (let i = 0; i < a.runs; i++) {
    const r = await firstFrame.run(browser, a.httpPort, name, { watchMs: 3000, timeoutMs: 15000 });
    console.log(`  ${name} run ${i + 1}: ${firstFrame.describe(r)}`);
    values.push(r.firstFrameMs ?? NaN);
    await sleep(between);
  }
  const s = firstFrame.summary(values);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  console.log(`${name}: first frame median ${f(s.median)} ms, p95 ${f(s.p95)} ms (min ${f(s.min)}, max ${f(s.max)}), ` +
    `${s.n}/${a.runs} runs rendered; all: ${values.map(f).join(', ')}`);
  return { name, ...s, values };
}

/** The VP8 renditions running for `name`, from /metrics (a running rendition has a viewers series). */
async function runningRenditions(a, name) {
  const text = await (await fetch(`http://127.0.0.1:${a.httpPort}/metrics`)).text();
  const re = new RegExp(`^sightline_rendition_viewers\\{[^}]*stream="${name}"[^}]*rendition="([^"]+)"`, 'gm');
  return [...text.matchAll(re)].map((m) => m[1]);
}

async function firefoxRuns(a, label, name, before) {
  const values = [];
  for (let i = 0; i < a.runs; i++) {
    const running = await before();
    const r = await firefox.run(`http://127.0.0.1:${a.httpPort}/whep/${name}`);
    console.log(`  ${label} run ${i + 1} (renditions running before: ${running.join(' ') || 'none'}): ` +
      firefox.describe(r));
    values.push(r.firstFrameMs ?? NaN);
  }
  const s = firstFrame.summary(values);
  const f = (x) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  console.log(`firefox, ${label}: first frame median ${f(s.median)} ms, p95 ${f(s.p95)} ms (min ${f(s.min)}, ` +
    `max ${f(s.max)}), ${s.n}/${a.runs} runs rendered; all: ${values.map(f).join(', ')}`);
  return { label, ...s, values };
}

/**
 * Issue 14: Firefox ESR (VP8 only) on the H.264 camera, first with its VP8 rendition already running (a
 * node-datachannel VP8 viewer holds it), then with the rendition started by the Firefox viewer itself (waiting past
 * renditions.stop.after.seconds before each run).
 */
async function firefoxPhase(a) {
  defineStream(a, 'cam-firefox', STREAMS['cam-firefox']);
  await waitPlayable(a, 'cam-firefox', 180000);
  await sleep(3000);
  const url = `http://127.0.0.1:${a.httpPort}/whep/cam-firefox`;
  Viewer.codec = 'VP8';
  const holder = new Viewer(url, 1);
  await holder.open(15000);
  Viewer.codec = undefined;
  await sleep(3000);
  const warm = await firefoxRuns(a, 'VP8 rendition running', 'cam-firefox', async () => {
    await sleep(1000);
    return runningRenditions(a, 'cam-firefox');
  });
  await holder.close();
  const cold = await firefoxRuns(a, 'VP8 rendition started by the viewer', 'cam-firefox', async () => {
    await sleep(RENDITION_STOP_WAIT_MS);
    return runningRenditions(a, 'cam-firefox');
  });
  defineStream(a, 'cam-firefox', null);
  return { warm, cold };
}

async function cpuPhase(a, pid) {
  // Baseline (no stream), then passthrough and transcode each with one viewer, alternated `reps` times.
  const rows = { none: [], passthrough: [], transcode: [] };
  for (let rep = 0; rep < a.reps; rep++) {
    for (const [kind, name] of [['none', null], ['passthrough', 'cam-always'], ['transcode', 'cam-transcode']]) {
      for (const n of Object.keys(STREAMS)) defineStream(a, n, null);
      let viewer = null;
      if (name) {
        defineStream(a, name, STREAMS[name]);
        await sleep(2000);
        await waitPlayable(a, name, 30000);
        viewer = new Viewer(`http://127.0.0.1:${a.httpPort}/whep/${name}`, 1);
        await viewer.open(15000);
      }
      await sleep(5000); // past start-up (encoder, JIT)
      const v0 = viewer?.snapshot();
      const cpu = await cpuPercent(pid, a.window);
      const kbps = viewer ? ((viewer.snapshot().bytes - v0.bytes) * 8) / 1000 / a.window : NaN;
      rows[kind].push(cpu);
      console.log(`  cpu rep ${rep + 1} ${kind}: server ${cpu.toFixed(1)} % of a core` +
        (viewer ? `, viewer got ${kbps.toFixed(0)} kbit/s` : ''));
      if (viewer) await viewer.close();
    }
  }
  for (const n of Object.keys(STREAMS)) defineStream(a, n, null);
  const med = (v) => firstFrame.summary(v).median;
  const base = med(rows.none);
  console.log(`cpu (median of ${a.reps} windows of ${a.window} s, one viewer): no stream ${base.toFixed(1)} %, ` +
    `passthrough ${med(rows.passthrough).toFixed(1)} % (+${(med(rows.passthrough) - base).toFixed(1)}), ` +
    `transcode ${med(rows.transcode).toFixed(1)} % (+${(med(rows.transcode) - base).toFixed(1)})`);
  return rows;
}

async function main() {
  const a = parseArgs(process.argv);
  ndc.initLogger('Error', () => {});
  process.on('SIGINT', () => { stopAll(); process.exit(130); });
  const camLog = startCamera(a);
  startDistribution(a);
  let browser = null;
  const out = { camera: cameraUrl(a), warmCamera: a.warmCamera };
  try {
    for (let i = 0; i < 100 && !fs.readFileSync(camLog, 'utf8').includes('ready'); i++) await sleep(100);
    if (!fs.readFileSync(camLog, 'utf8').includes('ready')) throw new Error('RTSP server: ' + fs.readFileSync(camLog, 'utf8'));
    if (a.warmCamera) startCameraHolder(a);
    console.error(`camera ${cameraUrl(a)} (${a.warmCamera ? 'running: clients join mid-GOP' : 'idle until a client'})`);
    browser = await firstFrame.launch();
    if (a.phases.includes('always-on')) {
      defineStream(a, 'cam-always', STREAMS['cam-always']);
      await waitPlayable(a, 'cam-always', 180000);
      await sleep(3000);
      out.alwaysOn = await firstFrames(a, browser, 'cam-always', 1000);
      defineStream(a, 'cam-always', null);
    }
    if (a.phases.includes('on-demand')) {
      defineStream(a, 'cam-ondemand', STREAMS['cam-ondemand']);
      await waitPlayable(a, 'cam-ondemand', 180000);
      await sleep(CLOSE_WAIT_MS);
      out.onDemand = await firstFrames(a, browser, 'cam-ondemand', CLOSE_WAIT_MS);
      defineStream(a, 'cam-ondemand', null);
    }
    await browser.close();
    browser = null;
    if (a.phases.includes('firefox')) {
      out.firefox = await firefoxPhase(a);
    }
    if (a.phases.includes('cpu')) {
      const pid = karafPid(a);
      if (!pid) throw new Error('cannot find the Karaf java process of ' + a.dist);
      out.cpu = await cpuPhase(a, pid);
    }
    fs.writeFileSync(path.join(a.dist, 'rtsp-source-results.json'), JSON.stringify(out, null, 2));
  } catch (e) {
    console.error('rtsp-source benchmark failed: ' + (e.stack || e));
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    stopAll();
    ndc.cleanup();
  }
}

main();
