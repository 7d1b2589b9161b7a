#!/usr/bin/env node
'use strict';
// SFU load benchmark: N WHEP viewers on one stream, N stepping up; per step it prints sessions established,
// setup time (POST to first RTP packet), per-viewer bitrate and loss, and the server's CPU and RSS over a steady
// window, compared with a no-viewer baseline. See README.md.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { Viewer, ndc } = require('./viewer');
const media = require('./media');

function parseArgs(argv) {
  const a = {
    url: null, dist: null, httpPort: 9250, portBase: 9251, stream: 'demo', steps: [1, 50, 100, 200],
    window: 20, settle: 4, concurrency: 8, pid: 0, setupTimeout: 15000, json: null, hold: 0,
    codec: 'H264', fileStream: false, fileKbps: 2000, mediaDir: media.DEFAULT_DIR, streamGiven: false, rate: 0, singles: 0, sfuBind: null,
  };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    switch (k) {
      case '--url': a.url = v; i++; break;
      case '--dist': a.dist = path.resolve(v); i++; break;
      case '--http-port': a.httpPort = Number(v); i++; break;
      case '--port-base': a.portBase = Number(v); i++; break;
      case '--stream': a.stream = v; a.streamGiven = true; i++; break;
      case '--file-stream': a.fileStream = true; break;
      case '--file-kbps': a.fileKbps = Number(v); i++; break;
      case '--media-dir': a.mediaDir = path.resolve(v); i++; break;
      case '--steps': a.steps = v === 'none' ? [] : v.split(',').map(Number); i++; break;
      case '--window': a.window = Number(v); i++; break;
      case '--settle': a.settle = Number(v); i++; break;
      case '--concurrency': a.concurrency = Number(v); i++; break;
      case '--rate': a.rate = Number(v); i++; break;
      case '--singles': a.singles = Number(v); i++; break;
      case '--sfu-bind': a.sfuBind = v; i++; break;
      case '--codec': a.codec = v.toUpperCase(); i++; break;
      case '--pid': a.pid = Number(v); i++; break;
      case '--json': a.json = v; i++; break;
      case '--hold': a.hold = Number(v); i++; break;
      case '-h': case '--help':
        console.log(fs.readFileSync(path.join(__dirname, 'README.md'), 'utf8'));
        process.exit(0);
        break;
      default:
        throw new Error('unknown option ' + k);
    }
  }
  if (a.fileStream && !a.streamGiven) {
    a.stream = 'load' + a.fileKbps + 'k';
  }
  if (!a.url && !a.dist) {
    throw new Error('give --url http://host:port (a running server) or --dist DIR (an unpacked distribution)');
  }
  return a;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- the server process ------------------------------------------------------------------------------------------

const WHEP_LIMITS = [
  '# Written by benchmarks/load: every benchmark viewer comes from 127.0.0.1.',
  'max.requests.per.second.per.address = 1000',
  'request.burst.per.address = 1000',
  'max.sessions.per.stream = 2000',
  'max.sessions.total = 2000',
  '',
].join('\n');

/** Sets this run's ports in an unpacked distribution (HTTP by environment, SSH, RMI and SFU in etc/) and starts it. */
function startDistribution(a) {
  const etc = path.join(a.dist, 'etc');
  const edit = (file, re, line) => {
    const f = path.join(etc, file);
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(re, line));
  };
  edit('org.apache.karaf.shell.cfg', /^sshPort\s*=.*$/m, 'sshPort = ' + a.portBase);
  edit('org.apache.karaf.management.cfg', /^rmiRegistryPort\s*=.*$/m, 'rmiRegistryPort = ' + (a.portBase + 1));
  edit('org.apache.karaf.management.cfg', /^rmiServerPort\s*=.*$/m, 'rmiServerPort = ' + (a.portBase + 2));
  edit('io.sightline.transport.sfu.cfg', /^udp\.port\s*=.*$/m, 'udp.port = ' + (a.portBase + 3));
  edit('io.sightline.transport.sfu.cfg', /^tcp\.port\s*=.*$/m, 'tcp.port = ' + (a.portBase + 3));
  if (a.sfuBind) {
    // One concrete address: the answer then offers only it (an unreachable candidate of higher priority costs a
    // libjuice client 50 ms, its check pacing, before it tries the next).
    edit('io.sightline.transport.sfu.cfg', /^bind\.address\s*=.*$/m, 'bind.address = ' + a.sfuBind);
  }
  // The SFU's per-session setup line (ms after the answer: first ICE check, DTLS start/done, admitted, first packet).
  const logCfg = path.join(etc, 'org.ops4j.pax.logging.cfg');
  const logText = fs.readFileSync(logCfg, 'utf8');
  if (!logText.includes('io.sightline.sfu.setup')) {
    fs.writeFileSync(logCfg, logText.replace(/\n?$/, '\n') + 'log4j2.logger.sfusetup.name = io.sightline.sfu.setup\n'
      + 'log4j2.logger.sfusetup.level = DEBUG\n');
  }
  // All viewers come from one address: lift the WHEP per-address rate limit and the per-stream session cap.
  fs.writeFileSync(path.join(etc, 'io.sightline.signaling.whep.cfg'), WHEP_LIMITS);
  if (a.clip) {
    fs.writeFileSync(path.join(etc, 'io.sightline.stream-' + a.stream + '.cfg'), media.streamConfig(a.clip));
  }
  const log = fs.openSync(path.join(a.dist, 'load-bench-server.log'), 'w');
  const child = spawn(path.join(a.dist, 'bin', 'karaf'), ['server'], {
    cwd: a.dist, env: { ...process.env, SIGHTLINE_HTTP_PORT: String(a.httpPort) }, stdio: ['ignore', log, log],
    detached: true,
  });
  a.url = 'http://127.0.0.1:' + a.httpPort;
  return child;
}

