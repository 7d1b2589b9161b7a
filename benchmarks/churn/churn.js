#!/usr/bin/env node
'use strict';
// Churn benchmark (issue 18, point 4): sessions created and ended, --per-way of each way a real client's session
// ends, and nothing left behind. Each session is a node-datachannel viewer that plays (first video RTP packet) and
// then ends:
//   delete   WHEP DELETE, then the peer connection closes
//   consent  its path is cut (relay.js UdpRelay.vanish): the server hears nothing more, only consent freshness ends it
//   dtls     the peer connection closes without DELETE and sends a DTLS close_notify alert: made by headless Chromium
//            (browser-sessions.js), since libdatachannel and werift send no alert when they close
//   tcp      the session runs over ICE-TCP (relay.js TcpRelay); the TCP connection is closed (FIN), nothing else
// Before the ways, a warm-up; after each way, a wait for the consent timeout and a probe (probe.js). At the end it
// compares with the probe before the first way: sessions, per-session objects alive after a full GC, threads (by
// name), file descriptors, UDP and TCP sockets, direct buffers, live heap; and it checks in the server's log that
// every session ended for the reason of its way. Exit status 0 when nothing leaked. See ../soak/README.md.

const fs = require('fs');
const path = require('path');
const { Viewer, ndc } = require('../load/viewer');
const probe = require('../soak/probe');
const { UdpRelay, TcpRelay } = require('../soak/relay');
const server = require('../soak/server');
const { browserSessions } = require('./browser-sessions');

const sleep = server.sleep;
const WAYS = ['delete', 'consent', 'dtls', 'tcp'];
/** The end reason the server's delivery line must give for each way (core DeliveryLog, SfuViewerSession). */
const REASON = { delete: 'closed by signaling (DELETE)', consent: 'consent expired', dtls: 'viewer closed DTLS',
  tcp: 'consent expired' };

function parseArgs(argv) {
  const a = { url: null, dist: null, home: null, pid: 0, httpPort: 9360, portBase: 9361, perWay: 2500, ways: WAYS,
    concurrency: 12, warmup: 20, consentTimeout: 10, json: null, stream: 'churn',
    perWayProbe: true };
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
      case '--per-way': a.perWay = Number(v()); break;
      case '--ways': a.ways = v().split(','); break;
      case '--concurrency': a.concurrency = Number(v()); break;
      case '--warmup': a.warmup = Number(v()); break;
      case '--consent-timeout': a.consentTimeout = Number(v()); break;
      case '--json': a.json = v(); break;
      case '--no-per-way-probe': a.perWayProbe = false; break;
      default:
        throw new Error('unknown option ' + k);
    }
  }
  if (!a.dist && !(a.url && a.home)) {
    throw new Error('give --dist DIR (an unpacked distribution) or --url http://host:port --home DIR (its home)');
  }
  if (a.ways.some((w) => !WAYS.includes(w))) {
    throw new Error('--ways: ' + WAYS.join(','));
  }
  a.home = a.home || a.dist;
  return a;
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** The server's consent timeout (etc/io.sightline.transport.sfu.cfg, default 30 s). */
function consentTimeoutOf(home) {
  try {
    const m = /^\s*consent\.timeout\.seconds\s*=\s*(\d+)/m.exec(fs.readFileSync(path.join(home, 'etc',
      'io.sightline.transport.sfu.cfg'), 'utf8'));
    return m ? Number(m[1]) : 30;
  } catch (e) {
    return 30;
  }
}

/** One session of one way: plays, then ends that way. Resolves to its session id (or throws). */
async function session(url, way, index) {
  const v = new Viewer(url, index);
  let relay = null;
  if (way === 'consent') {
    relay = await UdpRelay.open();
  } else if (way === 'tcp') {
    relay = await TcpRelay.open();
  }
  if (relay) {
    v.rewriteAnswer = (answer) => relay.through(answer);
  }
  try {
    await v.open(15000);
  } catch (e) {
    // Where a setup stopped: the session, and what crossed the relay each way (a stuck ICE-TCP path shows here).
    const where = v.location ? ` session ${v.location.slice(v.location.lastIndexOf('/') + 1)}` : '';
    e.message += `${where}${relay && relay.describe ? `; relay ${relay.describe()}` : ''}`;
    if (relay) relay.vanish ? relay.vanish() : relay.disconnect();
    await v.close(); // with DELETE when it got that far: a failed setup is not a way of ending
    throw e;
  }
  const id = v.location.slice(v.location.lastIndexOf('/') + 1);
  switch (way) {
    case 'delete':
      await v.close();
      break;
    case 'consent':
      relay.vanish();
      v.location = null;
      await v.close();
      break;
    case 'tcp':
      relay.disconnect();
      v.location = null;
      await v.close();
      break;
    default:
      throw new Error(way);
  }
  return id;
}

