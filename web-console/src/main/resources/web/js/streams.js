// The stream list: the streams /health reports, with their state and a link to each one's player.

const REFRESH_MS = 5000;
const table = document.getElementById('streams');
const note = document.getElementById('note');

async function refresh() {
  try {
    const response = await fetch('health', { cache: 'no-store', headers: { Accept: 'application/json' } });
    const health = await response.json(); // 503 (something is down) still carries the document
    render(health.streams || {});
    note.textContent = `Server ${health.status}. Updated ${new Date().toLocaleTimeString()}.`;
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
    row.innerHTML = '<td colspan="7">No streams are configured.</td>';
    rows.push(row);
  }
  table.tBodies[0].replaceChildren(...rows);
}

refresh();
setInterval(refresh, REFRESH_MS);
