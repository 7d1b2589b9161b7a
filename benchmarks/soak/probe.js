'use strict';
// What the soak and churn benchmarks read of the server process, each from the source that cannot be fooled by the
// server's own bookkeeping:
//   RSS                /proc/PID/status VmRSS
//   heap after GC      `jcmd PID GC.class_histogram`: it runs a full GC first and lists the live objects, so its
//                      total is the live heap; the same listing counts the live instances of each Sightline class
//                      (a session object that nothing should hold any more shows up here even if every map says 0)
//                      and of java.nio.DirectByteBuffer (off-heap buffers)
//   threads            /proc/PID/task (the kernel's count); names, when asked, from `jcmd PID Thread.print`
//   file descriptors   /proc/PID/fd, split into sockets, pipes, files and other
//   UDP / TCP sockets  the socket inodes of /proc/PID/fd looked up in /proc/net/{udp,udp6,tcp,tcp6}, TCP by state
//   sessions           GET /health: the sum of every stream's "viewers" (the server's session registry)

const fs = require('fs');
const http = require('http');
const { execFile } = require('child_process');

const TCP_STATES = { '01': 'established', '02': 'syn-sent', '03': 'syn-recv', '04': 'fin-wait1', '05': 'fin-wait2',
  '06': 'time-wait', '07': 'close', '08': 'close-wait', '09': 'last-ack', '0A': 'listen', '0B': 'closing' };

/** jcmd's output; asynchronous, so the viewers in this process keep being served while it runs. */
function jcmd(pid, ...args) {
  return new Promise((resolve, reject) => execFile('jcmd', [String(pid), ...args], { encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024, timeout: 120000 }, (err, stdout) => (err ? reject(err) : resolve(stdout))));
}

/** Live heap after a full GC and live instances per class (all io.sightline.* classes, DirectByteBuffer). */
async function heapAfterGc(pid) {
  const text = await jcmd(pid, 'GC.class_histogram');
  const classes = {};
  let totalBytes = NaN;
  let directBuffers = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)/.exec(line);
    if (m) {
      if (m[3].startsWith('io.sightline.')) {
        classes[m[3]] = Number(m[1]);
      } else if (m[3] === 'java.nio.DirectByteBuffer') {
        directBuffers = Number(m[1]);
      }
      continue;
    }
    const t = /^Total\s+(\d+)\s+(\d+)/.exec(line);
    if (t) {
      totalBytes = Number(t[2]);
    }
  }
  return { heapAfterGcKiB: totalBytes / 1024, classes, directBuffers };
}

/** Thread names grouped: digits and addresses replaced, so "sightline-dtls-3" and "-7" count as one pool. */
async function threadGroups(pid) {
  const groups = {};
  for (const m of (await jcmd(pid, 'Thread.print')).matchAll(/^"([^"]*)"/gm)) {
    const name = m[1].replace(/\/?[0-9.:\[\]a-f]*:\d+/g, '<addr>').replace(/\d+/g, '#');
    groups[name] = (groups[name] || 0) + 1;
  }
  return groups;
}

function socketTable() {
  const byInode = new Map();
  try {
    for (const line of fs.readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 6) {
        byInode.set(c[6], { proto: 'unix' });
      }
    }
  } catch (e) {
    // no unix socket table
  }
  for (const [file, proto] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']]) {
    let text;
    try {
      text = fs.readFileSync('/proc/net/' + file, 'utf8');
    } catch (e) {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const c = line.trim().split(/\s+/);
      if (c.length > 9) {
        byInode.set(c[9], { proto, port: parseInt(c[1].split(':')[1], 16), state: TCP_STATES[c[3]] || c[3] });
      }
    }
  }
  return byInode;
}

