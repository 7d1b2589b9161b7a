'use strict';
// The pieces the soak and churn benchmarks run against: an unpacked Sightline distribution started on this run's
// ports (or a running server given by --url), stream definitions written into its etc/, and timecode cameras
// (benchmarks/latency/rig/timecode_camera.py: gst-rtsp-server, OpenH264, Opus) as child processes.

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sets one key of a Karaf .cfg file (replaced where it is, appended otherwise). */
function setKey(file, key, value) {
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const line = new RegExp('^\\s*' + key.replace(/\./g, '\\.') + '\\s*=.*$', 'm');
  text = line.test(text) ? text.replace(line, `${key} = ${value}`)
    : text + (text === '' || text.endsWith('\n') ? '' : '\n') + `${key} = ${value}\n`;
  fs.writeFileSync(file, text);
}

/**
 * All viewers come from 127.0.0.1: lift the WHEP per-address rate limit and the session caps (a soak and a churn
 * test the server's lifecycle, not its admission limits, which the flood tests cover).
 */
function liftLimits(etc) {
  const whep = path.join(etc, 'io.sightline.signaling.whep.cfg');
  for (const [k, v] of [['max.requests.per.second.per.address', 1000], ['request.burst.per.address', 1000],
    ['max.sessions.per.stream', 4000], ['max.sessions.total', 4000]]) {
    setKey(whep, k, v);
  }
  setKey(path.join(etc, 'io.sightline.transport.sfu.cfg'), 'max.sessions', 4000);
}

/**
 * Starts `bin/karaf server` of an unpacked distribution: HTTP on httpPort, SSH/RMI/SFU on portBase..+3, the SFU
 * bound to 127.0.0.1 (one UDP and one TCP candidate), the consent timeout when given.
 */
function startDistribution(dist, { httpPort, portBase, consentTimeoutSeconds, logName = 'bench-server.log' }) {
  const etc = path.join(dist, 'etc');
  setKey(path.join(etc, 'org.apache.karaf.shell.cfg'), 'sshPort', portBase);
  setKey(path.join(etc, 'org.apache.karaf.management.cfg'), 'rmiRegistryPort', portBase + 1);
  setKey(path.join(etc, 'org.apache.karaf.management.cfg'), 'rmiServerPort', portBase + 2);
  const sfu = path.join(etc, 'io.sightline.transport.sfu.cfg');
  setKey(sfu, 'udp.port', portBase + 3);
  setKey(sfu, 'tcp.port', portBase + 3);
  setKey(sfu, 'bind.address', '127.0.0.1');
  if (consentTimeoutSeconds) {
    setKey(sfu, 'consent.timeout.seconds', consentTimeoutSeconds);
  }
  liftLimits(etc);
  const log = fs.openSync(path.join(dist, logName), 'w');
  const child = spawn(path.join(dist, 'bin', 'karaf'), ['server'], {
    cwd: dist, env: { ...process.env, SIGHTLINE_HTTP_PORT: String(httpPort) }, stdio: ['ignore', log, log],
    detached: true,
  });
  return child;
}

/**
 * A fixed, pre-touched Java heap (-Xms = -Xmx, AlwaysPreTouch) through bin/setenv: the heap's share of RSS is then
 * constant, so RSS moves only with memory outside the heap (threads, direct buffers, native libraries, JIT), while
 * the heap itself is judged by its live size after GC. With the default flags G1 grows and shrinks the committed heap
 * with the allocation rate, and RSS follows it.
 */
// clearSoftRefs: every collection clears soft references (SoftRefLRUPolicyMSPerMB=0), so "live heap after GC"
// counts strongly reachable objects only, not boot-time caches the JVM lets go minutes later.
function fixHeap(home, mib, clearSoftRefs) {
  const softRefs = clearSoftRefs ? '-XX:SoftRefLRUPolicyMSPerMB=0 ' : '';
  fs.appendFileSync(path.join(home, 'bin', 'setenv'), `\n# soak: fixed heap\nexport EXTRA_JAVA_OPTS="-Xms${mib}m -Xmx${mib}m `
    + `-XX:+AlwaysPreTouch ${softRefs}\${EXTRA_JAVA_OPTS}"\n`);
}

/** Waits until GET /health answers 200 and the WHEP servlet is registered (a POST is not 404/405). */
async function awaitServer(baseUrl, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const h = await fetch(baseUrl + '/health', { signal: AbortSignal.timeout(5000) });
      const w = await fetch(baseUrl + '/whep/demo', { method: 'POST', headers: { 'Content-Type': 'text/plain' },
        body: 'probe', signal: AbortSignal.timeout(5000) });
      if (h.status === 200 && w.status !== 404 && w.status !== 405) {
        return;
      }
    } catch (e) {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`the server at ${baseUrl} did not come up within ${timeoutMs} ms`);
}

/** The stream file of an RTSP camera read by the native RTSP client over TCP, always on, public from loopback. */
function cameraStream(url, comment) {
  return [`# ${comment}`, 'source.type = rtsp', `source.url = ${url}`, 'source.rtsp.transport = tcp',
    'source.read.timeout.ms = 3000', 'reconnect.initial.delay.ms = 300', 'reconnect.max.delay.ms = 1000',
    'mode = always-on', 'transport.mode = sfu', 'access = public', 'access.public.from = 127.0.0.1/8, ::1', ''].join('\n');
}

const CAMERA_SCRIPT = path.join(__dirname, '..', 'latency', 'rig', 'timecode_camera.py');

/** A timecode camera on rtsp://127.0.0.1:port/cam; resolves once it prints "ready". */
async function startCamera(port, [w, h, fps, kbps], logFile) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn('/usr/bin/python3', [CAMERA_SCRIPT, String(port), String(w), String(h), String(fps),
    String(kbps)], { stdio: ['ignore', 'pipe', log] });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('camera did not start; see ' + logFile)), 20000);
    child.stdout.on('data', (d) => {
      if (String(d).includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`camera exited with ${code}; see ${logFile}`)));
  });
  child.stdout.resume();
  return child;
}

/** Sum of one stream's state in GET /health ("live", "reconnecting", ...), or '?' when not found. */
async function streamState(baseUrl, name) {
  try {
    const text = await (await fetch(baseUrl + '/health', { signal: AbortSignal.timeout(5000) })).text();
    const m = new RegExp(`"${name}":\\{[^}]*"state":"([a-z]+)"`).exec(text);
    return m ? m[1] : '?';
  } catch (e) {
    return '?';
  }
}

module.exports = { setKey, liftLimits, fixHeap, startDistribution, awaitServer, cameraStream, startCamera, streamState, sleep };
