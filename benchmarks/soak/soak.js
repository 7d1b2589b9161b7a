#!/usr/bin/env node
'use strict';
// Soak benchmark (issue 18, point 3): steady viewers on a 2 Mbit/s RTSP camera, a second camera killed and
// restarted on a schedule with viewers of its own, and a viewer arriving every second that stays a while and leaves,
// half of them with DELETE and half by vanishing (its path cut: only the consent timeout can reap it). Every
// --sample seconds it reads the server's RSS, live heap after a full GC, threads, file descriptors and session count
// (probe.js) and prints a row; at the end all viewers leave, it waits out the consent timeout, and it gives a
// verdict: after the warm-up every figure stayed within --tolerance % of its value at the end of the warm-up, and
// no session (nor any per-session object in the heap) is left. Exit status 0 when the verdict is PASS. See README.md.

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { Viewer, ndc } = require('../load/viewer');
const probe = require('./probe');
const { UdpRelay } = require('./relay');
const server = require('./server');

const sleep = server.sleep;

function parseArgs(argv) {
  const a = {
    url: null, dist: null, home: null, pid: 0, httpPort: 9350, portBase: 9351, minutes: 60, warmupSeconds: null,
    sampleSeconds: null, viewers: 100, blinkViewers: 5, arrivalSeconds: 1, dwellSeconds: 20, killEverySeconds: 120,
    downSeconds: 10, consentTimeout: 0, reapSeconds: null, tolerance: 5, json: null,
    camera: [1280, 720, 30, 2000], blinkCamera: [640, 360, 30, 500], concurrency: 8, fixedHeap: 0,
  };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = () => argv[++i];
    switch (k) {
      case '--url': a.url = v().replace(/\/$/, ''); break;
      case '--dist': a.dist = path.resolve(v()); break;
      case '--home': a.home = path.resolve(v()); break;
      case '--pid': a.pid = Number(v()); break;
      case '--http-port': a.httpPort = Number(v()); break;
      case '--port-base': a.portBase = Number(v()); break;
      case '--minutes': a.minutes = Number(v()); break;
      case '--warmup': a.warmupSeconds = Number(v()); break;
      case '--sample': a.sampleSeconds = Number(v()); break;
      case '--viewers': a.viewers = Number(v()); break;
      case '--blink-viewers': a.blinkViewers = Number(v()); break;
      case '--arrival': a.arrivalSeconds = Number(v()); break;
      case '--dwell': a.dwellSeconds = Number(v()); break;
      case '--kill-every': a.killEverySeconds = Number(v()); break;
      case '--down': a.downSeconds = Number(v()); break;
      case '--consent-timeout': a.consentTimeout = Number(v()); break;
      case '--reap': a.reapSeconds = Number(v()); break;
      case '--tolerance': a.tolerance = Number(v()); break;
      case '--camera': a.camera = v().split(/[x@,]/).map(Number); break;
      case '--blink-camera': a.blinkCamera = v().split(/[x@,]/).map(Number); break;
      case '--json': a.json = v(); break;
      case '--fixed-heap': a.fixedHeap = Number(v()); break;
      case '--clear-soft-refs': a.clearSoftRefs = true; break;
      case '-h': case '--help':
        console.log(fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8'));
        process.exit(0);
        break;
      default:
        throw new Error('unknown option ' + k);
    }
  }
  if (!a.url && !a.dist) {
    throw new Error('give --dist DIR (an unpacked distribution) or --url http://host:port with --home DIR');
  }
  if (a.url && !a.home) {
    throw new Error('with --url give --home DIR: the server\'s home, whose etc/ gets the two camera streams');
  }
  // One hour: a sample a minute after a 5-minute warm-up, as the issue asks. Short runs scale both down.
  a.sampleSeconds = a.sampleSeconds || (a.minutes >= 10 ? 60 : 10);
  a.warmupSeconds = a.warmupSeconds ?? (a.minutes >= 10 ? 300 : Math.round(a.minutes * 60 / 3));
  return a;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function percentile(values, p) {
  const v = values.filter(Number.isFinite).sort((x, y) => x - y);
  return v.length ? v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)] : NaN;
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** The consent timeout the server runs with (etc/io.sightline.transport.sfu.cfg, default 30 s). */
function consentTimeoutOf(etc) {
  try {
    const m = /^\s*consent\.timeout\.seconds\s*=\s*(\d+)/m.exec(fs.readFileSync(path.join(etc,
      'io.sightline.transport.sfu.cfg'), 'utf8'));
    return m ? Number(m[1]) : 30;
  } catch (e) {
    return 30;
  }
}