async function waitForStream(a, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const v = new Viewer(whepUrl(a), -1);
      await v.open(5000);
      await v.close();
      return;
    } catch (e) {
      await sleep(1000);
    }
  }
  throw new Error('the stream did not play within ' + timeoutMs + ' ms at ' + whepUrl(a));
}

function whepUrl(a) {
  return a.url.replace(/\/$/, '') + '/whep/' + encodeURIComponent(a.stream);
}

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

const CLK_TCK = 100; // Linux USER_HZ on every x86-64 kernel we run on

/** utime + stime (seconds) and VmRSS (KiB) of a process. */
function processSample(pid) {
  const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(f[11]) + Number(f[12])) / CLK_TCK; // fields 14 and 15 of stat
  const status = fs.readFileSync('/proc/' + pid + '/status', 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
  return { cpu, rss, at: performance.now() };
}

/**
 * CPU seconds of the server threads that read or paint the stream's source and encode it (Java names them
 * sightline-testpattern-<stream> / sightline-ffmpeg-<stream>; the kernel keeps 15 characters of a thread's name).
 */
function sourceThreadsCpu(pid) {
  let cpu = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      if (!/^sightline-(testp|ffmpe)/.test(comm)) continue;
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu += (Number(f[11]) + Number(f[12])) / CLK_TCK;
    } catch { /* the thread ended */ }
  }
  return cpu;
}

/** The values of a /metrics family's samples for the benchmarked stream; null when /metrics cannot be read. */
async function streamSamples(a, family) {
  try {
    const text = await (await fetch(`${a.url}/metrics`)).text();
    const re = new RegExp(`^${family}\\{[^}]*stream="${a.stream}"[^}]*\\} (\\S+)$`, 'gm');
    return [...text.matchAll(re)].map((m) => Number(m[1]));
  } catch {
    return null;
  }
}

/**
 * CPU seconds the stream's running renditions spent scaling and encoding, summed over rungs: what a rung costs
 * whatever its viewers, so the server's CPU less this is what delivery costs. 0 when no rendition runs.
 */
async function renditionEncodeCpu(a) {
  const values = await streamSamples(a, 'sightline_rendition_encode_cpu_seconds_total');
  return values ? values.reduce((sum, v) => sum + v, 0) : NaN;
}

/** The stream's keyframe interval as the server reports it (seconds; NaN when not scrapeable). */
async function keyframeInterval(a) {
  const values = await streamSamples(a, 'sightline_stream_keyframe_interval_seconds');
  return values && values.length ? values[0] : NaN;
}

// ---- measuring -----------------------------------------------------------------------------------------------------

function percentile(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (v.length === 0) {
    return NaN;
  }
  return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)];
}

async function openViewers(a, viewers, count, failures) {
  if (a.rate > 0) {
    return openViewersAtRate(a, viewers, count, failures);
  }
  const url = whepUrl(a);
  let next = viewers.length;
  const target = viewers.length + count;
  const fresh = [];
  const worker = async () => {
    while (next < target) {
      const v = new Viewer(url, next++);
      try {
        await v.open(a.setupTimeout);
        viewers.push(v);
        fresh.push(v);
      } catch (e) {
        failures.push(e.message);
        v.close();
      }
    }
  };
  await Promise.all(Array.from({ length: a.concurrency }, worker));
  return fresh;
}

