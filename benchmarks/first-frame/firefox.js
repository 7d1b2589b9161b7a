'use strict';
// Time to first frame in Debian's headless Firefox ESR (never a downloaded browser). Debian ships no geckodriver, so
// the page is served by a small HTTP server of ours and POSTs its findings back to it; it talks WHEP to Sightline
// cross-origin (the WHEP endpoint answers CORS). Used by benchmarks/rtsp-source (--phases firefox).
// Each run is a fresh Firefox process with a fresh profile; the clock runs in the page, from the WHEP POST to the
// first rendered frame (requestVideoFrameCallback), so Firefox's own start-up is not counted.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');

const EXECUTABLE = '/usr/bin/firefox-esr';
// Everything stays on this machine (no updates, telemetry or OpenH264 download: Debian's Firefox then has no H.264,
// which is the point), and WebRTC may use loopback host candidates.
const PREFS = [
  ['network.dns.forceResolve', '"127.0.0.1"'], ['media.autoplay.default', 0], ['media.autoplay.blocking_policy', 0],
  ['media.peerconnection.ice.loopback', true], ['media.peerconnection.ice.obfuscate_host_addresses', false],
  ['media.gmp-manager.updateEnabled', false], ['media.gmp-gmpopenh264.enabled', false], ['app.update.enabled', false],
  ['app.update.auto', false], ['extensions.update.enabled', false], ['browser.shell.checkDefaultBrowser', false],
  ['browser.startup.homepage_override.mstone', '"ignore"'], ['datareporting.policy.dataSubmissionEnabled', false],
  ['datareporting.healthreport.uploadEnabled', false], ['toolkit.telemetry.enabled', false],
  ['browser.safebrowsing.malware.enabled', false], ['browser.safebrowsing.phishing.enabled', false],
  ['network.captive-portal-service.enabled', false], ['network.connectivity-service.enabled', false],
].map(([k, v]) => `user_pref("${k}", ${v});`).join('\n');

function page(whepUrl, watchMs) {
  return `<!doctype html><html><body><video id=v autoplay muted playsinline></video><script>
const result = {frames: 0};
const report = () => fetch('/report', {method: 'POST', body: JSON.stringify(result)});
(async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', {direction: 'recvonly'});
  pc.addTransceiver('audio', {direction: 'recvonly'});
  const v = document.getElementById('v');
  pc.ontrack = e => { v.srcObject = e.streams[0] || new MediaStream([e.track]); };
  await pc.setLocalDescription(await pc.createOffer());
  const t0 = performance.now();
  const r = await fetch(${JSON.stringify(whepUrl)}, {method: 'POST', headers: {'Content-Type': 'application/sdp'},
      body: pc.localDescription.sdp});
  result.status = r.status;
  const body = await r.text();
  if (r.status !== 201) { result.error = body.slice(0, 300); report(); return; }
  const location = r.headers.get('Location');
  await pc.setRemoteDescription({type: 'answer', sdp: body});
  result.answeredMs = performance.now() - t0;
  v.requestVideoFrameCallback(async function first(now, meta) {
    result.firstFrameMs = performance.now() - t0;
    result.width = meta.width;
    await new Promise(done => setTimeout(done, ${watchMs}));
    const stats = await pc.getStats();
    stats.forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') { result.frames = s.framesDecoded; result.lost = s.packetsLost;
        result.codecId = s.codecId; }
    });
    stats.forEach(s => { if (s.id === result.codecId) result.codec = s.mimeType; });
    pc.close();
    if (location) await fetch(new URL(location, ${JSON.stringify(whepUrl)}), {method: 'DELETE'}).catch(() => {});
    report();
  });
})().catch(e => { result.error = String(e); report(); });
</script></body></html>`;
}

/** One Firefox viewer of `whepUrl`: {status, firstFrameMs, answeredMs, width, frames, lost, codec, error}. */
async function run(whepUrl, { watchMs = 2000, timeoutMs = 30000 } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-firefox-'));
  fs.writeFileSync(path.join(profile, 'user.js'), PREFS + '\n');
  let reported;
  const got = new Promise((resolve) => { reported = resolve; });
  const html = page(whepUrl, watchMs);
  const server = http.createServer((req, res) => {
    if (req.url === '/report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { res.writeHead(204).end(); reported(JSON.parse(body)); });
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html;charset=utf-8' }).end(html);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = spawn(EXECUTABLE, ['--headless', '--no-remote', '--profile', profile,
    `http://127.0.0.1:${server.address().port}/page`], { stdio: 'ignore', detached: true });
  const timer = new Promise((resolve) => setTimeout(() => resolve({ error: `no report within ${timeoutMs} ms` }),
    timeoutMs));
  try {
    return await Promise.race([got, timer]);
  } finally {
    try {
      process.kill(-browser.pid, 'SIGKILL');
    } catch (e) {
      // already gone
    }
    server.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function describe(r) {
  return `HTTP ${r.status} first frame ${r.firstFrameMs?.toFixed(0)} ms (answer ${r.answeredMs?.toFixed(0)} ms), ` +
    `${r.width}px ${r.codec}, ${r.frames} frames, ${r.lost} lost` + (r.error ? ` (${r.error})` : '');
}

module.exports = { run, describe, EXECUTABLE };
