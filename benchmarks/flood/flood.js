#!/usr/bin/env node
'use strict';
// Flood benchmark (issue 18 point 5): while one real viewer plays a stream, unauthenticated traffic hits the SFU's
// media ports and the WHEP endpoint from many loopback source addresses and ports:
//   - STUN binding requests on UDP: half name an unknown ufrag, half the viewer's own ufrag with a wrong
//     MESSAGE-INTEGRITY (the server must run the HMAC to refuse those);
//   - DTLS ClientHellos on UDP from addresses that never passed an ICE check;
//   - ICE-TCP connections that send a binding request for an unknown ufrag and a ClientHello, and silent ones that
//     send nothing and hold a connection slot until the server drops them;
//   - WHEP POSTs of a valid offer from a few addresses, faster than the per-address rate limit.
// It prints, per phase (quiet, flood, after), what was sent, what the server spent (CPU, RSS, heap, threads, file
// descriptors), how many log lines it wrote, and what the viewer got (packets, sequence loss, frames, longest gap).
// See README.md. The senders run in child processes (--workers) so the viewer's event loop stays free.
//
//   node flood.js --url http://127.0.0.1:8080 --log /path/to/data/log/karaf.log [--stream demo] [--seconds 30]

const fs = require('fs');
const path = require('path');
const http = require('http');
const net = require('net');
const dgram = require('dgram');
const crypto = require('crypto');
const zlib = require('zlib');
const { fork, execFileSync } = require('child_process');

// ---- options ------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const a = {
    url: null, log: null, pid: 0, stream: 'demo', quiet: 10, seconds: 30, after: 5, workers: 1,
    stunRate: 20000, dtlsRate: 20000, tcpRate: 200, tcpMaxOpen: 1000, whepRate: 200, whepAddresses: 4,
    sources: 512, json: null,
  };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    const num = () => { i++; return Number(v); };
    switch (k) {
      case '--url': a.url = v.replace(/\/$/, ''); i++; break;
      case '--log': a.log = v; i++; break;
      case '--pid': a.pid = num(); break;
      case '--stream': a.stream = v; i++; break;
      case '--quiet': a.quiet = num(); break;
      case '--seconds': a.seconds = num(); break;
      case '--after': a.after = num(); break;
      case '--workers': a.workers = num(); break;
      case '--stun-rate': a.stunRate = num(); break;
      case '--dtls-rate': a.dtlsRate = num(); break;
      case '--tcp-rate': a.tcpRate = num(); break;
      case '--tcp-max-open': a.tcpMaxOpen = num(); break;
      case '--whep-rate': a.whepRate = num(); break;
      case '--whep-addresses': a.whepAddresses = num(); break;
      case '--sources': a.sources = num(); break;
      case '--json': a.json = v; i++; break;
      case '-h': case '--help':
        console.log(fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8'));
        process.exit(0);
        break;
      default:
        throw new Error('unknown option ' + k);
    }
  }
  if (!a.url) {
    throw new Error('give --url http://127.0.0.1:PORT of a running server (and --log its data/log/karaf.log)');
  }
  return a;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- packets --------------------------------------------------------------------------------------------------------

/** A STUN binding request (RFC 8489) with USERNAME, a random MESSAGE-INTEGRITY and a correct FINGERPRINT. */
function stunBindingRequest(username) {
  const user = Buffer.from(username, 'utf8');
  const userPadded = Math.ceil(user.length / 4) * 4;
  const attrs = [];
  const attr = (type, value, padTo) => {
    const b = Buffer.alloc(4 + padTo);
    b.writeUInt16BE(type, 0);
    b.writeUInt16BE(value.length, 2);
    value.copy(b, 4);
    attrs.push(b);
  };
  attr(0x0006, user, userPadded);                                    // USERNAME
  attr(0x0024, Buffer.from([0x6e, 0x00, 0x1e, 0xff]), 4);             // PRIORITY
  attr(0x802a, crypto.randomBytes(8), 8);                             // ICE-CONTROLLING
  attr(0x0008, crypto.randomBytes(20), 20);                           // MESSAGE-INTEGRITY (wrong: no key)
  const body = Buffer.concat(attrs);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0001, 0);
  header.writeUInt16BE(body.length + 8, 2);                          // FINGERPRINT included
  header.writeUInt32BE(0x2112a442, 4);
  crypto.randomBytes(12).copy(header, 8);
  const msg = Buffer.concat([header, body]);
  const fp = Buffer.alloc(8);
  fp.writeUInt16BE(0x8028, 0);
  fp.writeUInt16BE(4, 2);
  fp.writeUInt32BE(((crc32(msg) ^ 0x5354554e) >>> 0), 4);
  return Buffer.concat([msg, fp]);
}

