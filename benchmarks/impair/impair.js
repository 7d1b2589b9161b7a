'use strict';
// A userspace link impairment relay for UDP on loopback (this kernel has no sch_netem): every client that sends to
// the relay gets its own upstream socket towards the target, and each direction has its own link: random loss,
// a fixed delay with jitter, and optionally a token-bucket rate limit with a bounded queue. See README.md.
//
//   node impair.js --target 127.0.0.1:8189 --down loss=5,delay=40,jitter=10 --up loss=5,delay=40,jitter=10
//
// As a module: const { startRelay, parseLink } = require('../impair/impair');

const dgram = require('dgram');

/**
 * One direction of the link. `loss` in percent; `delay` ms; `jitter` ms, the delay drawn uniformly from
 * delay +- jitter (clamped at 0) like netem's "delay D J"; packets keep their order unless `reorder` (then a packet
 * leaves at its own drawn time, so a later one may overtake it); `rate` kbit/s with a `burst` bucket in bytes and a
 * `queue` limit in ms (tail drop beyond it), the serialization happening before the delay.
 */
function parseLink(text) {
  const link = { loss: 0, delay: 0, jitter: 0, reorder: false, rate: 0, burst: 3000, queue: 200 };
  if (!text || text === 'none' || text === 'lossless') {
    return link;
  }
  for (const part of text.split(/[,+]/)) {
    const [k, v] = part.split('=');
    if (!(k in link)) {
      throw new Error(`unknown link parameter '${k}' in '${text}' (loss, delay, jitter, reorder, rate, burst, queue)`);
    }
    link[k] = k === 'reorder' ? v !== '0' && v !== 'false' : Number(v);
    if (k !== 'reorder' && !(Number.isFinite(link[k]) && link[k] >= 0)) {
      throw new Error(`bad value for ${k} in '${text}'`);
    }
  }
  if (link.loss > 100) {
    throw new Error(`loss is a percentage: ${link.loss}`);
  }
  return link;
}

/** A short label of a link, e.g. "5% loss, 40+-10 ms". */
function describeLink(l) {
  const parts = [];
  if (l.loss) parts.push(`${l.loss}% loss`);
  if (l.delay || l.jitter) parts.push(`${l.delay}${l.jitter ? `+-${l.jitter}` : ''} ms${l.reorder ? ' reordering' : ''}`);
  if (l.rate) parts.push(`${l.rate} kbit/s (burst ${l.burst} B, queue ${l.queue} ms)`);
  return parts.length ? parts.join(', ') : 'lossless';
}

/** Seeded PRNG (mulberry32): the same seed gives the same losses and delays, run after run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The state of one direction of one client's path. `deliver(buf)` is called for each packet that survives, after
 * its delay. The clock and the timer are injectable so the model can be tested without waiting.
 */
class LinkPath {
  /** `observe` (optional): called as observe(event, buf, nowMs) with 'in', 'drop' and 'out' for every packet. */
  constructor(link, rnd, deliver, clock = () => performance.now(), timer = setTimeout, observe = null) {
    this.link = link;
    this.rnd = rnd;
    this.deliver = deliver;
    this.clock = clock;
    this.timer = timer;
    this.observe = observe;
    this.lastDeparture = 0;
    this.bucketFreeAt = 0; // when the rate limiter has sent everything queued so far
    this.stats = { in: 0, out: 0, lost: 0, queueDropped: 0, bytes: 0 };
  }

  push(buf) {
    const l = this.link;
    const now = this.clock();
    this.stats.in++;
    if (this.observe) this.observe('in', buf, now);
    if (l.loss > 0 && this.rnd() * 100 < l.loss) {
      this.stats.lost++;
      if (this.observe) this.observe('drop', buf, now);
      return;
    }
    let ready = now;
    if (l.rate > 0) {
      // Token bucket: `burst` bytes may go at once, then bytes leave at `rate`; a packet that would wait longer
      // than `queue` ms is dropped at the tail, as a router's bounded queue does.
      const bytesPerMs = l.rate / 8;
      const credit = l.burst / bytesPerMs;
      const start = Math.max(this.bucketFreeAt, now - credit);
      const done = start + buf.length / bytesPerMs;
      if (done - now > l.queue + credit) {
        this.stats.queueDropped++;
        if (this.observe) this.observe('drop', buf, now);
        return;
      }
      this.bucketFreeAt = done;
      ready = Math.max(now, done - credit);
    }
    let delay = l.delay;
    if (l.jitter > 0) {
      delay += (this.rnd() * 2 - 1) * l.jitter;
    }
    let departure = ready + Math.max(0, delay);
    if (!l.reorder) {
      departure = Math.max(departure, this.lastDeparture);
    }
    this.lastDeparture = departure;
    const wait = departure - now;
    if (wait <= 0.05) {
      this.send(buf);
    } else {
      this.timer(() => this.send(buf), wait);
    }
  }