async function openAll(url, count, base, concurrency) {
  const viewers = [];
  const failures = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const v = new Viewer(url, base + next++);
      try {
        await v.open(20000);
        viewers.push(v);
      } catch (e) {
        failures.push(e.message);
        await v.close();
      }
    }
  }));
  return { viewers, failures };
}

async function awaitLive(base, names, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (const n of names) {
    while ((await server.streamState(base, n)) !== 'live') {
      if (Date.now() > deadline) {
        throw new Error(`stream ${n} not live within ${timeoutMs} ms (state ${await server.streamState(base, n)})`);
      }
      await sleep(500);
    }
  }
}

const METRICS = [['rssKiB', 'RSS'], ['heapAfterGcKiB', 'heap after GC'], ['threads', 'threads'], ['fds', 'fds'],
  ['sessions', 'sessions']];

function printHeader() {
  console.log('  t    sessions  RSS  heap  threads  fds  sockets  steady   kbit/s   loss  arrivals   blink   load');
  console.log(' min             MiB   MiB              udp/tcp  playing   p50      %    ok/fail   camera   avg');
}

function printRow(r) {
  const tcp = Object.values(r.tcp).reduce((x, y) => x + y, 0);
  console.log([fmt(r.t / 60, 1).padStart(5), String(r.sessions).padStart(8), fmt(r.rssKiB / 1024, 0).padStart(6),
    fmt(r.heapAfterGcKiB / 1024, 1).padStart(5), String(r.threads).padStart(8), String(r.fds).padStart(5),
    `${r.udp}/${tcp}`.padStart(8), `${r.steadyPlaying}/${r.steady}`.padStart(8), fmt(r.kbpsP50, 0).padStart(7),
    fmt(r.lossPct, 3).padStart(7), `${r.arrivalsOk}/${r.arrivalsFailed}`.padStart(9), r.blinkState.padStart(8),
    String(r.loadavg).padStart(6)].join(' '));
}

