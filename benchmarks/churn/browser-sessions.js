'use strict';
// Sessions ended by a DTLS close_notify alert, made by Debian's headless Chromium: libdatachannel and werift close
// their peer connections without sending one (checked here: nothing leaves the client after close()), Chromium sends
// it. A page served by this process runs the sessions (RTCPeerConnection, WHEP POST, wait for the first video packets
// in getStats, pc.close() without DELETE) and posts the session ids back. No driver: Chromium is started on the page's
// URL and stopped when the report came.

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const { spawn } = require('child_process');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const PAGE = `<!doctype html><meta charset="utf-8"><title>churn</title><script>
const q = new URLSearchParams(location.search);
const whep = q.get('whep'), count = Number(q.get('n')), concurrency = Number(q.get('c'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function one() {
  const pc = new RTCPeerConnection();
  try {
    pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const r = await fetch(whep, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
    const body = await r.text();
    if (r.status !== 201) throw new Error('WHEP ' + r.status + ': ' + body.slice(0, 120));
    const loc = r.headers.get('Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: body });
    const deadline = Date.now() + 15000;
    for (;;) {
      let packets = 0;
      (await pc.getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') packets = s.packetsReceived; });
      if (packets > 0) break;
      if (Date.now() > deadline) throw new Error('no video packet within 15 s (' + pc.connectionState + ')');
      await sleep(30);
    }
    return loc.slice(loc.lastIndexOf('/') + 1);
  } finally {
    pc.close(); // DTLS close_notify; no DELETE
  }
}
(async () => {
  const ids = [], failures = [];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      next++;
      try { ids.push(await one()); } catch (e) { failures.push(String(e.message || e)); }
    }
  }));
  await fetch('/report', { method: 'POST', body: JSON.stringify({ ids, failures }) });
})();
</script>`;

/**
 * Chromium refuses a page more than 500 peer connections over its life ("Cannot create so many PeerConnections",
 * closed ones included until they are collected): a fresh browser per batch.
 */
const BATCH = 400;

/** Runs count sessions on the WHEP URL, concurrency at a time; resolves to { ids, failures }. */
async function browserSessions(whepUrl, count, concurrency) {
  const ids = [];
  const failures = [];
  for (let done = 0; done < count; done += BATCH) {
    const r = await browserBatch(whepUrl, Math.min(BATCH, count - done), concurrency);
    ids.push(...r.ids);
    failures.push(...r.failures);
  }
  return { ids, failures };
}

async function browserBatch(whepUrl, count, concurrency, timeoutMs = 600000) {
  let resolveReport;
  const report = new Promise((r) => { resolveReport = r; });
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/report') {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        res.end('ok');
        resolveReport(JSON.parse(body));
      });
    } else {
      res.setHeader('Content-Type', 'text/html');
      res.end(PAGE);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const page = `http://127.0.0.1:${server.address().port}/?whep=${encodeURIComponent(whepUrl)}&n=${count}&c=${concurrency}`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-churn-chromium-'));
  const browser = spawn(CHROMIUM, ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--mute-audio',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--allow-loopback-in-peer-connection',
    '--disable-features=WebRtcHideLocalIpsWithMdns', `--user-data-dir=${profile}`, page],
  { stdio: 'ignore', detached: true });
  try {
    const result = await Promise.race([report, new Promise((_, reject) => setTimeout(
      () => reject(new Error(`Chromium did not report within ${timeoutMs} ms`)), timeoutMs).unref())]);
    await new Promise((r) => setTimeout(r, 1000)); // the last close_notify leaves before the browser is killed
    return result;
  } finally {
    try {
      process.kill(-browser.pid, 'SIGKILL');
    } catch (e) {
      // gone
    }
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

module.exports = { browserSessions };
