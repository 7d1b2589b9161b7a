// The Sightline player: a <video> fed by the WHEP client, a status line for every client state, unmute and
// fullscreen buttons, and a stats overlay with glass-to-glass latency from the test pattern's timecode strip.
// Used by the /play/<stream> page and by the <sightline-player> element.

import { State, WhepClient } from './whep-client.js';
import { StatsMeter } from './stats.js';
import { watchTimecode } from './timecode.js';

const STATS_INTERVAL_MS = 1000;
/** Latency readings older than this are stale (the picture stopped or is not a test pattern). */
const LATENCY_WINDOW_MS = 2000;
/**
 * A live connection that decodes no picture for this long is treated as failed: when the server restarts a
 * stream's source the session can stay up (ICE keeps answering) while the picture never comes back. Longer than a
 * source's own recovery on the same session (an RTSP camera restarted: pictures again after ~1.8 s in
 * RtspReconnectE2E), so a recovering camera is not interrupted by a new session; checked once per stats tick (1 s).
 */
const STALL_MS = 4000;

const LABELS = {
  [State.CONNECTING]: 'Connecting…',
  [State.LIVE]: '',
  [State.RECONNECTING]: 'Reconnecting…',
  [State.OFFLINE]: 'Stream offline',
  [State.UNAUTHORIZED]: 'Not authorized to watch this stream',
  [State.NOT_FOUND]: 'Stream not found',
  [State.ERROR]: 'Cannot play this stream',
  [State.STOPPED]: 'Stopped',
};

const TEMPLATE = `
  <div class="sl-player" data-state="connecting">
    <video class="sl-video" playsinline></video>
    <div class="sl-status" role="status" aria-live="polite"><span class="sl-status-text"></span><small class="sl-status-detail"></small></div>
    <span class="sl-live" aria-hidden="true">LIVE</span>
    <pre class="sl-stats" hidden></pre>
    <button type="button" class="sl-play" hidden>Play</button>
    <form class="sl-login" hidden>
      <label>Access token <input class="sl-token" type="password" autocomplete="current-password" required></label>
      <button type="submit">Watch</button>
    </form>
    <div class="sl-controls">
      <button type="button" class="sl-unmute" title="Unmute">Unmute</button>
      <button type="button" class="sl-stats-toggle" title="Show statistics" aria-pressed="false">Stats</button>
      <button type="button" class="sl-fullscreen" title="Fullscreen">Fullscreen</button>
    </div>
  </div>`;

/**
 * Builds a player inside `container` (an element or a shadow root) and starts playing.
 * options: { stream, token?, tokenOptional?, autoplay = true, muted = true, controls = false, stats = false, login = true,
 *            server? (base URL of the Sightline server; default: where this script came from),
 *            onToken?(token) (called with a token the viewer typed into the login field, e.g. to remember it) }
 * Returns { stats(), stop(), start(), setToken(token), state, client, element, video }.
 * The element dispatches a bubbling, composed 'sl-timecode' event for every picture carrying the test pattern's
 * timecode (detail: see watchTimecode in timecode.js).
 */