function groupDiff(before = {}, after = {}) {
  const out = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] || 0) - (before[k] || 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** After the warm-up each figure must stay within tolerance % of its first value after the warm-up. */
function verdict(rows, a, final) {
  const after = rows.filter((r) => r.t >= a.warmupSeconds);
  const checks = [];
  if (after.length < 2) {
    checks.push({ what: 'samples after the warm-up', ok: false, detail: `${after.length} (need 2 or more)` });
  } else {
    const ref = after[0];
    for (const [key, label] of METRICS) {
      let worst = 0;
      let at = ref.t;
      for (const r of after) {
        const dev = ((r[key] - ref[key]) / ref[key]) * 100;
        if (Math.abs(dev) > Math.abs(worst)) {
          worst = dev;
          at = r.t;
        }
      }
      const worstRow = after.find((r) => r.t === at);
      const why = key === 'threads' && worst !== 0 ? `; by name ${JSON.stringify(groupDiff(ref.threadGroups, worstRow.threadGroups))}` : '';
      checks.push({ what: label, ok: Math.abs(worst) <= a.tolerance, reference: ref[key], why,
        detail: `largest deviation ${worst >= 0 ? '+' : ''}${fmt(worst, 2)} % at ${fmt(at / 60, 1)} min (reference `
          + `${key.endsWith('KiB') ? fmt(ref[key] / 1024, 1) + ' MiB' : ref[key]} at ${fmt(ref.t / 60, 1)} min)${why}` });
    }
  }
  // A closed session that something still holds (a fan-out's viewer list, a map) is alive after the GC: the session
  // objects may not outnumber the registry's sessions by more than the few being set up or torn down meanwhile.
  const excess = Math.max(...rows.map((r) => r.perSession.SfuViewerSession - r.sessions));
  checks.push({ what: 'session objects in the heap follow the session count', ok: excess <= 5,
    detail: `largest excess of live SfuViewerSession objects over sessions in a row: ${excess}` });
  checks.push({ what: 'sessions left at the end', ok: final.sessions === 0, detail: String(final.sessions) });
  const objects = probe.perSessionInstances(final);
  const leftObjects = Object.entries(objects).filter(([, n]) => n > 0);
  checks.push({ what: 'per-session objects alive at the end', ok: leftObjects.length === 0,
    detail: leftObjects.length ? JSON.stringify(Object.fromEntries(leftObjects)) : 'none' });
  checks.push({ what: 'steady viewers still playing at the end', ok: final.steadyPlaying === final.steady,
    detail: `${final.steadyPlaying}/${final.steady}` });
  return { pass: checks.every((c) => c.ok), checks };
}

async function main() {
  const a = parseArgs(process.argv);
  ndc.initLogger('Error', () => {});
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-soak-'));
  const ports = [await freePort(), await freePort()];
  const etc = path.join(a.home || a.dist, 'etc');
  const MAIN = 'soak-main';
  const BLINK = 'soak-blink';
  const children = { server: null, main: null, blink: null };
  const stop = async (code) => {
    for (const c of [children.main, children.blink]) {
      if (c) c.kill('SIGKILL');
    }
    if (children.server) {
      try {
        process.kill(-children.server.pid, 'SIGTERM');
      } catch (e) {
        // gone
      }
    }
    try {
      ndc.cleanup();
    } catch (e) {
      // libdatachannel's cleanup can time out with many peer connections on a loaded machine: exiting anyway
    }
    process.exit(code);
  };
  process.on('SIGINT', () => stop(130));
  process.on('SIGTERM', () => stop(143));
  try {
    children.main = await server.startCamera(ports[0], a.camera, path.join(work, 'camera-main.log'));
    children.blink = await server.startCamera(ports[1], a.blinkCamera, path.join(work, 'camera-blink.log'));
    fs.writeFileSync(path.join(etc, `io.sightline.stream-${MAIN}.cfg`), server.cameraStream(
      `rtsp://127.0.0.1:${ports[0]}/cam`, `Soak benchmark: the steady camera (${a.camera.join(' ')}).`));
    fs.writeFileSync(path.join(etc, `io.sightline.stream-${BLINK}.cfg`), server.cameraStream(
      `rtsp://127.0.0.1:${ports[1]}/cam`, `Soak benchmark: the camera killed every ${a.killEverySeconds} s.`));
    if (a.dist) {
      if (a.fixedHeap) {
        server.fixHeap(a.dist, a.fixedHeap, a.clearSoftRefs);
      }
      children.server = server.startDistribution(a.dist, { httpPort: a.httpPort, portBase: a.portBase,
        consentTimeoutSeconds: a.consentTimeout, logName: 'soak-server.log' });
      a.url = 'http://127.0.0.1:' + a.httpPort;
      await server.awaitServer(a.url, 120000);
    } else {
      server.liftLimits(etc); // a running server applies them at once (Karaf polls etc/ every second)
      await sleep(3000);
    }
    const consent = consentTimeoutOf(etc);
    const reapSeconds = a.reapSeconds ?? consent + 5; // the consent check runs every min(1 s, timeout/4)
    await awaitLive(a.url, [MAIN, BLINK], 60000);
    const pid = a.pid || probe.listeningPid(Number(new URL(a.url).port));
    if (!pid) {
      throw new Error('cannot find the server process listening on ' + a.url + ' (give --pid)');
    }
    console.log(`soak: server pid ${pid} at ${a.url}; ${a.minutes} min, sample every ${a.sampleSeconds} s, warm-up `
      + `${a.warmupSeconds} s, tolerance ${a.tolerance} %; consent timeout ${consent} s`);
    console.log(`  ${a.viewers} steady viewers on ${MAIN} (camera ${a.camera.join('x')} kbit/s last), ${a.blinkViewers} on `
      + `${BLINK} (camera ${a.blinkCamera.join('x')}, SIGKILLed every ${a.killEverySeconds} s, back after ${a.downSeconds} s); `
      + `a viewer arriving every ${a.arrivalSeconds} s for ${a.dwellSeconds} s, odd ones vanish (path cut), even ones DELETE`);

    const whep = (s) => `${a.url}/whep/${s}`;
    const steady = await openAll(whep(MAIN), a.viewers, 0, a.concurrency);
    const blink = await openAll(whep(BLINK), a.blinkViewers, 5000, a.concurrency);
    if (steady.failures.length || blink.failures.length) {
      throw new Error(`steady viewers failed to start: ${[...steady.failures, ...blink.failures].slice(0, 3).join(' | ')}`);
    }
    const lastPacket = new Map();
    for (const v of blink.viewers) {
      v.onPacket = () => lastPacket.set(v, Date.now());
    }

    const t0 = Date.now();
    const endAt = t0 + a.minutes * 60000;
    const counts = { arrivalsOk: 0, arrivalsFailed: 0, deleted: 0, vanished: 0, failures: [] };
    const transients = new Set();

    // Arrivals: one every --arrival s on a fixed schedule (so the number of sessions is steady, not Poisson).
    const arrivals = (async () => {
      for (let k = 0; ; k++) {
        const due = t0 + k * a.arrivalSeconds * 1000;
        if (due >= endAt) {
          return;
        }
        await sleep(Math.max(0, due - Date.now()));
        const p = transient(k);
        transients.add(p);
        p.finally(() => transients.delete(p));
      }
    })();
    async function transient(k) {
      const vanish = k % 2 === 1;
      const v = new Viewer(whep(MAIN), 100000 + k);
      const relay = vanish ? await UdpRelay.open() : null;
      if (relay) {
        v.rewriteAnswer = (answer) => relay.through(answer);
      }
      const leaveAt = Date.now() + a.dwellSeconds * 1000;
      try {
        await v.open(15000);
        counts.arrivalsOk++;
      } catch (e) {
        counts.arrivalsFailed++;
        if (counts.failures.length < 20) counts.failures.push(e.message);
      }
      await sleep(Math.max(0, leaveAt - Date.now()));
      if (relay) {
        relay.vanish();
        v.location = null; // no DELETE: the server must notice by itself
        counts.vanished++;
      } else {
        counts.deleted++;
      }
      await v.close();
    }

    // The second camera: SIGKILL every --kill-every s, back after --down s; its viewers must play again.
    const cycles = [];
    const resumes = [];
    const blinking = (async () => {
      for (let c = 1; t0 + c * a.killEverySeconds * 1000 + a.downSeconds * 1000 < endAt; c++) {
        await sleep(Math.max(0, t0 + c * a.killEverySeconds * 1000 - Date.now()));
        children.blink.kill('SIGKILL');
        const killedAt = Date.now();
        await sleep(a.downSeconds * 1000);
        children.blink = await server.startCamera(ports[1], a.blinkCamera, path.join(work, 'camera-blink.log'));
        const restartedAt = Date.now();
        const cycle = { killedAt: killedAt - t0, restartedAt: restartedAt - t0, resumedMs: null };
        cycles.push(cycle);
        resumes.push((async () => {
          while (Date.now() - restartedAt < 60000) {
            if (blink.viewers.every((v) => (lastPacket.get(v) || 0) > restartedAt)) {
              cycle.resumedMs = Math.max(...blink.viewers.map((v) => lastPacket.get(v))) - restartedAt;
              return;
            }
            await sleep(100);
          }
        })());
      }
    })();

    // Samples.
    const rows = [];
    const skipped = [];
    printHeader();
    let prev = steady.viewers.map((v) => v.snapshot());
    const sampleAt = async (t) => {
      let s;
      try {
        s = await probe.sample(pid, a.url, { names: true });
      } catch (e) {
        // jcmd can time out on an overloaded machine (it did once at load 46): one more try, else no row this time
        console.log(`  probe failed at ${fmt(t / 60, 1)} min (${String(e.message).split('\n')[0]}); trying again`);
        try {
          s = await probe.sample(pid, a.url, { names: true });
        } catch (again) {
          skipped.push(t);
          console.log(`  probe failed again: no row at ${fmt(t / 60, 1)} min`);
          return null;
        }
      }
      const now = steady.viewers.map((v) => v.snapshot());
      const seconds = (now[0].at - prev[0].at) / 1000;
      const kbps = [];
      let expected = 0;
      let received = 0;
      now.forEach((n, i) => {
        kbps.push(((n.bytes - prev[i].bytes) * 8) / 1000 / seconds);
        expected += n.highest - prev[i].highest;
        received += n.packets - prev[i].packets;
      });
      prev = now;
      const row = { t, ...s, steady: steady.viewers.length,
        steadyPlaying: steady.viewers.filter((v) => v.state === 'playing').length,
        kbpsP50: percentile(kbps, 50), lossPct: expected > 0 ? (Math.max(0, expected - received) / expected) * 100 : 0,
        arrivalsOk: counts.arrivalsOk, arrivalsFailed: counts.arrivalsFailed,
        blinkState: await server.streamState(a.url, BLINK) };
      delete row.classes;
      row.perSession = probe.perSessionInstances(s);
      rows.push(row);
      printRow(row);
      return row;
    };
    for (let k = 1; t0 + k * a.sampleSeconds * 1000 <= endAt; k++) {
      await sleep(Math.max(0, t0 + k * a.sampleSeconds * 1000 - Date.now()));
      if (Date.now() > endAt + 1000) {
        break; // slow probes (an overloaded machine) ran past the end: arrivals have stopped, no row from then
      }
      await sampleAt(Math.round((Date.now() - t0) / 1000));
    }
    await arrivals;
    await blinking;
    await Promise.all(resumes);
    await Promise.all([...transients]);

    // Everyone leaves; the vanished ones are reaped by the consent timeout.
    const steadyAtEnd = steady.viewers.filter((v) => v.state === 'playing').length;
    await Promise.all([...steady.viewers, ...blink.viewers].map((v) => v.close()));
    console.log(`all viewers left; waiting ${reapSeconds} s (consent timeout ${consent} s + 5 s)`);
    await sleep(reapSeconds * 1000);
    const end = await probe.sample(pid, a.url, { names: true });
    const final = { ...end, steady: steady.viewers.length, steadyPlaying: steadyAtEnd };
    console.log(`end: ${final.sessions} sessions, per-session objects ${JSON.stringify(probe.perSessionInstances(end))}, `
      + `RSS ${fmt(end.rssKiB / 1024, 0)} MiB, heap after GC ${fmt(end.heapAfterGcKiB / 1024, 1)} MiB, `
      + `${end.threads} threads, ${end.fds} fds (${end.udp} UDP, TCP ${JSON.stringify(end.tcp)}), `
      + `${end.directBuffers} direct buffers`);
    console.log(`arrivals: ${counts.arrivalsOk} played, ${counts.arrivalsFailed} failed, ${counts.deleted} left with DELETE, `
      + `${counts.vanished} vanished${counts.failures.length ? '; e.g. ' + [...new Set(counts.failures)].slice(0, 3).join(' | ') : ''}`);
    console.log(`second camera: ${cycles.length} kills; its ${blink.viewers.length} viewers played again after `
      + `${cycles.map((c) => (c.resumedMs === null ? 'never' : (c.resumedMs / 1000).toFixed(1) + ' s')).join(', ')} `
      + '(from the camera\'s restart)');
    const v = verdict(rows, a, final);
    const unresumed = cycles.filter((c) => c.resumedMs === null).length;
    v.checks.push({ what: 'second camera\'s viewers played again after every restart', ok: unresumed === 0,
      detail: `${cycles.length - unresumed}/${cycles.length}` });
    v.checks.push({ what: 'probes that failed', ok: skipped.length <= 1, detail: skipped.length
      ? `${skipped.length} at ${skipped.map((t) => fmt(t / 60, 1)).join(', ')} min` : 'none' });
    v.pass = v.checks.every((c) => c.ok);
    for (const c of v.checks) {
      console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
    }
    console.log(`verdict: ${v.pass ? 'PASS' : 'FAIL'}`);
    if (a.json) {
      fs.writeFileSync(a.json, JSON.stringify({ options: a, rows, final, cycles, counts, verdict: v }, null, 2));
    }
    console.log(JSON.stringify({ verdict: v.pass ? 'PASS' : 'FAIL', failed: v.checks.filter((c) => !c.ok).map((c) => c.what) }));
    await stop(v.pass ? 0 : 1);
  } catch (e) {
    console.error('soak benchmark failed: ' + (e.stack || e.message));
    await stop(2);
  }
}

main();