/**
 * --rate R: viewer i of the step starts i/R s after the first, whether or not the earlier ones are playing yet
 * (arrivals as from independent people, not a client that waits for its previous session).
 */
async function openViewersAtRate(a, viewers, count, failures) {
  const url = whepUrl(a);
  const start = performance.now();
  const base = viewers.length;
  const fresh = [];
  const opening = [];
  for (let i = 0; i < count; i++) {
    const wait = start + (i * 1000) / a.rate - performance.now();
    if (wait > 0) {
      await sleep(wait);
    }
    const v = new Viewer(url, base + i);
    opening.push(v.open(a.setupTimeout).then(() => {
      viewers.push(v);
      fresh.push(v);
    }, (e) => {
      failures.push(e.message);
      v.close();
    }));
  }
  await Promise.all(opening);
  return fresh;
}

/** p50/p95 of each setup milestone (ms since the WHEP POST) over these viewers, as one line. */
function setupSplitLine(viewers) {
  const splits = viewers.map((v) => v.setupSplit());
  const col = (k) => `${fmt(percentile(splits.map((s) => s[k]), 50), 0)}/${fmt(percentile(splits.map((s) => s[k]), 95), 0)}`;
  return `setup split p50/p95 ms after the POST (${viewers.length} viewers): answer ${col('answer')}, `
    + `ICE connected ${col('ice')}, DTLS done ${col('dtls')}, first packet ${col('first')}`;
}

/**
 * The server's own setup split (--dist only): its 'setup ms after the answer' log lines written since byte offset
 * `from` of data/log/karaf.log, as p50/p95 per milestone. Returns [line, newOffset].
 */
function serverSplitLine(a, from) {
  if (!a.dist) {
    return [null, from];
  }
  const log = path.join(a.dist, 'data', 'log', 'karaf.log');
  let text;
  try {
    const fd = fs.openSync(log, 'r');
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.max(0, size - from));
    fs.readSync(fd, buf, 0, buf.length, from);
    fs.closeSync(fd);
    text = buf.toString('utf8');
    from = size;
  } catch (e) {
    return [null, from];
  }
  const keys = ['ice', 'dtlsStart', 'dtlsDone', 'admitted', 'firstPacket'];
  const values = Object.fromEntries(keys.map((k) => [k, []]));
  let n = 0;
  for (const m of text.matchAll(/setup ms after the answer: (.*)/g)) {
    n++;
    for (const kv of m[1].trim().split(' ')) {
      const [k, v] = kv.split('=');
      if (values[k]) {
        values[k].push(Number(v));
      }
    }
  }
  if (n === 0) {
    return [null, from];
  }
  const col = (k) => `${fmt(percentile(values[k], 50), 1)}/${fmt(percentile(values[k], 95), 1)}`;
  return [`server side, p50/p95 ms after the answer (${n} sessions): first ICE check ${col('ice')}, DTLS first `
    + `record ${col('dtlsStart')}, DTLS done ${col('dtlsDone')}, admitted ${col('admitted')}, first packet `
    + `${col('firstPacket')}`, from];
}

/** --singles K: K viewers one after another, each closed before the next opens: the one-viewer setup time. */
async function singleViewerSetups(a) {
  const done = [];
  for (let i = 0; i < a.singles; i++) {
    const v = new Viewer(whepUrl(a), 100000 + i);
    try {
      await v.open(a.setupTimeout);
      done.push(v);
    } catch (e) {
      console.error(`  single viewer ${i} failed: ${e.message}`);
    }
    await v.close();
    await sleep(300);
  }
  return done;
}

/** Host-wide UDP counters (/proc/net/snmp): datagrams out and buffer overflows, of every process on the host. */
function udpCounters() {
  const lines = fs.readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/).map(Number);
  const get = (n) => values[names.indexOf(n)] || 0;
  return { out: get('OutDatagrams'), sndbufErrors: get('SndbufErrors'), rcvbufErrors: get('RcvbufErrors') };
}

