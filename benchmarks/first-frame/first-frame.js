// Time to first frame through WHEP, measured in Debian's headless Chromium (never a downloaded browser).
// Usage: npm install && node first-frame.js [port=8080] [stream=demo] [runs=5]
// Each run opens a fresh page, POSTs a WHEP offer, and reports the time from the request to the first frame
// rendered (requestVideoFrameCallback), frames decoded in 3 s, packets lost and the jitter buffer delay.
const { chromium } = require('playwright-core');
const fs = require('fs');

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

async function run(browser, port, stream) {
  const page = await browser.newPage();
  await page.route('**/bench-viewer.html*', r => r.fulfill({
    contentType: 'text/html', body: fs.readFileSync(__dirname + '/viewer.html', 'utf8') }));
  await page.goto(`http://127.0.0.1:${port}/bench-viewer.html?s=${stream}`);
  await page.waitForTimeout(3000);
  const r = await page.evaluate(() => window.result);
  await page.close();
  return r;
}

(async () => {
  const [port = 8080, stream = 'demo', runs = 5] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const firsts = [];
  for (let i = 0; i < +runs; i++) {
    const r = await run(browser, port, stream);
    console.log(`run ${i + 1}: HTTP ${r.status} first frame ${r.firstFrameMs?.toFixed(0)} ms, ` +
      `${r.frames} frames in 3 s, ${r.lost} lost, jitter buffer ${(r.jb * 1000).toFixed(1)} ms`);
    if (r.firstFrameMs) firsts.push(r.firstFrameMs);
  }
  firsts.sort((a, b) => a - b);
  const median = firsts.length ? firsts[Math.floor(firsts.length / 2)] : NaN;
  console.log(`time to first frame: median ${median.toFixed(0)} ms over ${firsts.length} runs ` +
    `(min ${firsts[0]?.toFixed(0)}, max ${firsts[firsts.length - 1]?.toFixed(0)})`);
  await browser.close();
})();