async function runWay(url, way, count, concurrency, base) {
  if (way === 'dtls') {
    const started = Date.now();
    const r = await browserSessions(url, count, Math.min(concurrency, 6));
    return { ...r, seconds: (Date.now() - started) / 1000 };
  }
  const ids = [];
  const failures = [];
  let next = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const i = next++;
      try {
        ids.push(await session(url, way, base + i));
      } catch (e) {
        failures.push(e.message);
      }
    }
  }));
  return { ids, failures, seconds: (Date.now() - started) / 1000 };
}

/** session id -> end reason, from the delivery lines ("session ID end: ... reason=...") of karaf.log and its rolls. */
function endReasons(home) {
  const dir = path.join(home, 'data', 'log');
  const reasons = new Map();
  for (const f of fs.readdirSync(dir).filter((n) => n.startsWith('karaf.log'))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/session ([0-9a-f]+) end: .* reason=(.*)$/gm)) {
      reasons.set(m[1], m[2].trim());
    }
  }
  return reasons;
}

function diffGroups(before, after) {
  const out = {};
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[k] || 0) - (before[k] || 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Open TCP connections: established, or closed by the peer and never by the server (close-wait, the leak). */
function openTcp(s) {
  return (s.tcp.established || 0) + (s.tcp['close-wait'] || 0);
}

function describe(s) {
  return `sessions ${s.sessions}, per-session objects ${JSON.stringify(probe.perSessionInstances(s))}, threads `
    + `${s.threads}, fds ${s.fds} (sockets ${s.sockets}: UDP ${s.udp}, TCP ${JSON.stringify(s.tcp)}; pipes ${s.pipes}, `
    + `files ${s.files}, other ${s.other}), direct buffers ${s.directBuffers}, heap after GC `
    + `${fmt(s.heapAfterGcKiB / 1024, 2)} MiB, RSS ${fmt(s.rssKiB / 1024, 0)} MiB, load ${s.loadavg}`;
}

async function main() {
  const a = parseArgs(process.argv);
  ndc.initLogger('Error', () => {});
  let child = null;
  const stop = (code) => {
    if (child) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch (e) {
        // gone
      }
    }
    ndc.cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(130));
  try {
    // A small test pattern, encoded only while watched: the encoder starts and stops with the churn too.
    fs.writeFileSync(path.join(a.home, 'etc', `io.sightline.stream-${a.stream}.cfg`), [
      '# Churn benchmark: a small test pattern.', 'source.type = testpattern', 'source.width = 320',
      'source.height = 180', 'source.fps = 15', 'video.codec = h264', 'video.bitrate.kbps = 300', 'access = public',
      'access.public.from = 127.0.0.1/8, ::1', ''].join('\n'));
    if (a.dist) {
      child = server.startDistribution(a.dist, { httpPort: a.httpPort, portBase: a.portBase,
        consentTimeoutSeconds: a.consentTimeout, logName: 'churn-server.log' });
      a.url = 'http://127.0.0.1:' + a.httpPort;
      await server.awaitServer(a.url, 120000);
    } else {
      server.liftLimits(path.join(a.home, 'etc')); // applied at once (Karaf polls etc/ every second)
      await sleep(3000);
    }
    const consent = consentTimeoutOf(a.home);
    const reapMs = (consent + 5) * 1000;
    const pid = a.pid || probe.listeningPid(Number(new URL(a.url).port));
    const url = `${a.url}/whep/${a.stream}`;
    console.log(`churn: server pid ${pid} at ${a.url}; ${a.perWay} sessions per way (${a.ways.join(', ')}), `
      + `${a.concurrency} at a time, on ${url}; consent timeout ${consent} s`);

    // Warm-up: every way a few times (classes loaded, pools started, JIT), then the baseline.
    for (const way of a.ways) {
      const w = await runWay(url, way, a.warmup, Math.min(a.concurrency, a.warmup), 900000);
      if (w.failures.length) {
        console.log(`  warm-up ${way}: ${w.failures.length} failed, e.g. ${w.failures[0]}`);
      }
    }
    await sleep(reapMs);
    const baseline = await probe.sample(pid, a.url, { names: true });
    console.log('baseline: ' + describe(baseline));

    const results = {};
    let base = 0;
    for (const way of a.ways) {
      const r = await runWay(url, way, a.perWay, a.concurrency, base);
      base += a.perWay;
      results[way] = { ids: r.ids, played: r.ids.length, failed: r.failures.length,
        failures: [...new Set(r.failures)].slice(0, 5), seconds: r.seconds, perSecond: r.ids.length / r.seconds };
      console.log(`${way.padEnd(8)} ${r.ids.length} played and ended, ${r.failures.length} failed, in ${fmt(r.seconds, 0)} s `
        + `(${fmt(r.ids.length / r.seconds, 1)}/s)`);
      if (r.failures.length) {
        console.log(`         failures e.g. ${results[way].failures.join(' | ')}`);
      }
      if (a.perWayProbe) {
        // Each way's own figures: every session of it reaped, then the probe.
        await sleep(reapMs);
        results[way].after = await probe.sample(pid, a.url);
        console.log(`         after ${consent + 5} s: ` + describe(results[way].after));
      }
    }
    if (!a.perWayProbe) {
      await sleep(reapMs);
    }
    const reasons = endReasons(a.home);
    for (const way of a.ways) {
      const byReason = {};
      for (const id of results[way].ids) {
        const why = reasons.get(id) || 'no end line (session still open?)';
        byReason[why] = (byReason[why] || 0) + 1;
      }
      results[way].byReason = byReason;
      delete results[way].ids;
      console.log(`${way.padEnd(8)} end reasons in the server's log: ${JSON.stringify(byReason)}`);
    }

    await sleep(2000); // the last probe's own HTTP connection finishes closing
    const end = await probe.sample(pid, a.url, { names: true });
    const threadDiff = diffGroups(baseline.threadGroups, end.threadGroups);
    const checks = [];
    const check = (what, ok, detail) => checks.push({ what, ok, detail });
    check('sessions (GET /health)', end.sessions === 0, `${end.sessions} at the end`);
    const objects = Object.entries(probe.perSessionInstances(end)).filter(([, n]) => n > 0);
    check('per-session objects alive after a full GC (jcmd GC.class_histogram)', objects.length === 0,
      objects.length ? JSON.stringify(Object.fromEntries(objects)) : 'none');
    check('UDP sockets', end.udp === baseline.udp, `${baseline.udp} -> ${end.udp}`);
    check('TCP connections (established and close-wait)', openTcp(end) <= openTcp(baseline),
      `${JSON.stringify(baseline.tcp)} -> ${JSON.stringify(end.tcp)}`);
    // A leak grows with the sessions (thousands here); the few descriptors the probe itself moves (jcmd's attach
    // socket, an HTTP connection closing) are allowed.
    check('file descriptors', end.fds <= baseline.fds + 2, `${baseline.fds} -> ${end.fds} (sockets ${baseline.sockets} -> `
      + `${end.sockets}, unix ${baseline.unix} -> ${end.unix}; at most +2)`);
    // Thread pools (Jetty's, the DTLS workers) grow and shrink with load: a leak is a thread per session, so the
    // count may not exceed the baseline by more than a pool's slack, and no thread named after a peer may be new.
    const perPeer = Object.entries(threadDiff).filter(([n, d]) => n.includes('<addr>') && d > 0).map(([n]) => n);
    check('threads', end.threads <= baseline.threads + 4 && perPeer.length === 0,
      `${baseline.threads} -> ${end.threads}; by name ${JSON.stringify(threadDiff)}${perPeer.length ? '; per peer: ' + perPeer : ''}`);
    // NIO keeps temporary direct buffers per thread (sun.nio.ch.Util's cache), so the count follows the pools' threads
    // (the DTLS workers come and go); a buffer held per session would add hundreds here.
    check('direct buffers', end.directBuffers <= baseline.directBuffers + 32,
      `${baseline.directBuffers} -> ${end.directBuffers} (at most +32: NIO's per-thread temporary buffers)`);
    const total = Object.values(results).reduce((x, r) => x + r.played, 0);
    const heapGrowth = (end.heapAfterGcKiB - baseline.heapAfterGcKiB) * 1024;
    // The exact check is the per-session objects above; the live heap catches what hangs elsewhere (a map of ids).
    check('live heap after GC', heapGrowth < 1024 * 1024,
      `${fmt(baseline.heapAfterGcKiB / 1024, 2)} -> ${fmt(end.heapAfterGcKiB / 1024, 2)} MiB (${fmt(heapGrowth / Math.max(1, total), 1)} bytes per session; at most 1 MiB in all)`);
    for (const way of a.ways) {
      const r = results[way];
      const right = r.byReason[REASON[way]] || 0;
      const ended = Object.entries(r.byReason).filter(([why]) => !why.startsWith('no end line'))
        .reduce((x, [, n]) => x + n, 0);
      check(`${way}: every session ended`, ended === r.played && r.played > 0, `${ended}/${r.played}`);
      // A close_notify or DELETE is one packet or request; a lost close_notify (UDP) leaves the session to the
      // consent timeout, which still ends it: up to 0.1 % may end for that other reason.
      check(`${way}: sessions that ended as "${REASON[way]}"`, r.played - right <= Math.ceil(r.played * 0.001),
        `${right}/${r.played} ${JSON.stringify(r.byReason)}`);
      check(`${way}: sessions that could not be set up`, r.failed <= Math.ceil(r.played * 0.001),
        `${r.failed} (at most 0.1 % allowed: a loaded machine can miss a 15 s setup)`);
    }
    console.log(`\nend (${total} sessions): ` + describe(end));
    for (const c of checks) {
      console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
    }
    const pass = checks.every((c) => c.ok);
    console.log(`verdict: ${pass ? 'PASS' : 'FAIL'}`);
    if (a.json) {
      fs.writeFileSync(a.json, JSON.stringify({ options: a, baseline, results, end, checks }, null, 2));
    }
    console.log(JSON.stringify({ verdict: pass ? 'PASS' : 'FAIL', failed: checks.filter((c) => !c.ok).map((c) => c.what) }));
    stop(pass ? 0 : 1);
  } catch (e) {
    console.error('churn benchmark failed: ' + (e.stack || e.message));
    stop(2);
  }
}

main();