/** Server and client figures over one steady window with the current viewers. */
async function measureWindow(a, pid, viewers) {
  const before = viewers.map((v) => v.snapshot());
  const s0 = processSample(pid);
  const t0 = sourceThreadsCpu(pid);
  const r0 = await renditionEncodeCpu(a);
  const c0 = process.cpuUsage();
  const u0 = udpCounters();
  await sleep(a.window * 1000);
  const s1 = processSample(pid);
  const t1 = sourceThreadsCpu(pid);
  const r1 = await renditionEncodeCpu(a);
  const c1 = process.cpuUsage();
  const u1 = udpCounters();
  const seconds = (s1.at - s0.at) / 1000;
  const kbps = [];
  let expected = 0;
  let received = 0;
  viewers.forEach((v, i) => {
    const b = before[i];
    const n = v.snapshot();
    kbps.push(((n.bytes - b.bytes) * 8) / 1000 / seconds);
    const e = n.highest - b.highest;
    expected += e;
    received += n.packets - b.packets;
  });
  const packetRate = received / seconds;
  const lost = Math.max(0, expected - received);
  const clientCpu = ((c1.user - c0.user + c1.system - c0.system) / 1e6 / seconds) * 100;
  return {
    cpuPct: ((s1.cpu - s0.cpu) / seconds) * 100,
    sourceCpuPct: ((t1 - t0) / seconds) * 100,
    renditionCpuPct: ((r1 - r0) / seconds) * 100,
    keyframeIntervalS: await keyframeInterval(a),
    rssMiB: s1.rss / 1024,
    kbpsP50: percentile(kbps, 50),
    kbpsMin: kbps.length ? Math.min(...kbps) : NaN,
    lossPct: expected > 0 ? (lost / expected) * 100 : 0,
    lostPackets: lost,
    clientCpuPct: clientCpu,
    packetRate,
    seconds,
    // Cross-checks when the clients get less than the stream carries: did the host send it, did buffers overflow?
    hostUdpOutPerSec: (u1.out - u0.out) / seconds,
    hostSndbufErrors: u1.sndbufErrors - u0.sndbufErrors,
    hostRcvbufErrors: u1.rcvbufErrors - u0.rcvbufErrors,
  };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function printRow(r, base, one) {
  const perViewerCpu = r.n > 0 ? (r.cpuPct - base.cpuPct) / r.n : NaN;
  const perViewerRss = r.n > 0 ? ((r.rssMiB - base.rssMiB) / r.n) * 1024 : NaN;
  const marginalCpu = one && r.n > one.n ? (r.cpuPct - one.cpuPct) / (r.n - one.n) : NaN;
  const marginalRss = one && r.n > one.n ? ((r.rssMiB - one.rssMiB) / (r.n - one.n)) * 1024 : NaN;
  // server CPU time per packet delivered beyond the first step: transferable to streams of other bitrates
  const usPerPacket = one && r.n > one.n ? ((r.cpuPct - one.cpuPct) / 100) * 1e6 / (r.packetRate - one.packetRate) : NaN;
  const cols = [
    String(r.n).padStart(4), `${r.established}/${r.n}`.padStart(8), fmt(r.setupP50, 0).padStart(6),
    fmt(r.setupP95, 0).padStart(6), fmt(r.kbpsP50, 0).padStart(6), fmt(r.kbpsMin, 0).padStart(6),
    fmt(r.lossPct, 3).padStart(7), fmt(r.cpuPct, 1).padStart(7), fmt(r.rssMiB, 0).padStart(6),
    fmt(perViewerCpu, 3).padStart(8), fmt(perViewerRss, 0).padStart(8), fmt(marginalCpu, 3).padStart(8),
    fmt(marginalRss, 0).padStart(8), fmt(usPerPacket, 1).padStart(6), fmt(r.clientCpuPct, 0).padStart(6),
  ];
  console.log(cols.join(' '));
}

async function main() {
  const a = parseArgs(process.argv);
  Viewer.codec = a.codec;
  ndc.initLogger('Error', () => {});
  let server = null;
  if (a.fileStream) {
    // A genuine 2 Mbit/s clip (the test pattern compresses to ~470 kbit/s); see media.js.
    a.clip = media.ensureClip(a.mediaDir, a.fileKbps);
    console.error(`clip ${a.clip}: ${JSON.stringify(media.probe(a.clip))}`);
    if (!a.dist) {
      console.error(`the attached server needs etc/io.sightline.stream-${a.stream}.cfg:\n` + media.streamConfig(a.clip));
    }
  }
  if (a.dist) {
    server = startDistribution(a);
    console.error(`started ${a.dist} (pid ${server.pid}), HTTP ${a.url}`);
  }
  const stop = async (code) => {
    if (server) {
      try {
        process.kill(-server.pid, 'SIGTERM');
      } catch (e) {
        // already gone
      }
    }
    ndc.cleanup();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(130));
  try {
    await waitForStream(a, 120000);
    const pid = a.pid || listeningPid(new URL(a.url).port ? Number(new URL(a.url).port) : 80);
    if (!pid) {
      throw new Error('cannot find the server process listening on ' + a.url + ' (give --pid)');
    }
    console.error(`server pid ${pid}; stream ${whepUrl(a)}; window ${a.window} s`);
    await sleep(a.settle * 1000);
    let logAt = serverSplitLine(a, 0)[1];
    const printServerSplit = () => {
      const [line, at] = serverSplitLine(a, logAt);
      logAt = at;
      if (line) {
        console.log('  ' + line);
      }
    };
    if (a.singles > 0) {
      const singles = await singleViewerSetups(a);
      console.log(`one viewer at a time, ${singles.length} times: ` + setupSplitLine(singles));
      printServerSplit();
      if (a.steps.length === 0) {
        await stop(0);
        return;
      }
    }
    const base = { n: 0, established: 0, ...(await measureWindow(a, pid, [])) };
    console.log('                                                           - vs N=0 -------  - vs first N --------');
    console.log('   N  sessions  setup  setup  kbit/s kbit/s   loss  server   RSS  CPU/view RSS/view CPU/view RSS/view  CPU/  client');
    console.log('                p50ms  p95ms    p50    min      %   %core   MiB    %core     KiB    %core      KiB  pkt µs %core');
    printRow(base, base, null);
    console.error(`  source + encoder threads ${fmt(base.sourceCpuPct, 1)} %core, keyframe every `
      + `${fmt(base.keyframeIntervalS, 2)} s`);
    const rows = [base];
    const viewers = [];
    for (const n of a.steps) {
      const failures = [];
      const fresh = await openViewers(a, viewers, n - viewers.length, failures);
      const setups = fresh.map((v) => v.setupMs());
      const retries = fresh.reduce((n, v) => n + v.retries, 0);
      const split = setupSplitLine(fresh);
      await sleep(a.settle * 1000);
      const live = viewers.filter((v) => v.state === 'playing');
      const w = await measureWindow(a, pid, live);
      const row = {
        n, established: live.length, setupP50: percentile(setups, 50), setupP95: percentile(setups, 95), ...w,
        failures: failures.slice(0, 5),
      };
      rows.push(row);
      row.setupSplit = fresh.map((v) => v.setupSplit());
      printRow(row, base, rows[1]);
      console.log(`  ${split}${a.rate > 0 ? `, arriving at ${a.rate}/s` : `, ${a.concurrency} offers in flight`}`);
      printServerSplit();
      console.error(`  host UDP (all processes): ${fmt(w.hostUdpOutPerSec, 0)} datagrams/s out, ` +
        `${w.hostSndbufErrors} send / ${w.hostRcvbufErrors} receive buffer overflows; viewers received ` +
        `${fmt(w.packetRate, 0)} packets/s`);
      console.error(`  source + encoder threads ${fmt(w.sourceCpuPct, 1)} %core (rest of the server ` +
        `${fmt(w.cpuPct - w.sourceCpuPct, 1)}), keyframe every ${fmt(w.keyframeIntervalS, 2)} s`);
      if (w.renditionCpuPct > 0) {
        // A rung's encoder swings by points from window to window; a viewer costs a tenth of a point: compare
        // what is left once the encoders are taken out.
        const rest = (x) => x.cpuPct - x.renditionCpuPct;
        const perViewer = rows.length > 2 && row.established > rows[1].established
          ? ` (${fmt((rest(row) - rest(rows[1])) / (row.established - rows[1].established), 3)} %core per viewer `
            + `vs N=${rows[1].established})` : '';
        console.error(`  renditions' encoders ${fmt(w.renditionCpuPct, 1)} %core (/metrics); the server without them `
          + `${fmt(rest(w), 1)} %core${perViewer}`);
      }
      if (retries) {
        console.error(`  ${retries} offers were retried after 429/503 (the server's per-address rate limit)`);
      }
      if (failures.length) {
        console.error(`  ${failures.length} failed, e.g.: ${[...new Set(failures)].slice(0, 3).join(' | ')}`);
      }
    }
    if (a.json) {
      fs.writeFileSync(a.json, JSON.stringify({ url: a.url, stream: a.stream, window: a.window, rows }, null, 2));
    }
    if (a.hold > 0) {
      console.error(`holding ${viewers.length} viewers for ${a.hold} s (e.g. to profile the server)`);
      await sleep(a.hold * 1000);
    }
    await Promise.all(viewers.map((v) => v.close()));
    await stop(0);
  } catch (e) {
    console.error('load benchmark failed: ' + e.message);
    await stop(1);
  }
}

main();
