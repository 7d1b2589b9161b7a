// One headless Chromium viewer over WHEP for N seconds; prints received resolution, fps, bitrate, loss, freezes.
// Usage: node viewer.js http://10.93.50.1:8080 stream [seconds] ; a token for non-public streams in SIGHTLINE_TOKEN
const { chromium } = require('playwright-core');
const [base, stream, seconds = 20] = process.argv.slice(2);
const token = process.env.SIGHTLINE_TOKEN || '';
const auth = token ? `, 'Authorization': 'Bearer ${token}'` : '';
const page = `<!doctype html><video id=v autoplay muted playsinline></video><script>
window.r = {samples: []};
(async () => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', {direction:'recvonly'});
  pc.ontrack = e => { document.getElementById('v').srcObject = new MediaStream([e.track]); };
  const offer = await pc.createOffer(); await pc.setLocalDescription(offer);
  const t0 = performance.now();
  const res = await fetch('${base}/whep/${stream}', {method:'POST', headers:{'Content-Type':'application/sdp'${auth}}, body: offer.sdp});
  window.r.status = res.status; const body = await res.text();
  window.r.iceLite = body.includes('a=ice-lite'); window.r.location = res.headers.get('Location');
  await pc.setRemoteDescription({type:'answer', sdp: body});
  setInterval(async () => { (await pc.getStats()).forEach(x => { if (x.type==='inbound-rtp' && x.kind==='video')
    window.r.samples.push({t: performance.now() - t0, frames: x.framesDecoded, w: x.frameWidth, h: x.frameHeight,
      bytes: x.bytesReceived, lost: x.packetsLost, recv: x.packetsReceived, freezes: x.freezeCount,
      freezeMs: (x.totalFreezesDuration || 0) * 1000, nack: x.nackCount, pli: x.pliCount}); }); }, 1000);
})().catch(e => window.r.error = String(e));
</script>`;
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-proxy-server', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE 10.93.50.1',
    '--disable-features=WebRtcHideLocalIpsWithMdns'] });
  const p = await browser.newPage();
  // A page of the server's own origin, so the WHEP fetch is same-origin from a private address.
  await p.goto(base + '/health');
  await p.setContent(page);
  await p.waitForTimeout(seconds * 1000);
  const r = await p.evaluate(() => window.r);
  await p.evaluate(([loc, t]) => loc && fetch(loc, {method: 'DELETE', headers: t ? {Authorization: 'Bearer ' + t} : {}}),
    [r.location, token]);
  await browser.close();
  const s = r.samples;
  if (!s.length) { console.log(stream, 'no samples', r); return; }
  const last = s[s.length - 1];
  const tail = s.filter(x => x.t >= last.t - 10000);
  const a = tail[0];
  const kbps = (last.bytes - a.bytes) * 8 / (last.t - a.t);
  const fps = (last.frames - a.frames) * 1000 / (last.t - a.t);
  console.log(`${stream}: HTTP ${r.status} ${r.iceLite ? 'SFU (ice-lite)' : 'P2P (full ICE)'}; last 10 s: ` +
    `${last.w}x${last.h}, ${fps.toFixed(1)} fps, ${kbps.toFixed(0)} kbit/s, lost ${last.lost - a.lost}/${last.recv - a.recv + last.lost - a.lost} pkts, ` +
    `freezes total ${last.freezes} (${last.freezeMs.toFixed(0)} ms), nack ${last.nack}, pli ${last.pli}`);
  console.log('  widths over time: ' + s.map(x => x.w || 0).join(' '));
})();