function crc32(buf) {
  if (zlib.crc32) {
    return zlib.crc32(buf);
  }
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) {
      c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
    }
  }
  return (~c) >>> 0;
}

/** A DTLS 1.2 ClientHello record as a browser's first flight starts (RFC 6347 §4.2.2), with a random client random. */
function dtlsClientHello() {
  const suites = [0xc02b, 0xc02f, 0xc00a, 0xc014];
  const ext = Buffer.from([
    0x00, 0x17, 0x00, 0x00,                                           // extended_master_secret
    0xff, 0x01, 0x00, 0x01, 0x00,                                     // renegotiation_info
    0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,                   // supported_groups: secp256r1
    0x00, 0x0e, 0x00, 0x05, 0x00, 0x02, 0x00, 0x01, 0x00,             // use_srtp: AES128_CM_HMAC_SHA1_80
  ]);
  const hello = Buffer.concat([
    Buffer.from([0xfe, 0xfd]), crypto.randomBytes(32), Buffer.from([0x00, 0x00]), // version, random, no session, no cookie
    Buffer.from([0x00, suites.length * 2]), Buffer.from(suites.flatMap((s) => [s >> 8, s & 0xff])),
    Buffer.from([0x01, 0x00]), Buffer.from([ext.length >> 8, ext.length & 0xff]), ext,
  ]);
  const hs = Buffer.alloc(12);
  hs[0] = 1; // client_hello
  hs.writeUIntBE(hello.length, 1, 3);
  hs.writeUInt16BE(0, 4);
  hs.writeUIntBE(0, 6, 3);
  hs.writeUIntBE(hello.length, 9, 3);
  const rec = Buffer.alloc(13);
  rec[0] = 22; // handshake
  rec.writeUInt16BE(0xfeff, 1);
  rec.writeUInt16BE(0, 3); // epoch
  rec.writeUIntBE(0, 5, 6); // sequence
  rec.writeUInt16BE(hs.length + hello.length, 11);
  return Buffer.concat([rec, hs, hello]);
}

/** RFC 4571 framing for ICE-TCP. */
function frame(packet) {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(packet.length, 0);
  return Buffer.concat([len, packet]);
}

/** The i-th flood source address: 127.77.x.y (all of 127.0.0.0/8 is loopback on Linux). */
function sourceAddress(prefix, i) {
  return `127.${prefix}.${(i >> 8) & 255}.${(i & 255) || 1}`;
}

// ---- the sender worker (a child process) --------------------------------------------------------------------------

