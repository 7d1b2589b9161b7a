'use strict';
// Paths between a node-datachannel viewer and the server that the benchmark can cut, so a session can end the way
// a real client's does without the client library's cooperation:
//
// - UdpRelay: a loopback UDP socket that forwards the viewer's datagrams to the server's UDP candidate and back.
//   vanish() closes it: from the server's side the viewer stops sending anything at all (no DTLS close_notify, no
//   RTCP BYE, no DELETE), exactly like a laptop lid closing; only ICE consent freshness can end that session.
// - TcpRelay: the viewer's datagrams carried to the server's passive ICE-TCP candidate over one TCP connection,
//   framed per RFC 4571 (2-byte length); the server sees a genuine ICE-TCP viewer (STUN, DTLS, SRTP over TCP).
//   disconnect() closes that connection (FIN) and the UDP side.
//   (The client library, libdatachannel with libjuice, has no ICE-TCP of its own; this relay is the wire.)
//
// Either is put in front of a viewer by rewriting the server's answer: its candidates are replaced by one UDP host
// candidate on the relay's port.

const dgram = require('dgram');
const net = require('net');

/** The server's answer with its candidates replaced by one UDP host candidate at 127.0.0.1:port. */
function answerThrough(answer, port) {
  const lines = answer.split(/\r?\n/);
  const out = [];
  let placed = false;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      placed = false;
    }
    if (line.startsWith('a=candidate:')) {
      if (!placed) {
        out.push(`a=candidate:1 1 udp 2130706431 127.0.0.1 ${port} typ host`);
        placed = true;
      }
      continue;
    }
    out.push(line);
  }
  return out.join('\r\n');
}

/** The address of the answer's first candidate of this transport ('udp' or 'tcp'), as {host, port}. */
function candidateOf(answer, transport) {
  let found = null;
  for (const m of answer.matchAll(/^a=candidate:\S+ \d+ (\S+) \d+ (\S+) (\d+) typ host(.*)$/gim)) {
    if (m[1].toLowerCase() === transport && (transport !== 'tcp' || /tcptype passive/i.test(m[4]))) {
      // Loopback when offered (the relay is on loopback too), else the first.
      if (m[2] === '127.0.0.1') {
        return { host: m[2], port: Number(m[3]) };
      }
      found = found || { host: m[2], port: Number(m[3]) };
    }
  }
  return found;
}

class UdpRelay {
  /** Binds the loopback socket; call {@link connect} with the server's UDP candidate once the answer is in. */
  static async open() {
    const r = new UdpRelay();
    r.socket = dgram.createSocket('udp4');
    r.socket.on('error', () => {});
    await new Promise((resolve) => r.socket.bind(0, '127.0.0.1', resolve));
    r.port = r.socket.address().port;
    r.socket.on('message', (msg, from) => r.forward(msg, from));
    return r;
  }

  connect(server) {
    this.server = server;
  }

  forward(msg, from) {
    if (this.closed || !this.server) {
      return;
    }
    if (from.port === this.server.port && from.address === this.server.host) {
      if (this.client) {
        this.socket.send(msg, this.client.port, this.client.address);
      }
    } else {
      this.client = { port: from.port, address: from.address };
      this.socket.send(msg, this.server.port, this.server.host);
    }
  }

  /** Rewrites the answer to this relay and connects to the answer's UDP candidate. */
  through(answer) {
    this.connect(candidateOf(answer, 'udp'));
    return answerThrough(answer, this.port);
  }

  vanish() {
    if (!this.closed) {
      this.closed = true;
      this.socket.close();
    }
  }
}

class TcpRelay {
  static async open() {
    const r = new TcpRelay();
    r.socket = dgram.createSocket('udp4');
    r.socket.on('error', () => {});
    await new Promise((resolve) => r.socket.bind(0, '127.0.0.1', resolve));
    r.port = r.socket.address().port;
    r.pending = [];
    r.up = 0;
    r.down = 0;
    r.socket.on('message', (msg, from) => {
      r.client = { port: from.port, address: from.address };
      r.up++;
      r.send(msg);
    });
    return r;
  }

  /** Rewrites the answer to this relay and opens the TCP connection to the answer's passive TCP candidate. */
  through(answer) {
    const server = candidateOf(answer, 'tcp');
    if (!server) {
      throw new Error('the answer has no passive TCP candidate (is the SFU\'s tcp.port off?)');
    }
    this.tcp = net.connect({ host: server.host, port: server.port, noDelay: true });
    this.tcp.on('error', (e) => { this.error = e.code || e.message; });
    this.tcp.on('connect', () => {
      this.connected = true;
      for (const m of this.pending.splice(0)) {
        this.send(m);
      }
    });
    let buffered = Buffer.alloc(0);
    this.tcp.on('data', (chunk) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) {
          break;
        }
        if (this.client && !this.closed) {
          this.down++;
          this.socket.send(buffered.subarray(2, 2 + len), this.client.port, this.client.address);
        }
        buffered = buffered.subarray(2 + len);
      }
    });
    return answerThrough(answer, this.port);
  }

  send(msg) {
    if (this.closed || !this.tcp) {
      return;
    }
    if (!this.connected) {
      this.pending.push(msg);
      return;
    }
    const frame = Buffer.allocUnsafe(2 + msg.length);
    frame.writeUInt16BE(msg.length, 0);
    msg.copy(frame, 2);
    this.tcp.write(frame);
  }

  /** What crossed the relay so far, for a failed setup's message. */
  describe() {
    return `tcp ${this.connected ? 'connected' : 'not connected'}${this.error ? ` (${this.error})` : ''}, `
      + `${this.up} datagrams from the viewer (${this.pending.length} waiting), ${this.down} frames from the server`;
  }

  /** Closes the TCP connection (FIN) and stops relaying. */
  disconnect() {
    if (!this.closed) {
      this.closed = true;
      if (this.tcp) {
        this.tcp.end();
        setTimeout(() => this.tcp.destroy(), 1000).unref();
      }
      this.socket.close();
    }
  }
}

module.exports = { UdpRelay, TcpRelay, answerThrough, candidateOf };
