// The admin console: signs in against the admin REST API (/api/*, HTTP Basic of a Karaf realm user with the admin
// role, docs/decisions/0015) and shows streams and viewer sessions, refreshed every 2 s, with share links and
// disconnects; creates, edits, stops, starts and removes streams with a form generated from the metatypes, with a
// live preview; shows the server's resources over 15 minutes and the latest changes (audit).
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
$('new-stream').addEventListener('click', () => openEditor(null));
$('stream-cancel').addEventListener('click', closeEditor);
$('stream-source').addEventListener('change', () => renderFields($('stream-source').value, editing?.values || {}));
$('stream-form').addEventListener('submit', (event) => {
  event.preventDefault();
  saveStream();
});
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
  closeEditor();
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
    await refreshExtras();
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
    cells[10].textContent = renditionsText(s);
    cells[10].title = (s.ladder || []).length ? `ladder ${s.ladder.join(', ')}` : 'adaptation off (renditions is empty)';
    const toggle = row.querySelector('button.toggle');
    toggle.textContent = s.state === 'stopped' ? 'Start' : 'Stop';
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

// The rungs running now, e.g. "vp8 1280x720@2000: 2 viewers, 14.5% CPU", a simulcast publisher's layers as
// "simulcast m h264 640x360@480: 1 viewer, no encoder"; empty when none runs.
function renditionsText(s) {
  return (s.renditions || []).map((r) => `${r.simulcast ? `simulcast ${r.layer} ` : ''}${r.codec} `
    + `${r.width}x${r.height}@${r.bitrateKbps}: ${r.viewers} viewer${r.viewers === 1 ? '' : 's'}, `
    + `${r.simulcast ? 'no encoder' : `${r.encodeCpuPercent}% CPU`}`).join('; ');
}

