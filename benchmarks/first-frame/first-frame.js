// Time to first frame through WHEP, measured in Debian's headless Chromium (never a downloaded browser).
// Usage: npm install && node first-frame.js [port=8080] [stream=demo] [runs=5]
// Each run opens a fresh page, POSTs a WHEP offer, and reports the time from the request to the first frame
// rendered (requestVideoFrameCallback), frames decoded in 3 s, packets lost and the jitter buffer delay.
// Also a module (used by benchmarks/rtsp-source): launch(), run(browser, port, stream, opts), summary(values).
const { chromium } = require('playwright-core');
const fs = require('fs');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * One viewer in a fresh page. The page stays open for at least `watchMs` (frames are counted over it) and until the
 * first frame or `timeoutMs`, so a slow first frame (a source opened on demand, a 2 s GOP) is still measured.
 */
async function run(browser, port, stream, { watchMs = 3000, timeoutMs = 10000 } = {}) {
  const page = await browser.newPage();
  await page.route('**/bench-viewer.html*', r => r.fulfill({
    contentType: 'text/html', body: fs.readFileSync(__dirname + '/viewer.html', 'utf8') }));
  const start = Date.now();
  await page.goto(`http://127.0.0.1:${port}/bench-viewer.html?s=${stream}`);
  await page.waitForFunction(() => window.result.firstFrameMs || window.result.error
    || window.result.state.startsWith('http-'), null, { timeout: timeoutMs }).catch(() => {});
  const left = watchMs - (Date.now() - start);
  if (left > 0) await page.waitForTimeout(left);
  const r = await page.evaluate(() => window.result);
  await page.evaluate(() => window.stopViewer && window.stopViewer()).catch(() => {});
  await page.close();
  return r;
}

/** Median, p95 (nearest rank), min and max of the finite values. */
function summary(values) {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const rank = p => v[Math.min(v.length - 1, Math.max(0, Math.ceil(p / 100 * v.length) - 1))];
  return { n: v.length, median: rank(50), p95: rank(95), min: v[0], max: v[v.length - 1] };
}

function describe(r) {
  return `HTTP ${r.status} first frame ${r.firstFrameMs?.toFixed(0)} ms, ` +
    `${r.frames} frames, ${r.lost} lost, jitter buffer ${(r.jb * 1000).toFixed(1)} ms` + (r.error ? ` (${r.error})` : '');
}

module.exports = { launch, run, summary, describe, CHROMIUM_ARGS };

if (require.main === module) (async () => {
  const [port = 8080, stream = 'demo', runs = 5] = process.argv.slice(2);
  const browser = await launch();
  const firsts = [];
  for (let i = 0; i < +runs; i++) {
    const r = await run(browser, port, stream);
    console.log(`run ${i + 1}: ${describe(r)}`);
    if (r.firstFrameMs) firsts.push(r.firstFrameMs);
  }
  const s = summary(firsts);
  console.log(`time to first frame: median ${s.median?.toFixed(0)} ms over ${s.n} runs ` +
    `(min ${s.min?.toFixed(0)}, max ${s.max?.toFixed(0)})`);
  await browser.close();
})();
