// The /play/<stream> page: options from the query string, the stream's name from the path.
// ?autoplay=1 (default) &muted=1 (default) &controls=0 &stats=0 &token=... (sent only as a Bearer header to WHEP)

import { createPlayer } from './player.js';

const params = new URLSearchParams(location.search);
const flag = (name, fallback) => (params.has(name) ? !['0', 'false', 'no', 'off'].includes(params.get(name)) : fallback);
const match = /\/play\/([^/]+)$/.exec(location.pathname);
const stream = match ? decodeURIComponent(match[1]) : '';

document.title = `${stream} · Sightline`;
const player = createPlayer(document.getElementById('player'), {
  stream,
  token: params.get('token') || undefined,
  autoplay: flag('autoplay', true),
  muted: flag('muted', true),
  controls: flag('controls', false),
  stats: flag('stats', false),
});

/** For tests and the console: window.sightlinePlayer.stats() -> { state, framesDecoded, latencyMs, ... }. */
window.sightlinePlayer = player;
