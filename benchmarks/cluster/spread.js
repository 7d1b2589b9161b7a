'use strict';
// Viewers spread over two cluster nodes by the WHEP 307 redirect vs all viewers on one node (issue 19, "Tests and
// figures"). Starts two unpacked distributions as one cluster on loopback, each playing the same 2 Mbit/s H.264 clip
// on the stream load2000k (the same stream file on both: relays between nodes are not built), then:
//   idle:   no viewer, both nodes measured (each node's baseline: its source, the cluster publishing);
//   single: N viewers posted to node B (no redirect threshold): all on B;
//   spread: N viewers posted to node A, whose cluster.redirect.viewers is N/2: A keeps N/2 and answers the rest
//           with 307 to B (the client follows it, as the bundled player does);
//   idle again: no viewer (the first idle window comes soon after the JVMs started, when JIT work still shows).
// For each phase: viewers per node (where each POST ended), per-viewer kbit/s and loss, each node's CPU (% of one
// core, /proc/PID/stat over the window), its CPU per viewer above its idle baseline, and this client's CPU.
//
//   node spread.js --dist-a DIR --dist-b DIR [--viewers 100] [--window 20] [--settle 5] [--port-base 20100]
// DIRs are unpacked distributions (tar xzf karaf-assembly/target/sightline-karaf-*.tar.gz), one per node; ports are
// port-base .. port-base+13 (HTTP, SSH, RMI, SFU and cluster port of each node).

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { Viewer } = require('../load/viewer');
const media = require('../load/media');

const STREAM = 'load2000k';
const CLK_TCK = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function parseArgs(argv) {
  const a = { viewers: 100, window: 20, settle: 5, portBase: 20100, concurrency: 8, mediaDir: media.DEFAULT_DIR };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--dist-a') a.distA = path.resolve(v);
    else if (k === '--dist-b') a.distB = path.resolve(v);
    else if (k === '--viewers') a.viewers = Number(v);
    else if (k === '--window') a.window = Number(v);
    else if (k === '--settle') a.settle = Number(v);
    else if (k === '--port-base') a.portBase = Number(v);
    else if (k === '--concurrency') a.concurrency = Number(v);
    else if (k === '--media-dir') a.mediaDir = v;
    else throw new Error('unknown option ' + k);
  }
  if (!a.distA || !a.distB) throw new Error('--dist-a and --dist-b are required');
  return a;
}

function setKey(file, key, value) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const re = new RegExp('^' + key.replace(/\./g, '\\.') + '\\s*=.*$', 'm');
  const line = key + ' = ' + value;
  fs.writeFileSync(file, re.test(text) ? text.replace(re, line) : text.replace(/\n?$/, '\n') + line + '\n');
}