function worker() {
  const counts = { stun: 0, dtls: 0, udpErrors: 0, tcpOpened: 0, tcpRefused: 0, tcpClosedByServer: 0,
    tcpStillOpen: 0, whep: {}, whepErrors: 0 };
  let job = null;
  let running = false;
  const sockets = [];
  const openTcp = new Set();
  let whepInFlight = 0;

  process.on('message', async (m) => {
    if (m.type === 'setup') {
      job = m;
      for (let i = 0; i < job.sources; i++) {
        const s = dgram.createSocket('udp4');
        s.on('error', () => { counts.udpErrors++; });
        await new Promise((r) => s.bind(0, sourceAddress(77, job.index * 64 + (i % 64)), r));
        sockets.push(s);
      }
      process.send({ type: 'ready' });
    } else if (m.type === 'start') {
      running = true;
      run();
    } else if (m.type === 'stop') {
      running = false;
      counts.tcpStillOpen = openTcp.size;
      process.send({ type: 'counts', counts });
      for (const c of openTcp) {
        c.destroy();
      }
      for (const s of sockets) {
        s.close();
      }
      setTimeout(() => process.exit(0), 200);
    }
  });

  function run() {
    const stunPool = [];
    for (let i = 0; i < 32; i++) {
      stunPool.push(stunBindingRequest(crypto.randomBytes(4).toString('hex') + ':' + crypto.randomBytes(4).toString('hex')));
      stunPool.push(stunBindingRequest(job.viewerUfrag + ':' + crypto.randomBytes(4).toString('hex')));
    }
    const helloPool = [];
    for (let i = 0; i < 16; i++) {
      helloPool.push(dtlsClientHello());
    }
    const tcpGreeting = Buffer.concat([frame(stunPool[0]), frame(helloPool[0])]);
    const t0 = performance.now();
    let stunDue = 0;
    let dtlsDue = 0;
    let tcpDue = 0;
    let whepDue = 0;
    let s = 0;
    const tick = () => {
      if (!running) {
        return;
      }
      const elapsed = (performance.now() - t0) / 1000;
      // Whatever is due by now, in batches so the loop also serves socket events.
      const batch = (due, sent, cap) => Math.min(Math.floor(due) - sent, cap);
      for (let n = batch(elapsed * job.stunRate, stunDue, 512); n > 0; n--, stunDue++) {
        sockets[s++ % sockets.length].send(stunPool[stunDue % stunPool.length], job.udpPort, job.host);
        counts.stun++;
      }
      for (let n = batch(elapsed * job.dtlsRate, dtlsDue, 512); n > 0; n--, dtlsDue++) {
        sockets[s++ % sockets.length].send(helloPool[dtlsDue % helloPool.length], job.udpPort, job.host);
        counts.dtls++;
      }
      for (let n = batch(elapsed * job.tcpRate, tcpDue, 64); n > 0; n--, tcpDue++) {
        if (job.tcpPort > 0 && openTcp.size < job.tcpMaxOpen) {
          tcpConnect(tcpDue, tcpDue % 2 === 0 ? tcpGreeting : null);
        }
      }
      for (let n = batch(elapsed * job.whepRate, whepDue, 64); n > 0; n--, whepDue++) {
        if (whepInFlight < 128) {
          whepPost(whepDue);
        }
      }
      setImmediate(tick);
    };
    tick();
  }

  function tcpConnect(i, greeting) {
    const c = net.connect({ host: job.host, port: job.tcpPort, localAddress: sourceAddress(78, job.index * 256 + (i % 256)) });
    openTcp.add(c);
    c.setNoDelay(true);
    c.on('connect', () => {
      counts.tcpOpened++;
      if (greeting) {
        c.write(greeting);
      }
    });
    c.on('data', () => {});
    c.on('error', () => { counts.tcpRefused++; });
    c.on('close', (hadError) => {
      openTcp.delete(c);
      if (!hadError && running) {
        counts.tcpClosedByServer++;
      }
    });
  }

  function whepPost(i) {
    whepInFlight++;
    const req = http.request(job.url + '/whep/' + encodeURIComponent(job.stream), {
      method: 'POST', headers: { 'Content-Type': 'application/sdp' }, agent: false,
      localAddress: sourceAddress(79, job.index * 64 + (i % job.whepAddresses)),
    }, (res) => {
      counts.whep[res.statusCode] = (counts.whep[res.statusCode] || 0) + 1;
      res.resume();
      res.on('end', () => { whepInFlight--; });
    });
    req.on('error', () => { counts.whepErrors++; whepInFlight--; });
    req.setTimeout(10000, () => req.destroy(new Error('timeout')));
    req.end(job.offer);
  }
}

// ---- the server's side --------------------------------------------------------------------------------------------

/** The pid of the process listening on the HTTP port (the Karaf java process), found through /proc. */
function listeningPid(port) {
  const inodes = new Set();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 9 && c[3] === '0A' && parseInt(c[1].split(':')[1], 16) === port) {
        inodes.add(c[9]);
      }
    }
  }
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) {
      continue;
    }
    let fds;
    try {
      fds = fs.readdirSync('/proc/' + p + '/fd');
    } catch (e) {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync('/proc/' + p + '/fd/' + fd));
        if (m && inodes.has(m[1])) {
          return Number(p);
        }
      } catch (e) {
        // fd closed meanwhile
      }
    }
  }
  return 0;
}

const CLK_TCK = 100;

/** CPU seconds, RSS (KiB), threads and open file descriptors of the server process. */
function processSample(pid) {
  const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const status = fs.readFileSync('/proc/' + pid + '/status', 'utf8');
  return {
    cpu: (Number(f[11]) + Number(f[12])) / CLK_TCK,
    rss: Number(/VmRSS:\s+(\d+)/.exec(status)[1]),
    threads: Number(/Threads:\s+(\d+)/.exec(status)[1]),
    fds: fs.readdirSync('/proc/' + pid + '/fd').length,
    at: performance.now(),
  };
}