function streamRow(name) {
  const row = document.createElement('tr');
  row.dataset.stream = name;
  const head = document.createElement('th');
  head.scope = 'row';
  head.textContent = name;
  row.appendChild(head);
  for (let i = 1; i < 11; i++) {
    const cell = row.insertCell();
    if (i >= 5 && i < 10) cell.className = 'num';
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
  const edit = button('Edit', `Edit ${name}`, () => openEditor(name));
  const toggle = button('Stop', `Stop or start ${name}`, () => stopOrStart(name, toggle));
  toggle.className = 'toggle';
  const remove = button('Remove', `Remove ${name}`, () => removeStream(name, remove));
  remove.className = 'danger remove';
  actions.append(play, edit, toggle, remove, ttl, share);
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
    // A publisher (WHIP) shows what it sent us and its incoming bitrate where a viewer shows sent bytes and estimate.
    const publisher = s.role === 'publisher';
    cells[6].textContent = bytes(publisher ? st.bytesReceived : st.bytesSent);
    cells[7].textContent = String(st.packetsLost ?? '');
    cells[8].textContent = String(st.packetsDropped ?? '');
    cells[9].textContent = st.rttMs != null && st.rttMs >= 0 ? `${Math.round(st.rttMs)} ms` : '';
    cells[10].textContent = publisher ? `${bitrate(st.bitrateInBps ?? 0)} in` : st.bandwidthEstimateBps > 0
      ? `${bitrate(st.bandwidthEstimateBps)} (${st.bandwidthEstimateSource ?? '?'})` : '';
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
  const transport = s.role === 'publisher'
    ? `publisher (${s.transport}, ${[s.videoCodec, s.audioCodec].filter(Boolean).join(' + ')})` : s.transport ?? '';
  for (const text of [s.stream, transport, s.remoteAddress ?? '']) row.insertCell().textContent = text;
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

// ---- stream form, from the metatypes (GET /api/settings?source.type=...) -----------------------------------------

let editing = null; // { name, etag, values } while the form is open; name null for a new stream
let settingsCache = new Map();

async function openEditor(name) {
  status.textContent = '';
  $('stream-problems').replaceChildren();
  let values = { 'source.type': 'testpattern' };
  let etag = null;
  if (name) {
    const r = await api('GET', `api/streams/${encodeURIComponent(name)}`, authorization);
    if (!r.ok) {
      status.textContent = await problem(r, `Cannot edit ${name}`);
      return;
    }
    etag = r.headers.get('ETag');
    values = {};
    for (const row of (await r.json()).settings) if (!row.default) values[row.key] = row.value;
  }
  editing = { name, etag, values };
  $('editor-title').textContent = name ? `Edit ${name}` : 'New stream';
  $('stream-save').textContent = name ? 'Save' : 'Create';
  $('stream-name').value = name || '';
  $('stream-name').readOnly = Boolean(name);
  const sources = await (await api('GET', 'api/sources', authorization)).json();
  const select = $('stream-source');
  select.replaceChildren(...sources.map((t) => new Option(t, t)));
  select.value = values['source.type'] || 'testpattern';
  await renderFields(select.value, values);
  showPreview(name);
  $('editor').hidden = false;
  $('stream-name').focus();
}

function closeEditor() {
  editing = null;
  $('editor').hidden = true;
  $('preview-slot').replaceChildren();
}

async function settingsFor(type) {
  if (!settingsCache.has(type)) {
    const r = await api('GET', `api/settings?source.type=${encodeURIComponent(type)}`, authorization);
    settingsCache.set(type, r.ok ? await r.json() : []);
  }
  return settingsCache.get(type);
}

/** One field per setting: options as a list, booleans as a list, numbers as numbers; empty = the default. */
async function renderFields(type, values) {
  const fields = [];
  for (const s of await settingsFor(type)) {
    if (s.key === 'name' || s.key === 'source.type' || s.key === 'enabled') continue;
    const id = `field-${s.key.replace(/[^A-Za-z0-9]/g, '-')}`;
    const p = document.createElement('p');
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = `${s.label || s.key} `;
    const key = document.createElement('code');
    key.textContent = s.key;
    label.appendChild(key);
    let input;
    const options = s.type === 'boolean' ? ['true', 'false'] : s.options;
    if (options.length > 0) {
      input = document.createElement('select');
      input.add(new Option(`default (${s.defaultValue})`, ''));
      for (const o of options) input.add(new Option(o, o));
    } else {
      input = document.createElement('input');
      input.type = s.secret ? 'password' : (s.type === 'integer' || s.type === 'long') && !s.multiple ? 'number' : 'text';
      input.placeholder = s.defaultValue ? `default: ${s.defaultValue}` : '';
      input.spellcheck = false;
    }
    input.id = id;
    input.name = s.key;
    input.value = values[s.key] ?? '';
    const help = document.createElement('span');
    help.className = 'help';
    help.textContent = `${s.description}${s.origin !== 'stream' ? ` (${s.origin} plugin)` : ''}`;
    p.append(label, input, help);
    fields.push(p);
  }
  $('stream-fields').replaceChildren(...fields);
}

async function saveStream() {
  const form = $('stream-form');
  const name = form.elements.name.value.trim();
  const properties = { 'source.type': form.elements['source.type'].value };
  for (const field of $('stream-fields').querySelectorAll('input, select')) {
    if (field.value.trim() !== '') properties[field.name] = field.value.trim();
  }
  if (editing?.values?.enabled) properties.enabled = editing.values.enabled; // the form does not start or stop
  const headers = editing?.name ? { 'If-Match': editing.etag } : { 'If-None-Match': '*' };
  const r = await api('PUT', `api/streams/${encodeURIComponent(name)}`, authorization,
    JSON.stringify(properties), headers);
  const problems = $('stream-problems');
  if (r.status === 200 || r.status === 201) {
    problems.replaceChildren();
    editing = { name, etag: r.headers.get('ETag'), values: properties };
    $('editor-title').textContent = `Edit ${name}`;
    $('stream-save').textContent = 'Save';
    $('stream-name').readOnly = true;
    status.textContent = r.status === 201 ? `Stream ${name} created.` : `Stream ${name} saved.`;
    if (r.status === 201) await awaitLoaded(name);
    showPreview(name);
    refresh();
    return;
  }
  const body = await r.json().catch(() => ({}));
  const items = (body.problems && body.problems.length ? body.problems : [{ key: '', message: body.error }])
    .map((p) => {
      const li = document.createElement('li');
      li.textContent = p.key ? `${p.key}: ${p.message}` : p.message || `HTTP ${r.status}`;
      return li;
    });
  if (r.status === 412) {
    items.unshift(Object.assign(document.createElement('li'), {
      textContent: 'Someone else changed this stream meanwhile: close and edit again to see their change.' }));
  }
  problems.replaceChildren(...items);
}

/** The server applies a new file within about a second (FileInstall's poll): wait for it, up to 10 s. */
async function awaitLoaded(name) {
  for (let i = 0; i < 40; i++) {
    const r = await api('GET', `api/streams/${encodeURIComponent(name)}`, authorization);
    if (r.ok && (await r.json()).state !== 'not-loaded') return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The bundled player, with a short share token when the stream needs one (and the token issuer is installed). */
async function showPreview(name) {
  const slot = $('preview-slot');
  if (!name) {
    slot.replaceChildren(Object.assign(document.createElement('p'),
      { className: 'note', textContent: 'Shown once the stream exists.' }));
    return;
  }
  const player = document.createElement('sightline-player');
  player.setAttribute('stream', name);
  player.setAttribute('login', '0');
  player.id = 'preview-player';
  const r = await api('POST', `api/streams/${encodeURIComponent(name)}/share?ttl=10m`, authorization);
  if (r.status === 201) player.setAttribute('token', (await r.json()).token);
  slot.replaceChildren(player);
}

async function stopOrStart(name, buttonElement) {
  const stop = buttonElement.textContent === 'Stop';
  if (stop && !confirm(`Stop ${name}? Its viewers are disconnected and new viewers are refused until it is started.`)) {
    return;
  }
  buttonElement.disabled = true;
  try {
    const r = await api('POST', `api/streams/${encodeURIComponent(name)}/${stop ? 'stop' : 'start'}`, authorization);
    status.textContent = r.ok ? `Stream ${name} ${stop ? 'stopped' : 'started'}.`
      : await problem(r, `Cannot ${stop ? 'stop' : 'start'} ${name}`);
    if (r.ok && editing?.name === name) {
      // The open form follows: its next save must carry the new version and keep the stream as it is now.
      editing.etag = r.headers.get('ETag');
      if (stop) editing.values.enabled = 'false'; else delete editing.values.enabled;
    }
    refresh();
  } finally {
    buttonElement.disabled = false;
  }
}

async function removeStream(name, buttonElement) {
  if (!confirm(`Remove ${name}? Its file is deleted and its viewers are disconnected.`)) return;
  buttonElement.disabled = true;
  const r = await api('DELETE', `api/streams/${encodeURIComponent(name)}`, authorization);
  status.textContent = r.status === 204 ? `Stream ${name} removed.` : await problem(r, `Cannot remove ${name}`);
  if (editing?.name === name) closeEditor();
  buttonElement.disabled = false;
  refresh();
}

// ---- resources and changes ---------------------------------------------------------------------------------------

async function refreshExtras() {
  const [resources, audit, cluster] = await Promise.all([api('GET', 'api/resources', authorization),
    api('GET', 'api/audit', authorization), api('GET', 'api/cluster', authorization)]);
  if (resources.ok) renderResources(await resources.json());
  if (audit.ok) renderAudit(await audit.json());
  // 404: this node is not in a cluster, and the section stays hidden.
  $('cluster-section').hidden = !cluster.ok;
  if (cluster.ok) renderCluster(await cluster.json());
}

/** One row per node as it last published itself; a node without a fresh record is marked stale. */
function renderCluster(c) {
  const rows = c.nodes.map((n) => {
    const tr = document.createElement('tr');
    tr.dataset.node = n.name;
    const published = n.ageMillis >= 0;
    const cells = [n.local ? `${n.name} (this node)` : n.name, n.address, published ? n.httpUrl : '–',
      published ? String(n.streams) : '–', published ? String(n.viewers) : '–',
      published ? bitrate(n.egressKbps * 1000) || '0 kbit/s' : '–',
      published && n.cpuPercent >= 0 ? `${n.cpuPercent.toFixed(1)} %` : '–',
      n.fresh ? 'up' : (published ? `stale (${(n.ageMillis / 1000).toFixed(0)} s)` : 'no record yet')];
    cells.forEach((text, i) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (i >= 3 && i <= 6) td.className = 'num';
      tr.append(td);
    });
    return tr;
  });
  $('cluster').tBodies[0].replaceChildren(...rows);
  // Where each camera is read, and where it came from when a failed node's cameras were re-homed (decision 0040).
  const origins = (c.origins || []).map((o) => `${o.stream} on ${o.node}`
    + (o.rehomedFrom.length ? ` (re-homed from ${o.rehomedFrom.join(', ')})` : ''));
  $('cluster-summary').textContent = `Cluster ${c.cluster}: ${c.nodes.length} of ${c.configuredMembers} `
    + 'configured members up.' + (origins.length ? ` Pull sources: ${origins.join('; ')}.` : '');
}

function renderResources(r) {
  const c = r.current;
  if (!c) return;
  const figures = [['Process CPU', `${c.cpuPercent.toFixed(1)} %`], ['JVM heap', `${bytes(c.heapUsed)} of ${bytes(c.heapMax)}`],
    ['Resident memory', bytes(c.rss)], ['Threads', String(c.threads)], ['Open files', String(c.openFiles)],
    ['Disk free (logs)', bytes(c.diskFree)], ['Network out', bitrate(c.netOutBps) || '0 kbit/s']];
  $('resources').replaceChildren(...figures.map(([name, value]) => {
    const div = document.createElement('div');
    div.dataset.figure = name;
    div.append(Object.assign(document.createElement('dt'), { textContent: name }),
      Object.assign(document.createElement('dd'), { textContent: value }));
    return div;
  }));
  const charts = [];
  for (const [name, samples] of Object.entries(r.streams || {})) {
    for (const [label, pick, format] of [['input', (x) => x.bitrateBps, bitrate], ['fps', (x) => x.fps, String],
      ['viewers', (x) => x.viewers, String]]) {
      charts.push(chart(`${name} ${label}`, samples.map(pick), format));
    }
  }
  $('stream-charts').replaceChildren(...charts);
}

/** A small line chart of the last 15 minutes; the y axis starts at 0, the legend says the latest and the peak. */
function chart(title, values, format) {
  const box = document.createElement('figure');
  box.className = 'chart';
  box.dataset.chart = title;
  const canvas = document.createElement('canvas');
  canvas.width = 360;
  canvas.height = 56;
  const peak = values.length ? Math.max(...values) : 0;
  const max = Math.max(1e-9, peak); // the y scale; an all-zero series stays on the floor
  const g = canvas.getContext('2d');
  g.strokeStyle = '#1a5fb4';
  g.lineWidth = 1.5;
  g.beginPath();
  values.forEach((v, i) => {
    const x = (i / Math.max(1, 180 - 1)) * canvas.width;
    const y = canvas.height - 2 - (v / max) * (canvas.height - 4);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  const latest = values.length ? values[values.length - 1] : 0;
  box.append(Object.assign(document.createElement('h3'), { textContent: title }), canvas,
    Object.assign(document.createElement('figcaption'), { className: 'legend',
      textContent: `now ${format(latest) || '0'}, peak ${format(peak) || '0'}` }));
  return box;
}

function renderAudit(entries) {
  const rows = [...entries].reverse().slice(0, 50).map((e) => {
    const row = document.createElement('tr');
    const changed = [];
    for (const k of new Set([...Object.keys(e.before), ...Object.keys(e.after)])) {
      if (e.before[k] !== e.after[k]) changed.push(`${k}: ${e.before[k] ?? '–'} → ${e.after[k] ?? '–'}`);
    }
    for (const text of [new Date(e.timeMillis).toLocaleString(), e.actor.user, e.actor.surface, e.actor.address,
      e.action, e.target, changed.join('; ')]) {
      row.insertCell().textContent = text;
    }
    return row;
  });
  $('audit').tBodies[0].replaceChildren(...rows);
}

function button(text, label, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

// ---- helpers -----------------------------------------------------------------------------------------------------

function api(method, path, header, body = undefined, extra = {}) {
  return fetch(path, {
    method,
    credentials: 'omit',
    cache: 'no-store',
    headers: { Accept: 'application/json', Authorization: header, ...(body ? { 'Content-Type': 'application/json' } : {}),
      ...extra },
    body,
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