/** Writes a node's ports, cluster file, stream and WHEP limits, and starts it (bin/karaf server). */
function startNode(node, a, clip, members) {
  const etc = path.join(node.dist, 'etc');
  setKey(path.join(etc, 'org.apache.karaf.shell.cfg'), 'sshPort', node.base + 1);
  setKey(path.join(etc, 'org.apache.karaf.management.cfg'), 'rmiRegistryPort', node.base + 2);
  setKey(path.join(etc, 'org.apache.karaf.management.cfg'), 'rmiServerPort', node.base + 3);
  setKey(path.join(etc, 'io.sightline.transport.sfu.cfg'), 'udp.port', node.base + 4);
  setKey(path.join(etc, 'io.sightline.transport.sfu.cfg'), 'tcp.port', node.base + 4);
  setKey(path.join(etc, 'io.sightline.transport.sfu.cfg'), 'bind.address', '127.0.0.1');
  fs.writeFileSync(path.join(etc, 'io.sightline.signaling.whep.cfg'), [
    '# Written by benchmarks/cluster: every benchmark viewer comes from 127.0.0.1.',
    'max.requests.per.second.per.address = 1000', 'request.burst.per.address = 1000',
    'max.sessions.per.stream = 2000', 'max.sessions.total = 2000',
    'cluster.redirect.viewers = ' + node.redirectAt, ''].join('\n'));
  if (clip) {
    fs.writeFileSync(path.join(etc, 'io.sightline.stream-' + STREAM + '.cfg'), media.streamConfig(clip));
  }
  fs.writeFileSync(path.join(etc, 'io.sightline.cluster.cfg'), [
    'node.name = ' + node.name, 'members = ' + members, 'bind.address = 127.0.0.1', 'port = ' + node.clusterPort,
    'publish.interval.seconds = 1', 'relay.idle.seconds = ' + (node.relayIdle || 30), ''].join('\n'));
  fs.mkdirSync(path.join(node.dist, 'deploy'), { recursive: true });
  fs.writeFileSync(path.join(node.dist, 'deploy', 'bench-cluster.xml'),
    '<features name="bench-cluster" xmlns="http://karaf.apache.org/xmlns/features/v1.6.0">\n'
    + '  <feature name="bench-cluster" install="auto"><feature>sightline-cluster</feature></feature>\n</features>\n');
  const log = fs.openSync(path.join(node.dist, 'cluster-bench-server.log'), 'w');
  node.child = spawn(path.join(node.dist, 'bin', 'karaf'), ['server'], {
    cwd: node.dist, env: { ...process.env, SIGHTLINE_HTTP_PORT: String(node.httpPort) },
    stdio: ['ignore', log, log], detached: true,
  });
  node.url = 'http://127.0.0.1:' + node.httpPort;
}

/** The Karaf JVM under the launched script. */
function jvmPid(scriptPid) {
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = fs.readFileSync('/proc/' + p + '/stat', 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const comm = fs.readFileSync('/proc/' + p + '/comm', 'utf8').trim();
      if (ppid === scriptPid && comm === 'java') return Number(p);
    } catch (e) { /* gone */ }
  }
  return 0;
}