/**
 * CPU seconds and run-queue wait (seconds spent runnable but not running, from schedstat) per thread-name group of
 * the server: names with their digits removed (sightline-ice-tcp-read-/127.78.0.5:4711 and its kind become one).
 */
function threadGroups(pid) {
  const groups = new Map();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim().replace(/[0-9./:]+/g, '#');
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const sched = fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      const g = groups.get(comm) || { cpu: 0, wait: 0 };
      g.cpu += (Number(f[11]) + Number(f[12])) / CLK_TCK;
      g.wait += Number(sched[1]) / 1e9;
      groups.set(comm, g);
    } catch (e) {
      // the thread ended
    }
  }
  return groups;
}

/** The groups that used most CPU between two snapshots (threads that ended in between are missing: a lower bound). */
function topThreads(before, after, span, n) {
  const rows = [];
  for (const [name, g] of after) {
    const b = before.get(name) || { cpu: 0, wait: 0 };
    rows.push({ name, cpuPercent: Math.round(((g.cpu - b.cpu) / span) * 1000) / 10,
      runQueueWaitPercent: Math.round(((g.wait - b.wait) / span) * 1000) / 10 });
  }
  return rows.sort((x, y) => y.cpuPercent - x.cpuPercent).slice(0, n);
}

/** Used heap (bytes) as the server's /metrics reports it; NaN when it cannot be read in time. */
async function heapUsed(a) {
  try {
    const res = await fetch(a.url + '/metrics', { signal: AbortSignal.timeout(3000) });
    const m = /^jvm_memory_used_bytes\{area="heap"\}\s+(\S+)/m.exec(await res.text());
    return m ? Number(m[1]) : NaN;
  } catch (e) {
    return NaN;
  }
}

/**
 * Used heap right after a full collection (jcmd GC.run, with the jcmd next to the server's own java), in MiB: what
 * the server really holds, unlike a sample between collections. NaN when jcmd cannot attach.
 */
async function heapAfterGc(a, pid) {
  try {
    const jcmd = path.join(path.dirname(fs.readlinkSync('/proc/' + pid + '/exe')), 'jcmd');
    execFileSync(fs.existsSync(jcmd) ? jcmd : 'jcmd', [String(pid), 'GC.run'], { timeout: 30000, stdio: 'ignore' });
    return Math.round((await heapUsed(a)) / 1048576);
  } catch (e) {
    return NaN;
  }
}

/** Encoded units (pictures) the stream's source has delivered since it started, from /metrics; NaN when unreadable. */
async function sourceUnits(a) {
  try {
    const res = await fetch(a.url + '/metrics', { signal: AbortSignal.timeout(3000) });
    const text = await res.text();
    const re = new RegExp('^sightline_stream_units_in_total\\{[^}]*stream="' + a.stream + '"[^}]*\\}\\s+(\\S+)', 'm');
    const m = re.exec(text);
    return m ? Number(m[1]) : NaN;
  } catch (e) {
    return NaN;
  }
}

/** The stream's frame rate at its source, as /health reports it (the server's view; NaN when unreadable). */
async function sourceFps(a) {
  try {
    const res = await fetch(a.url + '/health', { signal: AbortSignal.timeout(3000) });
    const body = await res.json();
    return Number(body.streams[a.stream].fps);
  } catch (e) {
    return NaN;
  }
}

function logLines(file) {
  if (!file) {
    return NaN;
  }
  try {
    const b = fs.readFileSync(file);
    let n = 0;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 10) {
        n++;
      }
    }
    return n;
  } catch (e) {
    return NaN;
  }
}

// ---- the coordinator ----------------------------------------------------------------------------------------------