export function createPlayer(container, options) {
  const settings = { autoplay: true, muted: true, controls: false, stats: false, login: true, ...options };
  const template = document.createElement('template');
  template.innerHTML = TEMPLATE.trim();
  const root = template.content.firstElementChild;
  container.appendChild(root);
  const $ = (selector) => root.querySelector(selector);
  const video = $('.sl-video');
  const statsBox = $('.sl-stats');

  const server = new URL(settings.server || new URL('../', import.meta.url), document.baseURI);
  const client = new WhepClient(new URL(`whep/${encodeURIComponent(settings.stream)}`, server),
    { token: settings.token, tokenOptional: settings.tokenOptional });
  const meter = new StatsMeter();
  const latest = { framesDecoded: 0, framesDropped: 0, packetsLost: 0, latencyMs: null, serverMs: null,
    serverEstimateKbps: null, serverEstimateSource: null, serverRendition: null };
  const latencies = []; // [displayedAt, latencyMs, serverMs|null], the last LATENCY_WINDOW_MS
  let stall = { frames: -1, since: 0 }; // framesDecoded and since when it has not grown, while live
  let retryAt = 0;
  let statsTimer = 0;
  let countdownTimer = 0;
  let stopTimecode = null;

  video.muted = settings.muted;
  video.autoplay = settings.autoplay;
  video.controls = settings.controls;
  root.classList.toggle('sl-native-controls', settings.controls);

  // ---- state ------------------------------------------------------------------------------------------------

  client.addEventListener('statechange', (event) => {
    const { state, detail, retryInMs } = event.detail;
    root.dataset.state = state;
    retryAt = retryInMs > 0 ? performance.now() + retryInMs : 0;
    $('.sl-status-detail').textContent =
      [State.ERROR, State.OFFLINE, State.UNAUTHORIZED, State.RECONNECTING, State.STOPPED].includes(state) ? detail : '';
    $('.sl-login').hidden = !(state === State.UNAUTHORIZED && settings.login);
    showStatus();
    if (state !== State.LIVE) {
      meter.reset();
      stall = { frames: -1, since: 0 };
    }
  });
  client.addEventListener('interrupted', () => showStatus());
  client.addEventListener('track', (event) => {
    if (video.srcObject !== event.detail.stream) video.srcObject = event.detail.stream;
    if (settings.autoplay) play();
  });

  function showStatus() {
    clearTimeout(countdownTimer);
    let text = LABELS[client.state] ?? client.state;
    if (retryAt > 0) {
      const seconds = Math.ceil((retryAt - performance.now()) / 1000);
      if (seconds > 0) {
        text += ` — retrying in ${seconds} s`;
        countdownTimer = setTimeout(showStatus, 1000);
      }
    }
    $('.sl-status-text').textContent = text;
  }

  function play() {
    video.play().then(() => { $('.sl-play').hidden = true; }).catch(() => {
      // Autoplay with sound was refused: one click (a user gesture) starts it.
      $('.sl-play').hidden = false;
    });
  }

  // ---- controls ---------------------------------------------------------------------------------------------

  const syncUnmute = () => { $('.sl-unmute').hidden = !video.muted; };
  video.addEventListener('volumechange', syncUnmute);
  syncUnmute();
  $('.sl-unmute').addEventListener('click', () => {
    video.muted = false;
    // volumechange arrives as a later task: hide the button with the click, not a frame after it.
    syncUnmute();
    play();
  });
  $('.sl-play').addEventListener('click', play);
  $('.sl-fullscreen').addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else root.requestFullscreen?.().catch(() => {});
  });
  $('.sl-stats-toggle').addEventListener('click', () => setStatsVisible(statsBox.hidden));
  $('.sl-login').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('.sl-token').value.trim();
    if (!token) return;
    settings.onToken?.(token);
    setToken(token);
  });
  function setToken(token) {
    $('.sl-login').hidden = true;
    client.token = token;
  }
  function setStatsVisible(visible) {
    statsBox.hidden = !visible;
    $('.sl-stats-toggle').setAttribute('aria-pressed', String(visible));
    if (visible) renderStats();
  }

  // ---- measurements -----------------------------------------------------------------------------------------

  function onTimecode(reading) {
    const now = performance.now();
    latencies.push([now, reading.latencyMillis, reading.serverMillis]);
    while (latencies.length && latencies[0][0] < now - LATENCY_WINDOW_MS) latencies.shift();
    latest.latencyMs = median(latencies.map((l) => l[1]));
    latest.serverMs = median(latencies.filter((l) => l[2] !== null).map((l) => l[2]));
    root.dispatchEvent(new CustomEvent('sl-timecode', { detail: reading, bubbles: true, composed: true }));
  }

  async function sampleStats() {
    const pc = client.peerConnection;
    if (pc && pc.connectionState !== 'closed') {
      try {
        Object.assign(latest, await meter.sample(pc));
      } catch {
        // The connection closed between the check and getStats: the next sample uses the next one.
      }
    }
    const now = performance.now();
    if (latencies.length && latencies[latencies.length - 1][0] < now - LATENCY_WINDOW_MS) {
      latencies.length = 0;
      latest.latencyMs = null;
      latest.serverMs = null;
    }
    watchForStall(now);
    if (!statsBox.hidden) {
      // Only while the overlay shows: a player without it costs the server no requests.
      await sampleServerEstimate();
      renderStats();
    }
  }

  /** The server's bandwidth estimate for this session (what it thinks reaches this viewer). */
  async function sampleServerEstimate() {
    const server = await client.serverStats();
    latest.serverEstimateKbps = server && server.bandwidthEstimateBps > 0 ? server.bandwidthEstimateBps / 1000 : null;
    latest.serverEstimateSource = server ? server.bandwidthEstimateSource ?? null : null;
    latest.serverRendition = server ? server.rendition ?? null : null; // the rung the server sends this viewer
  }

  /** framesDecoded that stops growing while "live" means the picture is gone: start a new session. */
  function watchForStall(now) {
    if (client.state !== State.LIVE) return;
    if (latest.framesDecoded !== stall.frames) {
      stall = { frames: latest.framesDecoded, since: now };
    } else if (stall.frames > 0 && now - stall.since >= STALL_MS) { // > 0: an audio-only stream never decodes video
      stall = { frames: -1, since: 0 };
      client.reconnect(`no picture for ${Math.round(STALL_MS / 1000)} s`);
    }
  }

  function renderStats() {
    const s = snapshot();
    const n = (value, digits = 0, unit = '') => (value == null ? '–' : `${value.toFixed(digits)}${unit}`);
    statsBox.textContent = [
      `state      ${s.state}`,
      `resolution ${s.width && s.height ? `${s.width}x${s.height}` : '–'}  ${s.codec ?? ''}`,
      `fps        ${n(s.fps, 1)}`,
      `bitrate    ${n(s.bitrateKbps, 0, ' kbit/s')}`,
      `estimate   ${n(s.serverEstimateKbps, 0, ' kbit/s')} by the server${s.serverEstimateSource
        ? ` (${s.serverEstimateSource})` : ''}`,
      `rung       ${s.serverRendition ?? '–'}`,
      `rtt        ${n(s.rttMs, 1, ' ms')}`,
      `loss       ${n(s.packetLossPct, 2, ' %')}  (${s.packetsLost} total)`,
      `jitter buf ${n(s.jitterBufferMs, 1, ' ms')}`,
      `decode     ${n(s.decodeMs, 2, ' ms')}`,
      `frames     ${s.framesDecoded} decoded, ${s.framesDropped ?? 0} dropped`,
      `latency    ${n(s.latencyMs, 0, ' ms')} glass-to-glass`,
      `  server   ${n(s.serverMs, 0, ' ms')} capture to receive`,
    ].join('\n');
  }

  function snapshot() {
    return { ...latest, state: client.state, muted: video.muted };
  }

  // ---- life cycle -------------------------------------------------------------------------------------------

  // Leaving the page ends the session (DELETE); a page restored from the back/forward cache starts a new one.
  const onPageHide = () => halt();
  const onPageShow = (event) => { if (event.persisted && client.state === State.STOPPED) start(); };

  function start() {
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    if (!stopTimecode && 'requestVideoFrameCallback' in HTMLVideoElement.prototype) {
      stopTimecode = watchTimecode(video, onTimecode);
    }
    clearInterval(statsTimer);
    statsTimer = setInterval(sampleStats, STATS_INTERVAL_MS);
    client.start();
  }

  function halt() {
    clearInterval(statsTimer);
    clearTimeout(countdownTimer);
    stopTimecode?.();
    stopTimecode = null;
    client.stop();
  }

  function stop() {
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('pageshow', onPageShow);
    halt();
  }

  showStatus();
  start();
  setStatsVisible(settings.stats);

  return {
    /** The latest figures: state, framesDecoded, latencyMs (null without timecode), fps, bitrateKbps, rttMs... */
    stats: snapshot,
    start,
    stop,
    setToken,
    get state() { return client.state; },
    client,
    element: root,
    video,
  };
}

function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