/** File descriptors of the process by kind, and its UDP and TCP sockets (TCP by state). */
function descriptors(pid) {
  const table = socketTable();
  const out = { fds: 0, sockets: 0, pipes: 0, files: 0, other: 0, udp: 0, unix: 0, tcp: {} };
  let names;
  try {
    names = fs.readdirSync(`/proc/${pid}/fd`);
  } catch (e) {
    return out;
  }
  for (const fd of names) {
    let target;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch (e) {
      continue; // closed meanwhile
    }
    out.fds++;
    const s = /^socket:\[(\d+)\]$/.exec(target);
    if (s) {
      out.sockets++;
      const entry = table.get(s[1]);
      if (entry && entry.proto === 'udp') {
        out.udp++;
      } else if (entry && entry.proto === 'unix') {
        out.unix++;
      } else if (entry) {
        out.tcp[entry.state] = (out.tcp[entry.state] || 0) + 1;
      }
    } else if (target.startsWith('pipe:')) {
      out.pipes++;
    } else if (target.startsWith('/')) {
      out.files++;
    } else {
      out.other++;
    }
  }
  return out;
}

function threadCount(pid) {
  try {
    return fs.readdirSync(`/proc/${pid}/task`).length;
  } catch (e) {
    return NaN;
  }
}

function rssKiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch (e) {
    return NaN;
  }
}

/** The server's live sessions: the sum of the streams' viewers in GET /health, and per stream. */
async function sessions(baseUrl) {
  // A connection of its own, closed after the answer: a kept-alive one would show up as the server's open socket.
  const text = await new Promise((resolve, reject) => {
    const req = http.get(baseUrl.replace(/\/$/, '') + '/health', { agent: false, headers: { Connection: 'close' },
      timeout: 10000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('GET /health timed out')));
    req.on('error', reject);
  });
  const perStream = {};
  let total = 0;
  for (const m of text.matchAll(/"([^"]+)":\{[^}]*"viewers":(\d+)/g)) {
    perStream[m[1]] = Number(m[2]);
    total += Number(m[2]);
  }
  return { total, perStream };
}

/** Everything above at one moment. */
async function sample(pid, baseUrl, { names = false } = {}) {
  // RSS, threads and descriptors first, as the running server has them; then the GC of the class histogram (a
  // full GC makes G1 resize the heap, which moves RSS for a while), then the sessions.
  const rss = rssKiB(pid);
  const threads = threadCount(pid);
  const d = descriptors(pid);
  const heap = await heapAfterGc(pid);
  const s = await sessions(baseUrl);
  return {
    at: Date.now(), rssKiB: rss, heapAfterGcKiB: heap.heapAfterGcKiB, classes: heap.classes,
    directBuffers: heap.directBuffers, threads, ...d, sessions: s.total, perStream: s.perStream,
    threadGroups: names ? await threadGroups(pid) : undefined, loadavg: fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
  };
}

/** The pid of the process listening on a TCP port (the Karaf JVM on its HTTP port), through /proc. */
function listeningPid(port) {
  const inodes = new Set();
  for (const [inode, e] of socketTable()) {
    if (e.proto === 'tcp' && e.state === 'listen' && e.port === port) {
      inodes.add(inode);
    }
  }
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) {
      continue;
    }
    let fds;
    try {
      fds = fs.readdirSync('/proc/' + p + '/fd');
    } catch (e) {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync('/proc/' + p + '/fd/' + fd));
        if (m && inodes.has(m[1])) {
          return Number(p);
        }
      } catch (e) {
        // fd closed meanwhile
      }
    }
  }
  return 0;
}

/**
 * The classes of which every viewer session holds its own instances (ICE, DTLS, SRTP state and the session's
 * buffers hang off them): with no viewer left, none may be alive.
 */
const PER_SESSION_CLASSES = [
  'io.sightline.sfu.internal.SfuViewerSession', 'io.sightline.sfu.internal.ViewerTrack',
  'io.sightline.sfu.internal.ice.IceSession', 'io.sightline.sfu.internal.ice.IceTcpConnection',
  'io.sightline.sfu.internal.ice.UdpPath', 'io.sightline.sfu.internal.dtls.DtlsSession',
  'io.sightline.sfu.internal.dtls.QueuedDatagramTransport', 'io.sightline.sfu.internal.dtls.DtlsSrtpServer',
];

function perSessionInstances(s) {
  const out = {};
  for (const c of PER_SESSION_CLASSES) {
    out[c.slice(c.lastIndexOf('.') + 1)] = s.classes[c] || 0;
  }
  return out;
}

module.exports = { sample, sessions, heapAfterGc, threadGroups, descriptors, threadCount, rssKiB, listeningPid,
  perSessionInstances, PER_SESSION_CLASSES };