/** A phase's figures: samples every second while it lasts. */
async function phase(a, name, seconds, pid, viewer, extra) {
  const u0 = await sourceUnits(a);
  const v0 = viewer.snapshot();
  const t0 = threadGroups(pid);
  const s0 = processSample(pid);
  const l0 = logLines(a.log);
  const samples = [];
  viewer.maxGapMs = 0;
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    await sleep(Math.min(1000, Math.max(0, end - performance.now())));
    const s = processSample(pid);
    s.heap = await heapUsed(a);
    s.sourceFps = await sourceFps(a);
    samples.push(s);
  }
  const s1 = processSample(pid);
  const t1 = threadGroups(pid);
  const v1 = viewer.snapshot();
  const u1 = await sourceUnits(a);
  const lines = logLines(a.log) - l0;
  const gcHeap = await heapAfterGc(a, pid);
  viewer.lastAt = 0; // the collection just forced is this tool's pause, not the server's: no gap across it
  const span = (s1.at - s0.at) / 1000;
  const max = (k) => Math.max(...samples.map((s) => s[k]).filter((x) => !Number.isNaN(x)));
  const min = (k) => Math.min(...samples.map((s) => s[k]).filter((x) => !Number.isNaN(x)));
  const packets = v1.packets - v0.packets;
  return {
    phase: name, seconds: Math.round(span * 10) / 10,
    serverCpuPercent: Math.round(((s1.cpu - s0.cpu) / span) * 1000) / 10,
    rssMaxMiB: Math.round(max('rss') / 1024), heapMaxMiB: Math.round(max('heap') / 1048576),
    heapAfterGcMiB: gcHeap, threadsMax: max('threads'), fdsMax: max('fds'), logLines: lines,
    viewerPackets: packets, viewerLost: (v1.highest - v0.highest) - packets, viewerFrames: v1.frames - v0.frames,
    sourceFrames: u1 - u0,
    viewerFps: Math.round(((v1.frames - v0.frames) / span) * 10) / 10, viewerMaxGapMs: Math.round(viewer.maxGapMs),
    sourceFpsMin: min('sourceFps'), topThreads: topThreads(t0, t1, (s1.at - s0.at) / 1000, 6),
    ...extra,
  };
}

