// The /publish/<stream> page: makes this browser the stream's camera over WHIP (docs/whip.md).
// The token comes from ?token= (kept for this tab and taken out of the address bar, as the player does) or the form.
// State: idle -> connecting -> live; a dropped connection -> reconnecting (new WHIP session after a growing pause)
// -> live again; a refusal the publisher cannot fix by waiting -> failed, with the server's reason in words.

const TOKEN_KEY = 'sightline.token';
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
/** Refusals worth retrying: the server is busy, rate limits, or a previous publisher still holds the stream. */
const RETRYABLE = new Set([409, 429, 503]);
/**
 * A 409 saying the stream's current publisher is connected but sends no media: its session ends when its ICE consent
 * expires (30 s) or it sends DELETE, so a new publisher waits for that, this long at most, before giving up.
 */
const OLD_PUBLISHER = /sends no media|consent expires/i;
const OLD_PUBLISHER_WAIT_MS = 45000;
const REFUSALS = {
  400: 'the server could not read this browser\'s offer',
  401: 'no valid token: enter an access token that allows publishing',
  403: 'this token may not publish to this stream',
  404: 'no such stream',
  406: 'the server takes H.264, VP8, VP9 or AV1 video or Opus audio and this browser offered none of them',
  409: 'the stream already has a publisher, or it is not a WHIP stream',
  413: 'the offer is too large',
  415: 'the request was not SDP',
  423: 'the stream is stopped by an operator',
  429: 'too many requests from this address',
  503: 'the server is at its session limit',
};

const $ = (id) => document.getElementById(id);
const form = $('settings');
const match = /\/publish\/([^/]+)$/.exec(location.pathname);
const stream = match ? decodeURIComponent(match[1]) : '';
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  remember(params.get('token'));
  params.delete('token');
  const query = params.toString();
  history.replaceState(history.state, '', location.pathname + (query ? `?${query}` : '') + location.hash);
}
form.elements.token.value = storedToken() || '';
$('stream').textContent = stream;
document.title = `Publish ${stream} · Sightline`;

const pub = { state: 'idle', reason: '', status: 0, bitrateKbps: 0, viewers: null, framesEncoded: 0, attempts: 0 };
let media = null;
let pc = null;
let session = null; // the WHIP session URL (Location)
let wanted = false; // the user asked to be live; cleared by Stop and by refusals that waiting cannot fix
let retryTimer = 0;
let conflictSince = 0; // when 409s about a silent old publisher began (0: none since the last success)
let lastBytes = null;

form.addEventListener('submit', (event) => {
  event.preventDefault();
  start().catch((e) => fail(`cannot start: ${e.message || e}`));
});
$('stop').addEventListener('click', () => stop('stopped'));
setInterval(() => figures().catch(() => {}), 1000);
setInterval(() => viewers().catch(() => {}), 2000);
addEventListener('pagehide', () => endSession(true));

/** For tests and scripts: window.sightlinePublisher.stats() -> { state, reason, status, bitrateKbps, viewers, ... }. */
window.sightlinePublisher = { stats: () => ({ ...pub }), start: () => start(), stop: () => stop('stopped') };
if (['1', 'true', 'yes', 'on'].includes(params.get('autostart'))) form.requestSubmit();

async function start() {
  const token = form.elements.token.value.trim();
  if (token) remember(token);
  wanted = true;
  $('start').disabled = true;
  $('stop').disabled = false;
  media = await capture();
  $('preview').srcObject = media;
  pub.attempts = 0;
  conflictSince = 0;
  await connect('connecting');
}

/** The camera and microphone, or the screen, at the chosen size (the browser may give less). */
async function capture() {
  const [width, height] = form.elements.resolution.value.split('x').map(Number);
  const video = { width: { ideal: width }, height: { ideal: height }, frameRate: { ideal: 30 } };
  if (form.elements.source.value === 'screen') {
    return navigator.mediaDevices.getDisplayMedia({ video, audio: true });
  }
  return navigator.mediaDevices.getUserMedia({ video, audio: true });
}

/**
 * The video encodings: one at the chosen bitrate, or with "Simulcast" three layers (rids l, m, h at a quarter, half
 * and full size) that the server offers its viewers as rungs without transcoding (docs/whip.md, section 4a).
 */
function encodings(kbps) {
  if (!form.elements.simulcast.checked) return [{ maxBitrate: kbps * 1000 }];
  return [
    { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: Math.round(kbps * 100) },
    { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: Math.round(kbps * 300) },
    { rid: 'h', maxBitrate: kbps * 1000 },
  ];
}

/** One WHIP session: offer with all candidates (the server is ICE-lite and takes no trickle before the answer). */
async function connect(state) {
  show(state, state === 'reconnecting' ? pub.reason : '');
  const kbps = Number(form.elements.bitrate.value);
  pc = new RTCPeerConnection();
  const own = pc;
  for (const track of media.getTracks()) {
    const init = { direction: 'sendonly', streams: [media] };
    if (track.kind === 'video') init.sendEncodings = encodings(kbps);
    pc.addTransceiver(track, init);
  }
  pc.addEventListener('connectionstatechange', () => own === pc && onConnection(own.connectionState));
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  let response;
  try {
    response = await fetch(`../whip/${encodeURIComponent(stream)}`, {
      method: 'POST', body: pc.localDescription.sdp, credentials: 'omit',
      headers: { 'Content-Type': 'application/sdp', ...auth() },
    });
  } catch (e) {
    retry(`server not reachable (${e.message || e})`);
    return;
  }
  pub.status = response.status;
  const body = await response.text();
  if (own !== pc || !wanted) return; // stopped meanwhile
  if (response.status !== 201) {
    refused(response.status, body, Number(response.headers.get('Retry-After')));
    return;
  }
  session = new URL(response.headers.get('Location'), response.url).href;
  await pc.setRemoteDescription({ type: 'answer', sdp: body });
}