function cpuSeconds(pid) {
  const stat = fs.readFileSync('/proc/' + pid + '/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

async function health(node) {
  try {
    return await (await fetch(node.url + '/health')).text();
  } catch (e) {
    return '';
  }
}

async function waitReady(nodes, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const bodies = await Promise.all(nodes.map(health));
    const ready = bodies.every((b) => /"members":2/.test(b)
      && new RegExp('"' + STREAM + '":\\{[^}]*"state":"live"').test(b)
      && nodes.every((n) => b.includes('"' + n.name + '":{"status":"up"')));
    if (ready) return;
    await sleep(1000);
  }
  throw new Error('the two nodes did not form a cluster with ' + STREAM + ' live within ' + timeoutMs + ' ms');
}

/** Opens `count` viewers by POSTing to `node`, `concurrency` at a time; each records the node that answered. */
async function openViewers(a, node, count, firstIndex = 0) {
  const viewers = [];
  let next = firstIndex;
  count += firstIndex;
  const failures = [];
  const worker = async () => {
    while (next < count) {
      const v = new Viewer(node.url + '/whep/' + STREAM, next++);
      try {
        await v.open(20000);
        viewers.push(v);
      } catch (e) {
        failures.push(e.message);
        await v.close();
      }
    }
  };
  await Promise.all(Array.from({ length: a.concurrency }, worker));
  if (failures.length) console.error('spread: ' + failures.length + ' viewer(s) failed: ' + failures[0]);
  return viewers;
}

async function measure(a, nodes, viewers) {
  const before = viewers.map((v) => v.snapshot());
  const c0 = nodes.map((n) => cpuSeconds(n.pid));
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(a.window * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const c1 = nodes.map((n) => cpuSeconds(n.pid));
  const u1 = process.cpuUsage();
  const kbps = [];
  let expected = 0;
  let received = 0;
  viewers.forEach((v, i) => {
    const s = v.snapshot();
    kbps.push(((s.bytes - before[i].bytes) * 8) / 1000 / seconds);
    expected += s.highest - before[i].highest;
    received += s.packets - before[i].packets;
  });
  kbps.sort((x, y) => x - y);
  return {
    cpu: nodes.map((n, i) => ((c1[i] - c0[i]) / seconds) * 100),
    on: nodes.map((n) => viewers.filter((v) => v.location && v.location.startsWith(n.url + '/')).length),
    kbpsP50: kbps.length ? kbps[Math.floor(kbps.length / 2)] : NaN,
    kbpsMin: kbps.length ? kbps[0] : NaN,
    lossPct: expected > 0 ? (Math.max(0, expected - received) / expected) * 100 : 0,
    clientPct: ((u1.user - u0.user + u1.system - u0.system) / 1e6 / seconds) * 100,
  };
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function printRow(label, r, idle, viewers) {
  const perViewer = r.cpu.map((c, i) => (r.on[i] > 0 ? (c - idle.cpu[i]) / r.on[i] : NaN));
  const total = r.cpu.reduce((x, y) => x + y, 0);
  console.log(['|', label, '|', viewers, '|', r.on.join(' / '), '|', fmt(r.kbpsP50, 0), '/', fmt(r.kbpsMin, 0), '|',
    fmt(r.lossPct, 2), '|', r.cpu.map((c) => fmt(c)).join(' / '), '|', fmt(total), '|',
    perViewer.map((c) => fmt(c, 3)).join(' / '), '|', fmt(r.clientPct), '|'].join(' '));
}

async function closeAll(viewers) {
  await Promise.all(viewers.map((v) => v.close()));
}

async function main() {
  const a = parseArgs(process.argv);
  const clip = media.ensureClip(a.mediaDir, 2000);
  const half = Math.ceil(a.viewers / 2);
  const nodes = [
    { name: 'node-a', dist: a.distA, httpPort: a.portBase, base: a.portBase, clusterPort: a.portBase + 5,
      redirectAt: half },
    { name: 'node-b', dist: a.distB, httpPort: a.portBase + 7, base: a.portBase + 7, clusterPort: a.portBase + 12,
      redirectAt: 0 },
  ];
  const members = nodes.map((n) => '127.0.0.1:' + n.clusterPort).join(',');
  nodes.forEach((n) => startNode(n, a, clip, members));
  const stop = () => nodes.forEach((n) => { try { process.kill(-n.child.pid, 'SIGTERM'); } catch (e) { /* gone */ } });
  process.on('exit', stop);
  process.on('SIGINT', () => process.exit(130));
  try {
    await waitReady(nodes, 240000);
    nodes.forEach((n) => { n.pid = jvmPid(n.child.pid); });
    if (nodes.some((n) => !n.pid)) throw new Error('no Karaf JVM found');
    console.error('spread: cluster up, ' + STREAM + ' live on both; node pids ' + nodes.map((n) => n.pid).join(', '));
    await sleep(a.settle * 1000);
    console.log('| phase | viewers | on A / B | kbit/s p50 / min | loss % | CPU % A / B | CPU % total | '
      + 'CPU %/viewer A / B (above idle) | client % |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const idle = await measure(a, nodes, []);
    printRow('idle', idle, { cpu: [NaN, NaN] }, 0);

    let viewers = await openViewers(a, nodes[1], a.viewers);
    await sleep(a.settle * 1000);
    printRow('single (all on B)', await measure(a, nodes, viewers), idle, viewers.length);
    await closeAll(viewers);
    await sleep(a.settle * 1000);

    viewers = await openViewers(a, nodes[0], a.viewers);
    await sleep(a.settle * 1000);
    printRow('spread (POST to A, 307 above ' + half + ')', await measure(a, nodes, viewers), idle, viewers.length);
    await closeAll(viewers);
    await sleep(a.settle * 1000);
    printRow('idle again', await measure(a, nodes, []), { cpu: [NaN, NaN] }, 0);
  } finally {
    stop();
  }
  process.exit(0);
}

module.exports = { STREAM, sleep, startNode, jvmPid, cpuSeconds, health, openViewers, measure, printRow, closeAll,
  fmt };

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