async function main() {
  const a = parseArgs(process.argv);
  // node-datachannel comes from the load benchmark's packages (npm ci --prefix benchmarks/load).
  const { Viewer } = require('../load/viewer');
  const u = new URL(a.url);
  const pid = a.pid || listeningPid(Number(u.port || 80));
  if (!pid) {
    throw new Error('cannot find the server process listening on ' + a.url + ' (give --pid)');
  }

  const viewer = new Viewer(a.url + '/whep/' + encodeURIComponent(a.stream), 0, (buf) => {
    const now = performance.now();
    if (viewer.lastAt > 0) {
      viewer.maxGapMs = Math.max(viewer.maxGapMs, now - viewer.lastAt);
    }
    viewer.lastAt = now;
    if (buf[1] & 0x80) {
      viewer.frames++; // the marker bit ends a picture (RFC 6184 §5.1)
    }
  });
  viewer.frames = 0;
  viewer.lastAt = 0;
  viewer.maxGapMs = 0;
  const baseSnapshot = viewer.snapshot.bind(viewer);
  viewer.snapshot = () => ({ ...baseSnapshot(), frames: viewer.frames });
  await viewer.open(15000);
  const ufrag = /a=ice-ufrag:(\S+)/.exec(viewer.answer)[1];
  const udp = /a=candidate:\S+ \d+ udp \d+ (\S+) (\d+) typ host/i.exec(viewer.answer);
  const tcp = /a=candidate:\S+ \d+ tcp \d+ (\S+) (\d+) typ host tcptype passive/i.exec(viewer.answer);
  const udpPort = Number(udp[2]);
  const tcpPort = tcp ? Number(tcp[2]) : 0;
  const offer = viewer.pc.localDescription().sdp;
  console.error(`viewer playing ${a.stream}; server pid ${pid}, media UDP ${udpPort}, ICE-TCP ${tcpPort || 'off'}; ` +
    `load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);

  const workers = [];
  for (let i = 0; i < a.workers; i++) {
    const w = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = new Promise((r) => w.once('message', r));
    w.send({
      type: 'setup', index: i, host: '127.0.0.1', udpPort, tcpPort, url: a.url, stream: a.stream, offer,
      viewerUfrag: ufrag, sources: Math.ceil(a.sources / a.workers), stunRate: a.stunRate / a.workers,
      dtlsRate: a.dtlsRate / a.workers, tcpRate: a.tcpRate / a.workers, tcpMaxOpen: a.tcpMaxOpen / a.workers,
      whepRate: a.whepRate / a.workers, whepAddresses: a.whepAddresses,
    });
    await ready;
    workers.push(w);
  }

  const rows = [];
  rows.push(await phase(a, 'quiet', a.quiet, pid, viewer, {}));
  workers.forEach((w) => w.send({ type: 'start' }));
  const flood = await phase(a, 'flood', a.seconds, pid, viewer, {});
  const totals = { stun: 0, dtls: 0, udpErrors: 0, tcpOpened: 0, tcpRefused: 0, tcpClosedByServer: 0, tcpStillOpen: 0,
    whep: {}, whepErrors: 0 };
  await Promise.all(workers.map((w) => new Promise((r) => {
    w.on('message', (m) => {
      if (m.type === 'counts') {
        for (const k of Object.keys(totals)) {
          if (k === 'whep') {
            for (const [st, n] of Object.entries(m.counts.whep)) {
              totals.whep[st] = (totals.whep[st] || 0) + n;
            }
          } else {
            totals[k] += m.counts[k];
          }
        }
        r();
      }
    });
    w.send({ type: 'stop' });
  })));
  flood.sent = {
    stunPerSecond: Math.round(totals.stun / flood.seconds), dtlsPerSecond: Math.round(totals.dtls / flood.seconds),
    udpSourceSockets: a.sources, tcpOpened: totals.tcpOpened, tcpRefused: totals.tcpRefused,
    tcpClosedByServer: totals.tcpClosedByServer, tcpStillOpen: totals.tcpStillOpen,
    whepStatuses: totals.whep, whepErrors: totals.whepErrors,
  };
  rows.push(flood);
  rows.push(await phase(a, 'after', a.after, pid, viewer, {}));

  const stateBeforeDelete = viewer.pc.state();
  let deleteStatus = -1;
  try {
    deleteStatus = (await fetch(viewer.location, { method: 'DELETE' })).status;
  } catch (e) {
    deleteStatus = -2;
  }
  viewer.location = null;
  await viewer.close();

  console.log('phase  | s    | stun/s  | dtls/s  | server CPU % | RSS max MiB | heap max / after GC MiB | threads | fds  |' +
    ' log lines | viewer packets | lost | frames (source) | fps  | source fps min | max gap ms');
  for (const r of rows) {
    const s = r.sent || { stunPerSecond: 0, dtlsPerSecond: 0 };
    console.log([r.phase.padEnd(6), String(r.seconds).padEnd(4), String(s.stunPerSecond).padEnd(7),
      String(s.dtlsPerSecond).padEnd(7), String(r.serverCpuPercent).padEnd(12), String(r.rssMaxMiB).padEnd(11),
      (r.heapMaxMiB + ' / ' + r.heapAfterGcMiB).padEnd(23), String(r.threadsMax).padEnd(7), String(r.fdsMax).padEnd(4),
      String(r.logLines).padEnd(9), String(r.viewerPackets).padEnd(14), String(r.viewerLost).padEnd(4),
      `${r.viewerFrames} (${r.sourceFrames})`.padEnd(15), String(r.viewerFps).padEnd(4), String(r.sourceFpsMin).padEnd(14),
      r.viewerMaxGapMs].join(' | '));
  }
  for (const r of rows) {
    console.log(`${r.phase}: server threads by CPU (% of a core, % of the time runnable but waiting for a CPU): ` +
      r.topThreads.map((t) => `${t.name} ${t.cpuPercent} (${t.runQueueWaitPercent})`).join(', '));
  }
  console.log(`ICE-TCP: ${flood.sent.tcpOpened} connections opened, ${flood.sent.tcpRefused} refused/reset, ` +
    `${flood.sent.tcpClosedByServer} closed by the server, ${flood.sent.tcpStillOpen} open at the end; ` +
    `WHEP POST statuses ${JSON.stringify(flood.sent.whepStatuses)}, ${flood.sent.whepErrors} errors`);
  console.log(`viewer: peer connection ${stateBeforeDelete} at the end, DELETE ${deleteStatus}; load average ` +
    fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '));
  const result = { rows, viewerState: stateBeforeDelete, deleteStatus };
  if (a.json) {
    fs.writeFileSync(a.json, JSON.stringify(result));
  }
  process.exit(0);
}

if (process.argv[2] === '--worker') {
  worker();
} else {
  main().catch((e) => {
    console.error(e.stack || String(e));
    process.exit(1);
  });
}