function onConnection(state) {
  if (state === 'connected') {
    pub.attempts = 0;
    conflictSince = 0;
    show('live', '');
  } else if (state === 'failed' || state === 'closed') {
    if (wanted) retry(`connection ${state}`);
  } else if (state === 'disconnected') {
    // Often a short loss that ICE repairs itself; start over only if it does not come back soon.
    const own = pc;
    setTimeout(() => own === pc && wanted && own.connectionState !== 'connected' && retry('connection lost'), 3000);
  }
}

function refused(status, body, retryAfterSeconds) {
  const words = `${REFUSALS[status] || 'refused'} (HTTP ${status}${body ? `: ${body.trim().slice(0, 200)}` : ''})`;
  // A 409 right at the start means someone else is live; while reconnecting it is most likely our own old
  // session that the server has not yet let go, so it is worth waiting for. A 409 saying the old publisher is silent
  // (a crashed tab or encoder whose session has not timed out) is waited for too, for a bounded time.
  const oldPublisher = status === 409 && OLD_PUBLISHER.test(body);
  if (oldPublisher && !conflictSince) conflictSince = Date.now();
  if (oldPublisher && Date.now() - conflictSince < OLD_PUBLISHER_WAIT_MS) {
    retry(`${words}; waiting for the old publisher to time out`, retryAfterSeconds * 1000);
  } else if (oldPublisher) {
    fail(`${words}; it did not time out within ${OLD_PUBLISHER_WAIT_MS / 1000} s`);
  } else if (RETRYABLE.has(status) && (status !== 409 || pub.state === 'reconnecting')) {
    retry(words, retryAfterSeconds * 1000);
  } else {
    fail(words);
  }
}

/** Ends the current session and tries a new one after a pause that grows with each failed attempt. */
function retry(reason, atLeastMs = 0) {
  endSession(false);
  if (!wanted) return;
  const pause = Math.max(atLeastMs || 0, BACKOFF_MS[Math.min(pub.attempts, BACKOFF_MS.length - 1)]);
  pub.attempts += 1;
  show('reconnecting', `${reason}; trying again in ${Math.round(pause / 1000)} s`);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => {
    if (wanted) connect('reconnecting').catch((e) => retry(`${e.message || e}`));
  }, pause);
}

function fail(reason) {
  wanted = false;
  endSession(false);
  releaseMedia();
  show('failed', reason);
}

function stop(reason) {
  wanted = false;
  endSession(false);
  releaseMedia();
  show('idle', reason);
}

/** Closes the peer connection and tells the server (DELETE), so the stream does not wait for consent to expire. */
function endSession(unloading) {
  clearTimeout(retryTimer);
  const old = pc;
  pc = null;
  lastBytes = null;
  if (old) old.close();
  if (session) {
    fetch(session, { method: 'DELETE', headers: auth(), credentials: 'omit', keepalive: unloading }).catch(() => {});
    session = null;
  }
}

function releaseMedia() {
  media?.getTracks().forEach((t) => t.stop());
  media = null;
  $('preview').srcObject = null;
  $('start').disabled = false;
  $('stop').disabled = true;
  pub.bitrateKbps = 0;
  $('bitrate').textContent = '–';
}

function show(state, reason) {
  pub.state = state;
  pub.reason = reason;
  $('state').textContent = state;
  $('state').className = `state-${state}`;
  $('reason').textContent = reason;
}

/** Outgoing bitrate (audio and video, RTP payload and headers) over the last second, from getStats. */
async function figures() {
  if (!pc) return;
  let bytes = 0;
  let frames = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'outbound-rtp') {
      bytes += (s.bytesSent || 0) + (s.headerBytesSent || 0);
      if (s.kind === 'video') frames = s.framesEncoded || 0;
    }
  });
  const now = performance.now();
  if (lastBytes) {
    pub.bitrateKbps = Math.round(((bytes - lastBytes.bytes) * 8) / (now - lastBytes.at));
    $('bitrate').textContent = `${pub.bitrateKbps} kbit/s`;
  }
  pub.framesEncoded = frames;
  lastBytes = { bytes, at: now };
}

/** The stream's viewers from the stream list, which shows a token the streams it may read (no new endpoint). */
async function viewers() {
  const headers = auth();
  if (!headers.Authorization) return;
  const r = await fetch('../streams.json', { cache: 'no-store', credentials: 'omit', headers: { Accept: 'application/json', ...headers } });
  const entry = r.ok ? ((await r.json()).streams || []).find((s) => s.name === stream) : null;
  pub.viewers = entry ? entry.viewers ?? null : null;
  $('viewers').textContent = pub.viewers === null ? '– (the token may not read this stream)' : String(pub.viewers);
}

function gathered(connection) {
  return new Promise((done) => {
    if (connection.iceGatheringState === 'complete') { done(); return; }
    connection.addEventListener('icegatheringstatechange',
      () => connection.iceGatheringState === 'complete' && done());
    setTimeout(done, 3000); // a host without some interface may never report complete; send what was found
  });
}

function auth() {
  const token = form.elements.token.value.trim();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function remember(value) {
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // A sandboxed page refuses storage: the token then lives as long as the page.
  }
}
