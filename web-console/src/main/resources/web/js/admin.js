// The admin console: signs in against the admin REST API (/api/*, HTTP Basic of a Karaf realm user with the admin
// role, docs/decisions/0015) and shows streams and viewer sessions, refreshed every 2 s, with share links and
// disconnects.
//
// The credential lives in this module's memory only: never in storage, never in the URL, gone on reload. Every
// fetch uses credentials 'omit' and its own Authorization header, so the browser never shows its own Basic dialog
// (the API's 401 carries a Basic challenge) and never caches the password for this origin.

const REFRESH_MS = 2000;
const TTLS = [['10m', '10 minutes'], ['1h', '1 hour'], ['2h', '2 hours'], ['1d', '1 day'], ['7d', '7 days']];

const $ = (id) => document.getElementById(id);
const login = $('login');
const loginError = $('login-error');
const consoleView = $('console');
const status = $('status');
const streamRows = new Map();
const sessionRows = new Map();

let authorization = null; // "Basic ..." while signed in
let user = '';
let timer = null;
let refreshing = false;

login.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = login.elements.user.value.trim();
  const header = basic(name, login.elements.password.value);
  const button = login.querySelector('button');
  button.disabled = true;
  loginError.textContent = '';
  try {
    const response = await api('GET', 'api/streams', header);
    if (response.status === 401) {
      loginError.textContent = 'Wrong user or password.';
      return;
    }
    if (response.status === 403) {
      loginError.textContent = 'This user is not an admin (the admin role is missing).';
      return;
    }
    if (response.status === 429) {
      const wait = response.headers.get('Retry-After') || 'a few';
      loginError.textContent = `Too many failed sign-ins: try again in ${wait} seconds.`;
      return;
    }
    if (!response.ok) {
      loginError.textContent = await problem(response, 'Sign-in failed');
      return;
    }
    authorization = header;
    user = name;
    login.elements.password.value = '';
    signedIn(await response.json());
  } catch (error) {
    loginError.textContent = `Cannot reach the server: ${error.message}`;
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', () => signOut(''));
$('share-copy').addEventListener('click', copyShareUrl);

function signedIn(streams) {
  $('who').textContent = user;
  login.hidden = true;
  consoleView.hidden = false;
  status.textContent = '';
  renderStreams(streams);
  refresh();
  timer = setInterval(refresh, REFRESH_MS);
}

function signOut(message) {
  authorization = null;
  user = '';
  clearInterval(timer);
  timer = null;
  streamRows.clear();
  sessionRows.clear();
  $('streams').tBodies[0].replaceChildren();
  $('sessions').tBodies[0].replaceChildren();
  $('share').hidden = true;
  $('share-url').value = '';
  consoleView.hidden = true;
  login.hidden = false;
  loginError.textContent = message;
  login.elements.user.focus();
}

async function refresh() {
  if (refreshing || !authorization) return;
  refreshing = true;
  try {
    const [streams, sessions] = await Promise.all([
      api('GET', 'api/streams', authorization), api('GET', 'api/sessions', authorization)]);
    if (!authorization) return; // signed out meanwhile
    for (const r of [streams, sessions]) {
      if (r.status === 401 || r.status === 403) {
        signOut(r.status === 401 ? 'The server no longer accepts this user or password: sign in again.'
          : 'This user is no longer an admin.');
        return;
      }
      if (!r.ok) throw new Error(await problem(r, 'HTTP error'));
    }
    renderStreams(await streams.json());
    renderSessions(await sessions.json());
    status.textContent = '';
    $('streams-updated').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
  } catch (error) {
    status.textContent = `Cannot refresh: ${error.message}`;
  } finally {
    refreshing = false;
  }
}

// ---- streams -----------------------------------------------------------------------------------------------------

// Rows are kept per stream and only their figures rewritten, so a refresh never resets a TTL choice or moves focus.
function renderStreams(streams) {
  const body = $('streams').tBodies[0];
  const seen = new Set();
  for (const s of [...streams].sort((a, b) => a.name.localeCompare(b.name))) {
    seen.add(s.name);
    let row = streamRows.get(s.name);
    if (!row) {
      row = streamRow(s.name);
      streamRows.set(s.name, row);
    }
    const st = s.stats || {};
    const cells = row.cells;
    cells[1].textContent = s.state;
    cells[1].className = `state state-${s.state}`;
    cells[1].title = s.detail || '';
    cells[2].textContent = s.source ?? '';
    cells[3].textContent = s.transport ?? '';
    cells[4].textContent = s.access ?? '';
    cells[5].textContent = String(s.viewers ?? '');
    cells[6].textContent = bitrate(st.inputBitrateBps);
    cells[7].textContent = st.framesPerSecond ? st.framesPerSecond.toFixed(1) : '';
    cells[8].textContent = st.keyframeIntervalMs ? `${(st.keyframeIntervalMs / 1000).toFixed(1)} s` : '';
    cells[9].textContent = String(st.reconnects ?? '');
    body.appendChild(row); // keeps the sorted order; moving a row keeps its controls' state
  }
  for (const [name, row] of streamRows) {
    if (!seen.has(name)) {
      row.remove();
      streamRows.delete(name);
    }
  }
  $('streams-empty').hidden = streamRows.size > 0;
}

function streamRow(name) {
  const row = document.createElement('tr');
  row.dataset.stream = name;
  const head = document.createElement('th');
  head.scope = 'row';
  head.textContent = name;
  row.appendChild(head);
  for (let i = 1; i < 10; i++) {
    const cell = row.insertCell();
    if (i >= 5) cell.className = 'num';
  }
  const actions = document.createElement('div');
  actions.className = 'actions';
  const play = document.createElement('a');
  play.href = `play/${encodeURIComponent(name)}`;
  play.target = '_blank';
  play.rel = 'noopener';
  play.textContent = 'Play';
  play.setAttribute('aria-label', `Play ${name}`);
  const ttl = document.createElement('select');
  ttl.name = 'ttl';
  ttl.setAttribute('aria-label', `Share link lifetime for ${name}`);
  for (const [value, label] of TTLS) ttl.add(new Option(label, value));
  const share = document.createElement('button');
  share.type = 'button';
  share.className = 'share-button';
  share.textContent = 'Share';
  share.setAttribute('aria-label', `Share ${name}`);
  share.addEventListener('click', () => shareStream(name, ttl.value, share));
  actions.append(play, ttl, share);
  row.insertCell().appendChild(actions);
  return row;
}

async function shareStream(name, ttl, button) {
  button.disabled = true;
  try {
    const r = await api('POST', `api/streams/${encodeURIComponent(name)}/share?ttl=${encodeURIComponent(ttl)}`,
      authorization);
    if (r.status === 401 || r.status === 403) {
      signOut('Sign in again to share streams.');
      return;
    }
    if (r.status !== 201) {
      status.textContent = await problem(r, `Cannot share ${name}`);
      return;
    }
    const link = await r.json();
    $('share-stream').textContent = link.stream;
    $('share-expires').dateTime = link.expires;
    $('share-expires').textContent = new Date(link.expires).toLocaleString();
    $('share-url').value = link.url;
    $('share-copied').textContent = '';
    $('share').hidden = false;
    $('share-url').focus();
    $('share-url').select();
  } catch (error) {
    status.textContent = `Cannot share ${name}: ${error.message}`;
  } finally {
    button.disabled = false;
  }
}

async function copyShareUrl() {
  const field = $('share-url');
  try {
    await navigator.clipboard.writeText(field.value);
    $('share-copied').textContent = 'Copied.';
  } catch {
    // No clipboard API (plain HTTP on a non-loopback address): select it for Ctrl+C.
    field.focus();
    field.select();
    $('share-copied').textContent = 'Press Ctrl+C (⌘C) to copy.';
  }
}

// ---- sessions ----------------------------------------------------------------------------------------------------

function renderSessions(sessions) {
  const body = $('sessions').tBodies[0];
  const seen = new Set();
  const now = Date.now();
  for (const s of [...sessions].sort((a, b) => a.created - b.created)) {
    seen.add(s.id);
    let row = sessionRows.get(s.id);
    if (!row) {
      row = sessionRow(s);
      sessionRows.set(s.id, row);
    }
    const st = s.stats || {};
    const cells = row.cells;
    cells[4].textContent = s.state ?? '';
    cells[5].textContent = duration(now - s.created);
    cells[6].textContent = bytes(st.bytesSent);
    cells[7].textContent = String(st.packetsLost ?? '');
    cells[8].textContent = String(st.packetsDropped ?? '');
    cells[9].textContent = st.rttMs != null && st.rttMs >= 0 ? `${Math.round(st.rttMs)} ms` : '';
    cells[10].textContent = bitrate(st.bandwidthEstimateBps);
    body.appendChild(row);
  }
  for (const [id, row] of sessionRows) {
    if (!seen.has(id)) {
      row.remove();
      sessionRows.delete(id);
    }
  }
  $('sessions-empty').hidden = sessionRows.size > 0;
}

function sessionRow(s) {
  const row = document.createElement('tr');
  row.dataset.session = s.id;
  const head = document.createElement('th');
  head.scope = 'row';
  const id = document.createElement('code');
  id.className = 'id';
  id.textContent = s.id.length > 12 ? `${s.id.slice(0, 12)}…` : s.id;
  id.title = s.id;
  head.appendChild(id);
  row.appendChild(head);
  for (const text of [s.stream, s.transport ?? '', s.remoteAddress ?? '']) row.insertCell().textContent = text;
  for (let i = 4; i < 11; i++) {
    const cell = row.insertCell();
    if (i >= 5) cell.className = 'num';
  }
  const disconnect = document.createElement('button');
  disconnect.type = 'button';
  disconnect.className = 'danger disconnect';
  disconnect.textContent = 'Disconnect';
  disconnect.setAttribute('aria-label', `Disconnect session ${s.id} of ${s.stream}`);
  disconnect.addEventListener('click', () => disconnectSession(s.id, disconnect));
  row.insertCell().appendChild(disconnect);
  return row;
}

async function disconnectSession(id, button) {
  button.disabled = true;
  try {
    const r = await api('DELETE', `api/sessions/${encodeURIComponent(id)}`, authorization);
    if (r.status === 401 || r.status === 403) {
      signOut('Sign in again to end sessions.');
      return;
    }
    if (r.status !== 204 && r.status !== 404) { // 404: it ended meanwhile, which is what was asked
      status.textContent = await problem(r, 'Cannot disconnect');
      button.disabled = false;
      return;
    }
    sessionRows.get(id)?.remove();
    sessionRows.delete(id);
    $('sessions-empty').hidden = sessionRows.size > 0;
    status.textContent = 'Session disconnected.';
  } catch (error) {
    status.textContent = `Cannot disconnect: ${error.message}`;
    button.disabled = false;
  }
}

// ---- helpers -----------------------------------------------------------------------------------------------------

function api(method, path, header) {
  return fetch(path, {
    method,
    credentials: 'omit',
    cache: 'no-store',
    headers: { Accept: 'application/json', Authorization: header },
  });
}

/** HTTP Basic of a UTF-8 user and password (btoa alone only takes Latin-1). */
function basic(name, password) {
  const bytes = new TextEncoder().encode(`${name}:${password}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

async function problem(response, prefix) {
  try {
    const body = await response.json();
    return `${prefix}: ${body.error || `HTTP ${response.status}`}`;
  } catch {
    return `${prefix}: HTTP ${response.status}`;
  }
}

function bitrate(bps) {
  if (!bps || bps < 0) return '';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1000)} kbit/s`;
}

function bytes(n) {
  if (n == null || n < 0) return '';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  return n >= 1e3 ? `${Math.round(n / 1e3)} kB` : `${n} B`;
}

function duration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (v) => String(v).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