  send(buf) {
    this.stats.out++;
    this.stats.bytes += buf.length;
    if (this.observe) this.observe('out', buf, this.clock());
    this.deliver(buf);
  }
}

/**
 * Starts a relay listening on `listen` ({ address, port }, port 0 = any) forwarding to `target`; `up` applies to
 * client -> target, `down` to target -> client; `observeDown` (optional) sees every target -> client packet as
 * LinkPath's `observe` does. Resolves to { address, port, stats(), close() }.
 */
function startRelay({ listen = { address: '127.0.0.2', port: 0 }, target, up = parseLink(''), down = parseLink(''),
  seed = 1, observeDown = null }) {
  const rnd = random(seed);
  const front = dgram.createSocket('udp4');
  const clients = new Map();
  const all = [];
  let closed = false;
  // Packets still in flight when the relay closes are dropped, as a link that goes down drops them.
  const safely = (send) => (buf) => {
    if (!closed) {
      send(buf);
    }
  };
  front.on('message', (message, from) => {
    if (closed) {
      return;
    }
    const key = `${from.address}:${from.port}`;
    let c = clients.get(key);
    if (!c) {
      const sock = dgram.createSocket('udp4');
      c = {
        sock,
        up: new LinkPath(up, rnd, safely((buf) => sock.send(buf, target.port, target.address))),
        down: new LinkPath(down, rnd, safely((buf) => front.send(buf, from.port, from.address)), undefined, undefined,
          observeDown),
      };
      sock.on('message', (back) => c.down.push(back));
      sock.on('error', () => {});
      sock.bind(0, target.address === '127.0.0.1' ? '127.0.0.1' : undefined, () => sock.unref());
      clients.set(key, c);
      all.push(c);
    }
    c.up.push(message);
  });
  front.on('error', () => {});
  const sum = (dir) => all.reduce((s, c) => {
    for (const k of Object.keys(s)) s[k] += c[dir].stats[k];
    return s;
  }, { in: 0, out: 0, lost: 0, queueDropped: 0, bytes: 0 });
  return new Promise((resolve) => front.bind(listen.port, listen.address, () => {
    front.unref();
    resolve({
      address: front.address().address, port: front.address().port,
      stats: () => ({ up: sum('up'), down: sum('down'), clients: all.length }),
      close: () => {
        closed = true;
        for (const c of all) c.sock.close();
        front.close();
      },
    });
  }));
}

module.exports = { startRelay, parseLink, describeLink, LinkPath, random };

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = { listen: '127.0.0.2:0', target: null, up: '', down: '', seed: 1 };
  for (let i = 0; i < args.length; i++) {
    const k = args[i].replace(/^--/, '');
    if (!(k in opt)) {
      console.error('usage: node impair.js --target HOST:PORT [--listen HOST:PORT] [--up LINK] [--down LINK] [--seed N]');
      process.exit(2);
    }
    opt[k] = args[++i];
  }
  const addr = (t) => ({ address: t.slice(0, t.lastIndexOf(':')), port: Number(t.slice(t.lastIndexOf(':') + 1)) });
  if (!opt.target) {
    console.error('--target HOST:PORT is required');
    process.exit(2);
  }
  const up = parseLink(opt.up);
  const down = parseLink(opt.down);
  startRelay({ listen: addr(opt.listen), target: addr(opt.target), up, down, seed: Number(opt.seed) }).then((r) => {
    console.log(`relay ${r.address}:${r.port} -> ${opt.target}; up: ${describeLink(up)}; down: ${describeLink(down)}`);
    setInterval(() => console.log(JSON.stringify(r.stats())), 10000);
  });
}
