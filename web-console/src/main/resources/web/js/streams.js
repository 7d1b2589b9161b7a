// The stream list: the streams this caller may watch (/streams.json: without a credential the public streams this
// address may watch; with a token those it may read; with admin credentials all), with the figures
// /health reports for them, and a link to each one's player. A server without /streams.json lists /health's streams.
//
// A token (?token= or one typed into the form, kept for the tab like the player does) goes along as a Bearer
// header; without one (or with a refused one) the page asks for it.

const REFRESH_MS = 5000;
const TOKEN_KEY = 'sightline.token';
const table = document.getElementById('streams');
const note = document.getElementById('note');
const login = document.getElementById('login');

const params = new URLSearchParams(location.search);
if (params.has('token')) {
  store(params.get('token'));
  history.replaceState(history.state, '', location.pathname);
}
login.addEventListener('submit', (event) => {
  event.preventDefault();
  store(login.elements.token.value.trim());
  refresh();
});

async function refresh() {
  try {
    const token = stored();
    const headers = { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) };
    // credentials 'omit': the list's 401 also offers Basic (for admins' tools), and with credentials the browser
    // would answer it with its own password dialog instead of letting this page ask for a token.
    const [listed, health] = await Promise.all([
      fetch('streams.json', { cache: 'no-store', credentials: 'omit', headers }),
      fetch('health', { cache: 'no-store', credentials: 'omit', headers }).then((r) => r.json()).catch(() => ({})),
    ]);
    login.hidden = listed.status !== 401 && listed.status !== 403;
    if (!login.hidden) {
      table.tBodies[0].replaceChildren();
      note.textContent = listed.status === 403 || token ? 'This token may not list the streams: try another one.'
        : 'Sign in with an access token to see the streams.';
      return;
    }
    const figures = health.streams || {};
    let streams = figures; // a server without /streams.json: every stream /health reports
    let anonymous = false;
    if (listed.status !== 404) {
      if (!listed.ok) throw new Error(`stream list: HTTP ${listed.status}`);
      streams = {};
      const list = await listed.json();
      anonymous = list.anonymous === true;
      for (const s of list.streams || []) {
        streams[s.name] = { ...figures[s.name], state: s.state, viewers: s.viewers };
      }
    }
    render(streams);
    if (token && listed.status !== 404 && Object.keys(streams).length === 0) {
      login.hidden = false; // a token for other streams (or another server): let the viewer try another
    }
    note.textContent = `Server ${health.status ?? 'unknown'}. Updated ${new Date().toLocaleTimeString()}.`;
    if (!token && anonymous) {
      // Without a token the list holds what anyone here may watch; a token may show more.
      login.hidden = false;
      note.textContent += ' Streams that need a token are not listed: enter one to see them.';
    }
  } catch (error) {
    note.textContent = `Cannot reach the server: ${error.message}`;
  }
}

function render(streams) {
  const rows = Object.entries(streams).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => {
    const row = document.createElement('tr');
    row.dataset.stream = name;
    const link = document.createElement('a');
    link.href = `play/${encodeURIComponent(name)}`;
    link.textContent = name;
    const cells = [link, s.state ?? s.status, s.sourceType ?? '', s.transport ?? '', s.viewers ?? '',
      s.fps != null ? String(s.fps) : '', s.inputBitrateBps ? `${Math.round(s.inputBitrateBps / 1000)} kbit/s` : ''];
    for (const content of cells) {
      const cell = document.createElement('td');
      if (content instanceof Node) cell.appendChild(content);
      else cell.textContent = String(content);
      row.appendChild(cell);
    }
    row.children[1].className = `state state-${s.state ?? s.status}`;
    return row;
  });
  if (rows.length === 0) {
    const row = document.createElement('tr');
    row.innerHTML = '<td colspan="7">No streams to show.</td>';
    rows.push(row);
  }
  table.tBodies[0].replaceChildren(...rows);
}

refresh();
setInterval(refresh, REFRESH_MS);

function stored() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function store(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage refused: the token is not kept.
  }
}
