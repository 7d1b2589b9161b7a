// The /play/<stream> page: options from the query string, the stream's name from the path.
// ?autoplay=1 (default) &muted=1 (default) &controls=0 &stats=0 &token=... (sent only as a Bearer header to WHEP)
// A token from a share link (?token=) or typed into the login field is kept for this tab (sessionStorage) and
// taken out of the address bar, so it does not end up in bookmarks, screenshots or the history.

import { createPlayer } from './player.js';

const TOKEN_KEY = 'sightline.token';
const params = new URLSearchParams(location.search);
const flag = (name, fallback) => (params.has(name) ? !['0', 'false', 'no', 'off'].includes(params.get(name)) : fallback);
const match = /\/play\/([^/]+)$/.exec(location.pathname);
const stream = match ? decodeURIComponent(match[1]) : '';

const token = params.get('token') || storedToken();
const explicitToken = params.has('token');
if (explicitToken) {
  remember(params.get('token'));
  params.delete('token');
  const query = params.toString();
  history.replaceState(history.state, '', location.pathname + (query ? `?${query}` : '') + location.hash);
}

document.title = `${stream} · Sightline`;
const player = createPlayer(document.getElementById('player'), {
  stream,
  token: token || undefined,
  tokenOptional: !explicitToken, // remembered from another page: the stream may not need it
  autoplay: flag('autoplay', true),
  muted: flag('muted', true),
  controls: flag('controls', false),
  stats: flag('stats', false),
  login: flag('login', true),
  onToken: remember,
});

/** For tests and the console: window.sightlinePlayer.stats() -> { state, framesDecoded, latencyMs, ... }. */
window.sightlinePlayer = player;

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage refused (a sandboxed frame): tokens then live only as long as the page
  }
}

function remember(value) {
  try {
    sessionStorage.setItem(TOKEN_KEY, value);
  } catch {
    // See storedToken.
  }
}
