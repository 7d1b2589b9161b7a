'use strict';
// Edge relays (issue 19 point 3, decision 0045): what a relay costs and how viewers spread over two edges compare
// with all viewers on one node. Starts three unpacked distributions as one cluster on loopback: node-o (the origin)
// plays the 2 Mbit/s 720p30 H.264 clip of the SFU load benchmark on the stream load2000k; node-e1 and node-e2 define
// nothing and relay it automatically for the viewers who ask them. Phases (each measured over --window seconds):
//   idle:           no viewer; each node's baseline;
//   relays:         one viewer on each edge: each edge relays the stream (one pull session on the origin each);
//   single node:    N viewers on the origin itself, no relay (after the relays closed);
//   2 edges:        N/2 viewers on each edge, the origin serving only the two relays;
//   idle again.
// Per phase: viewers per node, per-viewer kbit/s and loss, each node's CPU (% of one core over the window) and CPU
// per viewer above idle. The relay cost is the "relays" row: an edge's CPU above idle is its relay plus one viewer,
// the origin's is two edge sessions.
//
//   node edge.js --dist-o DIR --dist-e1 DIR --dist-e2 DIR [--viewers 100] [--window 20] [--settle 5]
//                [--port-base 20300]
// Ports are port-base .. port-base+19 (HTTP, SSH, RMI, SFU and cluster port of each node).

const fs = require('fs');
const path = require('path');
const media = require('../load/media');
const {
  STREAM, sleep, startNode, jvmPid, health, openViewers, measure, printRow, closeAll,
} = require('./spread');

function parseArgs(argv) {
  const a = { viewers: 100, window: 20, settle: 5, portBase: 20300, concurrency: 8, mediaDir: media.DEFAULT_DIR };
  for (let i = 2; i < argv.length; i += 2) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--dist-o') a.distO = path.resolve(v);
    else if (k === '--dist-e1') a.distE1 = path.resolve(v);
    else if (k === '--dist-e2') a.distE2 = path.resolve(v);
    else if (k === '--viewers') a.viewers = Number(v);
    else if (k === '--window') a.window = Number(v);
    else if (k === '--settle') a.settle = Number(v);
    else if (k === '--port-base') a.portBase = Number(v);
    else if (k === '--concurrency') a.concurrency = Number(v);
    else if (k === '--media-dir') a.mediaDir = v;
    else throw new Error('unknown option ' + k);
  }
  if (!a.distO || !a.distE1 || !a.distE2) throw new Error('--dist-o, --dist-e1 and --dist-e2 are required');
  return a;
}

async function waitReady(nodes, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const bodies = await Promise.all(nodes.map(health));
    const live = new RegExp('"' + STREAM + '":\\{[^}]*"state":"live"').test(bodies[0]);
    if (live && bodies.every((b) => /"members":3/.test(b)
      && nodes.every((n) => b.includes('"' + n.name + '":{"status":"up"')))) return;
    await sleep(1000);
  }
  throw new Error('the three nodes did not form a cluster with ' + STREAM + ' live within ' + timeoutMs + ' ms');
}

/** Waits until no node relays anything (the relays' idle time after their last viewer). */
async function waitNoRelays(nodes, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const bodies = await Promise.all(nodes.map(health));
    if (bodies.every((b) => /"relays":0/.test(b))) return;
    await sleep(500);
  }
  throw new Error('relays still open after ' + timeoutMs + ' ms');
}

async function main() {
  const a = parseArgs(process.argv);
  const clip = media.ensureClip(a.mediaDir, 2000);
  const nodes = [
    { name: 'node-o', dist: a.distO, clip },
    { name: 'node-e1', dist: a.distE1, clip: null },
    { name: 'node-e2', dist: a.distE2, clip: null },
  ].map((n, i) => ({ ...n, httpPort: a.portBase + 7 * i, base: a.portBase + 7 * i,
    clusterPort: a.portBase + 7 * i + 5, redirectAt: 0, relayIdle: 3 }));
  const members = nodes.map((n) => '127.0.0.1:' + n.clusterPort).join(',');
  nodes.forEach((n) => {
    // Relays authenticate with a token signed by the JWT secret, which the nodes of a cluster share (docs/cluster.md).
    fs.writeFileSync(path.join(n.dist, 'etc', 'io.sightline.auth.jwt.cfg'),
      'hmac.secret = sightline-edge-benchmark-secret-0123456789\n');
    startNode(n, a, n.clip, members);
  });
  const stop = () => nodes.forEach((n) => { try { process.kill(-n.child.pid, 'SIGTERM'); } catch (e) { /* gone */ } });
  process.on('exit', stop);
  process.on('SIGINT', () => process.exit(130));
  try {
    await waitReady(nodes, 600000);
    nodes.forEach((n) => { n.pid = jvmPid(n.child.pid); });
    if (nodes.some((n) => !n.pid)) throw new Error('no Karaf JVM found');
    console.error('edge: cluster up, ' + STREAM + ' live on node-o; pids ' + nodes.map((n) => n.pid).join(', '));
    await sleep(a.settle * 1000);
    console.log('| phase | viewers | on O / E1 / E2 | kbit/s p50 / min | loss % | CPU % O / E1 / E2 | CPU % total | '
      + 'CPU %/viewer O / E1 / E2 (above idle) | client % |');
    console.log('|---|---|---|---|---|---|---|---|---|');
    const none = { cpu: [NaN, NaN, NaN] };
    const idle = await measure(a, nodes, []);
    printRow('idle', idle, none, 0);

    let viewers = [...await openViewers(a, nodes[1], 1), ...await openViewers(a, nodes[2], 1, 1)];
    await sleep(a.settle * 1000);
    printRow('relays (1 viewer on each edge)', await measure(a, nodes, viewers), idle, viewers.length);
    await closeAll(viewers);
    await waitNoRelays(nodes, 60000);

    viewers = await openViewers(a, nodes[0], a.viewers);
    await sleep(a.settle * 1000);
    printRow('single node (all on O)', await measure(a, nodes, viewers), idle, viewers.length);
    await closeAll(viewers);
    await sleep(a.settle * 1000);

    const half = Math.ceil(a.viewers / 2);
    viewers = [...await openViewers(a, nodes[1], half), ...await openViewers(a, nodes[2], a.viewers - half, half)];
    await sleep(a.settle * 1000);
    printRow('2 edges (N/2 on each, O serves 2 relays)', await measure(a, nodes, viewers), idle, viewers.length);
    await closeAll(viewers);
    await waitNoRelays(nodes, 60000);
    printRow('idle again', await measure(a, nodes, []), none, 0);
  } finally {
    stop();
  }
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
