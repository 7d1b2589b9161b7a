// Unit tests of the player's WHEP client (js/whep-client.js) under Node's own test runner: the state machine
// against scripted server answers, with a scripted RTCPeerConnection standing in for the browser's. Real browsers
// and the real server are exercised by the e2e suite (PlayerE2E, PlayerStatesE2E); this pins down the rules those
// tests cannot force (backoff, Retry-After, ICE 'disconnected' vs 'failed', trickle batching, where tokens go).
//
//   node --test web-console/src/test/js/
import { test, beforeEach, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const source = await readFile(new URL('../../main/resources/web/js/whep-client.js', import.meta.url), 'utf8');
const { WhepClient, State, sdpFragment, retryAfterMillis, parseIceServers } = await import(
  `data:text/javascript,${encodeURIComponent(source)}`);

const OFFER = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'a=group:BUNDLE 0 1',
  'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijkl',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:1', ''].join('\r\n');

/** The browser side, driven by the test: records what the client did and fires the events it asks for. */
class ScriptedPeerConnection {
  static all = [];

  constructor(config) {
    this.config = config;
    this.connectionState = 'new';
    this.closed = false;
    this.transceivers = [];
    ScriptedPeerConnection.all.push(this);
  }

  addTransceiver(kind, init) { this.transceivers.push(`${kind}:${init.direction}`); }
  async createOffer() { return { type: 'offer', sdp: OFFER }; }
  async setLocalDescription(description) { this.localDescription = description; }
  async setRemoteDescription(description) { this.remoteDescription = description; }
  getConfiguration() { return this.config; }
  setConfiguration(config) { this.config = config; }
  close() { this.closed = true; this.connectionState = 'closed'; }

  state(connectionState) {
    this.connectionState = connectionState;
    this.onconnectionstatechange?.();
  }

  candidate(candidate) { this.onicecandidate?.({ candidate }); }
}

let requests;
let answers;

/** Queues the server's next answer to a request matching `method`. */
function answer(method, status, headers = {}, body = '') {
  answers.push({ method, status, headers, body });
}

const created = (extra = {}) => answer('POST', 201,
  { Location: '/whep/demo/sessions/s1', ETag: '"e1"', 'Content-Type': 'application/sdp', ...extra }, 'v=0\r\n');

async function settle() {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

function client(options) {
  const c = new WhepClient('/whep/demo', options);
  c.states = [];
  c.addEventListener('statechange', (e) => c.states.push(e.detail));
  return c;
}

const posts = () => requests.filter((r) => r.method === 'POST');
const lastPc = () => ScriptedPeerConnection.all.at(-1);

beforeEach(() => {
  requests = [];
  answers = [];
  ScriptedPeerConnection.all = [];
  globalThis.document = { baseURI: 'https://viewer.example/play/demo' };
  globalThis.RTCPeerConnection = ScriptedPeerConnection;
  globalThis.fetch = async (url, init = {}) => {
    const method = init.method || 'GET';
    requests.push({ url: String(url), method, headers: init.headers || {}, body: init.body, keepalive: init.keepalive });
    const i = answers.findIndex((a) => a.method === method);
    const a = i >= 0 ? answers.splice(i, 1)[0] : { status: method === 'POST' ? 500 : 204, headers: {}, body: '' };
    const response = new Response(a.status === 204 ? null : a.body, { status: a.status, headers: a.headers });
    // fetch follows a 307 by itself; the response then carries the URL that answered.
    if (a.answeredBy) Object.defineProperty(response, 'url', { value: a.answeredBy });
    return response;
  };
  mock.timers.enable({ apis: ['setTimeout'] });
  mock.method(Math, 'random', () => 0.5); // the backoff's jitter factor becomes exactly 1
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
});

test('a 201 answer, then ICE connected: live, offering recvonly video and audio', async () => {
  created();
  const c = client();
  c.start();
  await settle();
  assert.equal(posts().length, 1);
  assert.equal(posts()[0].url, 'https://viewer.example/whep/demo');
  assert.equal(posts()[0].headers['Content-Type'], 'application/sdp');
  assert.equal(posts()[0].body, OFFER);
  assert.deepEqual(lastPc().transceivers, ['video:recvonly', 'audio:recvonly']);
  assert.equal(lastPc().remoteDescription.type, 'answer');
  lastPc().state('connected');
  assert.equal(c.state, State.LIVE);
});

test('an offer redirected to another node (307, followed by fetch): the session is where the answer came from', async () => {
  created();
  answers.at(-1).answeredBy = 'https://node-b.example:8443/whep/demo?token=t';
  const c = client();
  c.start();
  await settle();
  lastPc().state('connected');
  lastPc().state('failed');
  await settle();
  const deletes = requests.filter((r) => r.method === 'DELETE');
  assert.deepEqual(deletes.map((r) => r.url), ['https://node-b.example:8443/whep/demo/sessions/s1']);
  c.stop();
});

test('serverStats(): GET on the session URL with the token in the header; null before a session and on 405', async () => {
  const c = client({ token: 'secret.jwt.value' });
  assert.equal(await c.serverStats(), null, 'no session yet, no request');
  assert.equal(requests.length, 0);
  created();
  c.start();
  await settle();
  lastPc().state('connected');
  answer('GET', 200, { 'Content-Type': 'application/json' },
    '{"transport":"sfu","bandwidthEstimateBps":850000,"bandwidthEstimateSource":"transport-cc"}');
  const stats = await c.serverStats();
  assert.equal(stats.bandwidthEstimateBps, 850000);
  assert.equal(stats.bandwidthEstimateSource, 'transport-cc');
  const get = requests.filter((r) => r.method === 'GET').at(-1);
  assert.equal(get.url, 'https://viewer.example/whep/demo/sessions/s1');
  assert.equal(get.headers.Authorization, 'Bearer secret.jwt.value');
  answer('GET', 405);
  assert.equal(await c.serverStats(), null, 'an older server without the GET');
});

test("ICE 'disconnected' keeps the session (it is often transient); 'failed' tears down and retries", async () => {
  created();
  const c = client();
  let interruptions = 0;
  c.addEventListener('interrupted', () => interruptions++);
  c.start();
  await settle();
  const first = lastPc();
  first.state('connected');
  first.state('disconnected');
  mock.timers.tick(60_000);
  await settle();
  assert.equal(c.state, State.LIVE);
  assert.equal(interruptions, 1);
  assert.equal(first.closed, false);
  assert.equal(posts().length, 1, 'no new session while merely disconnected');

  first.state('failed');
  assert.equal(c.state, State.RECONNECTING);
  assert.equal(c.states.at(-1).retryInMs, 1000);
  assert.equal(first.closed, true);
  await settle();
  const deletes = requests.filter((r) => r.method === 'DELETE');
  assert.deepEqual(deletes.map((r) => r.url), ['https://viewer.example/whep/demo/sessions/s1']);
  assert.equal(deletes[0].keepalive, true);

  created();
  mock.timers.tick(999);
  await settle();
  assert.equal(posts().length, 1, 'not before the backoff');
  mock.timers.tick(1);
  await settle();
  assert.equal(posts().length, 2);
  lastPc().state('connected');
  assert.equal(c.state, State.LIVE);
});

test('failures back off exponentially from 1 s to at most 30 s, and a success resets it', async () => {
  const c = client();
  c.start(); // every POST gets the default 500
  await settle();
  const delays = [];
  for (let i = 0; i < 8; i++) {
    delays.push(c.states.at(-1).retryInMs);
    mock.timers.tick(c.states.at(-1).retryInMs);
    await settle();
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  assert.ok(c.states.every((s) => s.state !== State.ERROR));

  created();
  mock.timers.tick(30000);
  await settle();
  lastPc().state('connected');
  lastPc().state('failed');
  assert.equal(c.states.at(-1).retryInMs, 1000);
});

test('the jitter spreads retries over 0.8-1.2 times the backoff', async () => {
  const c = client();
  Math.random.mock.mockImplementation(() => 0);
  c.start();
  await settle();
  assert.equal(c.states.at(-1).retryInMs, 800);
  Math.random.mock.mockImplementation(() => 0.999999);
  mock.timers.tick(800);
  await settle();
  assert.equal(c.states.at(-1).retryInMs, 2400);
});

test('503 with Retry-After: offline, and the next attempt waits at least that long', async () => {
  answer('POST', 503, { 'Retry-After': '7' }, 'stream at capacity');
  const c = client();
  c.start();
  await settle();
  assert.equal(c.state, State.OFFLINE);
  assert.equal(c.states.at(-1).detail, 'stream at capacity');
  assert.equal(c.states.at(-1).retryInMs, 7000);
  mock.timers.tick(6999);
  await settle();
  assert.equal(posts().length, 1);
  mock.timers.tick(1);
  await settle();
  assert.equal(posts().length, 2);
});

test('423: stopped by an operator, shown as stopped while it asks again; started again it plays', async () => {
  answer('POST', 423, { 'Retry-After': '2' }, 'stream stopped by an operator');
  answer('POST', 423, { 'Retry-After': '2' }, 'stream stopped by an operator');
  const c = client();
  c.start();
  await settle();
  assert.equal(c.state, State.STOPPED);
  assert.equal(c.states.at(-1).detail, 'stream stopped by an operator');
  assert.equal(c.states.at(-1).retryInMs, 5000, 'at most every 5 s, whatever Retry-After says');
  mock.timers.tick(5000);
  await settle();
  assert.equal(posts().length, 2);
  assert.equal(c.state, State.STOPPED, 'no "reconnecting" flicker between two refusals');
  assert.ok(!c.states.some((s) => s.state === State.RECONNECTING));
  created();
  mock.timers.tick(10000);
  await settle();
  assert.equal(posts().length, 3);
  lastPc().state('connected');
  assert.equal(c.state, State.LIVE);
});

test('401 without a token: unauthorized and no retries; a token then connects at once, in the header only', async () => {
  answer('POST', 401);
  const c = client();
  c.start();
  await settle();
  assert.equal(c.state, State.UNAUTHORIZED);
  assert.equal(c.states.at(-1).detail, 'token required');
  assert.equal(c.states.at(-1).status, 401);
  assert.equal(lastPc().closed, true);
  mock.timers.tick(120_000);
  await settle();
  assert.equal(posts().length, 1, 'a refusal is final until the viewer gives a token');

  created();
  c.token = 'secret.jwt.value';
  await settle();
  assert.equal(posts().length, 2);
  assert.equal(posts()[1].headers.Authorization, 'Bearer secret.jwt.value');
  lastPc().state('connected');
  assert.equal(c.state, State.LIVE);
  for (const r of requests) assert.ok(!r.url.includes('secret'), `token in a URL: ${r.url}`);
});

test('403 with a token: unauthorized, the token does not cover this stream', async () => {
  answer('POST', 403);
  const c = client({ token: 't' });
  c.start();
  await settle();
  assert.equal(c.state, State.UNAUTHORIZED);
  assert.equal(c.states.at(-1).detail, 'this token does not cover the stream');
});

test('a remembered token that is refused is dropped once, and the stream tried without it', async () => {
  answer('POST', 401);
  created();
  const c = client({ token: 'old', tokenOptional: true });
  c.start();
  await settle();
  assert.equal(posts().length, 2);
  assert.equal(posts()[0].headers.Authorization, 'Bearer old');
  assert.equal(posts()[1].headers.Authorization, undefined);
  lastPc().state('connected');
  assert.equal(c.state, State.LIVE);
});

test('404: not found, final; 400 and 415: error, final (the same offer would be refused again)', async () => {
  for (const [status, state] of [[404, State.NOT_FOUND], [400, State.ERROR], [415, State.ERROR]]) {
    requests.length = 0;
    answer('POST', status, {}, 'why');
    const c = client();
    c.start();
    await settle();
    assert.equal(c.state, state, `status ${status}`);
    mock.timers.tick(120_000);
    await settle();
    assert.equal(posts().length, 1, `no retry after ${status}`);
  }
});

test('a stream that played and then answers 404 is being redefined: wait for it, for a while', async () => {
  created();
  const c = client();
  c.start();
  await settle();
  lastPc().state('connected');
  lastPc().state('failed');
  for (let i = 0; i < 6; i++) {
    answer('POST', 404, {}, 'no such stream');
    mock.timers.tick(c.states.at(-1).retryInMs);
    await settle();
    assert.equal(c.state, i < 5 ? State.OFFLINE : State.NOT_FOUND, `after ${i + 1} refusals`);
  }
  assert.equal(c.states.at(-1).detail, 'no such stream');
});

test('trickle ICE: candidates gathered within 50 ms go out in one PATCH with the ETag', async () => {
  created();
  const c = client({ token: 'tk' });
  c.start();
  await settle();
  const pc = lastPc();
  pc.candidate({ candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
  pc.candidate({ candidate: 'candidate:2 1 udp 1686052607 198.51.100.7 50001 typ srflx', sdpMid: '0', sdpMLineIndex: 0 });
  pc.candidate(null);
  mock.timers.tick(49);
  await settle();
  assert.equal(requests.filter((r) => r.method === 'PATCH').length, 0);
  mock.timers.tick(1);
  await settle();
  const patches = requests.filter((r) => r.method === 'PATCH');
  assert.equal(patches.length, 1);
  assert.equal(patches[0].url, 'https://viewer.example/whep/demo/sessions/s1');
  assert.equal(patches[0].headers['Content-Type'], 'application/trickle-ice-sdpfrag');
  assert.equal(patches[0].headers['If-Match'], '"e1"');
  assert.equal(patches[0].headers.Authorization, 'Bearer tk');
  assert.equal(patches[0].body, ['a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijkl',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host',
    'a=candidate:2 1 udp 1686052607 198.51.100.7 50001 typ srflx', 'a=end-of-candidates', ''].join('\r\n'));
});

test('a server that refuses PATCH (405) gets no more trickled candidates', async () => {
  created();
  answer('PATCH', 405);
  const c = client();
  c.start();
  await settle();
  lastPc().candidate({ candidate: 'candidate:1 1 udp 1 192.0.2.1 1 typ host', sdpMid: '0' });
  mock.timers.tick(50);
  await settle();
  lastPc().candidate({ candidate: 'candidate:2 1 udp 1 192.0.2.2 2 typ host', sdpMid: '0' });
  mock.timers.tick(50);
  await settle();
  assert.equal(requests.filter((r) => r.method === 'PATCH').length, 1);
});

test('ICE that never connects is abandoned after 15 s rather than Chromium\'s ~30 s', async () => {
  created();
  const c = client();
  c.start();
  await settle();
  mock.timers.tick(14_999);
  assert.equal(c.state, State.CONNECTING);
  mock.timers.tick(1);
  assert.equal(c.state, State.RECONNECTING);
  assert.equal(c.states.at(-1).detail, 'ICE did not connect');
});

test('stop(): DELETE with keepalive, stopped, and a late answer from a superseded attempt is ignored', async () => {
  created();
  const c = client();
  c.start();
  await settle();
  c.stop();
  assert.equal(c.state, State.STOPPED);
  await settle();
  assert.equal(requests.filter((r) => r.method === 'DELETE' && r.keepalive).length, 1);
  lastPc().state('connected'); // the closed connection's handlers were removed
  assert.equal(c.state, State.STOPPED);
  mock.timers.tick(60_000);
  await settle();
  assert.equal(posts().length, 1);
});

test('ICE servers from the 201 Link header are used for this connection and the next attempts', async () => {
  created({ Link: '<stun:stun.example.net>; rel="ice-server", '
    + '<turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="p,w"; credential-type="password"' });
  const c = client();
  c.start();
  await settle();
  const servers = [{ urls: 'stun:stun.example.net' },
    { urls: 'turn:turn.example.net?transport=udp', username: 'u', credential: 'p,w' }];
  assert.deepEqual(lastPc().config.iceServers, servers);
  lastPc().state('failed');
  created();
  mock.timers.tick(1000);
  await settle();
  assert.deepEqual(lastPc().config.iceServers, servers);
});

test('sdpFragment: candidates grouped under their m= line; a bare end-of-candidates names the first section', () => {
  const fragment = sdpFragment(OFFER, [{ candidate: 'candidate:9 1 udp 1 192.0.2.9 9 typ host', sdpMLineIndex: 1 }]);
  assert.equal(fragment, ['a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijkl', 'm=audio 9 UDP/TLS/RTP/SAVPF 111',
    'a=mid:1', 'a=candidate:9 1 udp 1 192.0.2.9 9 typ host', ''].join('\r\n'));
  assert.equal(sdpFragment(OFFER, [null]), ['a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijkl',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=mid:0', 'a=end-of-candidates', ''].join('\r\n'));
  assert.equal(sdpFragment('v=0\r\n', [null]), null, 'no ICE credentials: nothing to send');
});

test('retryAfterMillis: delay-seconds, HTTP dates, capped at an hour, garbage is 0', () => {
  assert.equal(retryAfterMillis('5'), 5000);
  assert.equal(retryAfterMillis(' 0 '), 0);
  assert.equal(retryAfterMillis('999999'), 3_600_000);
  assert.equal(retryAfterMillis(null), 0);
  assert.equal(retryAfterMillis('soon'), 0);
  assert.equal(retryAfterMillis('-5'), 0);
  const inTen = new Date(Date.now() + 10_000).toUTCString();
  const millis = retryAfterMillis(inTen);
  assert.ok(millis > 8_000 && millis <= 10_000, `${inTen} -> ${millis}`);
  assert.equal(retryAfterMillis(new Date(Date.now() - 60_000).toUTCString()), 0);
});

test('parseIceServers: only rel="ice-server" links; quoted commas and escapes survive', () => {
  assert.deepEqual(parseIceServers(null), []);
  assert.deepEqual(parseIceServers('</whep/demo/sessions/s1/layer>; rel="urn:ietf:params:whep:ext:core:layer"'), []);
  assert.deepEqual(parseIceServers('<turns:t.example:443?transport=tcp>; rel="ice-server"; username="a\\"b"; '
    + 'credential=plain'), [{ urls: 'turns:t.example:443?transport=tcp', username: 'a"b', credential: 'plain' }]);
  assert.deepEqual(parseIceServers('<stun:a.example>; rel="ice-server", <stun:b.example,x>; rel="ice-server"'),
    [{ urls: 'stun:a.example' }, { urls: 'stun:b.example,x' }]);
  assert.deepEqual(parseIceServers('garbage, <stun:c.example>; rel=ice-server'), [{ urls: 'stun:c.example' }]);
});
