// WHEP client (draft-ietf-wish-whep): one receive-only RTCPeerConnection per attempt, trickle ICE by PATCH,
// DELETE on stop, and reconnection with exponential backoff when the connection fails or the server says
// "not now" (409/503 with Retry-After). Credentials go only into the Authorization header of WHEP requests.

/** What the viewer sees; `detail` in the statechange event says more. */
export const State = Object.freeze({
  CONNECTING: 'connecting',
  LIVE: 'live',
  RECONNECTING: 'reconnecting',
  OFFLINE: 'offline',
  UNAUTHORIZED: 'unauthorized',
  NOT_FOUND: 'not-found',
  ERROR: 'error',
  STOPPED: 'stopped',
});

/** States after which the client gives up: retrying cannot change the server's answer. */
const FINAL = new Set([State.UNAUTHORIZED, State.NOT_FOUND, State.ERROR, State.STOPPED]);

const BACKOFF_MIN_MS = 1000;
const BACKOFF_MAX_MS = 30000;
/** ICE that has not connected by then will not: try again rather than wait for Chromium's ~30 s. */
const CONNECT_TIMEOUT_MS = 15000;
/** Attempts (backoff 1, 2, 4, 8, 16, 30 s) during which a stream that played and then went away is awaited. */
const GONE_RETRIES = 6;
/** Candidates gathered within this window go out in one PATCH. */
const TRICKLE_BATCH_MS = 50;
/** A stream stopped by an operator (WHEP 423) is asked again at most this often. */
const STOPPED_POLL_MS = 5000;

export class WhepClient extends EventTarget {
  #url;
  #token;
  #state = State.STOPPED;
  #pc = null;
  #session = null; // { url, etag, trickle: bool }
  #pending = [];   // RTCIceCandidate | null (end of candidates), waiting for the session or the batch timer
  #trickleTimer = 0;
  #retryTimer = 0;
  #connectTimer = 0;
  #failures = 0;
  #attempt = 0;
  #iceServers = [];
  #stream = null;
  #tokenOptional = false; // a remembered token: if refused, try once without it (the stream may be public)
  #wasLive = false; // a 401/404 after the stream played in this page means it is being redefined: keep trying

  /**
   * @param {string|URL} url the WHEP endpoint, e.g. https://host/whep/demo
   * @param {{token?: string, tokenOptional?: boolean}} options token: sent as "Authorization: Bearer <token>";
   *   tokenOptional: the token was remembered rather than given for this stream, so a refusal retries without it
   */
  constructor(url, options = {}) {
    super();
    this.#url = new URL(url, document.baseURI);
    this.#token = options.token || null;
    this.#tokenOptional = Boolean(options.tokenOptional);
  }

  get state() { return this.#state; }
  /** The current attempt's peer connection (for getStats), or null. */
  get peerConnection() { return this.#pc; }
  /** The received media, once a track arrived. */
  get mediaStream() { return this.#stream; }

  start() {
    if (this.#state !== State.STOPPED) return;
    clearTimeout(this.#retryTimer); // stopped by the server and waiting to ask again: ask now
    this.#failures = 0;
    this.#connect(State.CONNECTING);
  }

  /** The credential sent as "Authorization: Bearer"; a refused client tries again at once with the new one. */
  set token(token) {
    this.#token = token || null;
    this.#tokenOptional = false;
    if (this.#state === State.UNAUTHORIZED) {
      this.#failures = 0;
      this.#connect(State.CONNECTING);
    }
  }

  get token() { return this.#token; }

  /**
   * Ends the current session and starts a new one after the usual backoff: for a caller that sees what ICE cannot,
   * e.g. a connection that stays up while no picture arrives (the server restarted the stream's source).
   */
  reconnect(reason) {
    if (FINAL.has(this.#state) || this.#state === State.STOPPED) return;
    this.#retry(State.RECONNECTING, reason);
  }

  /**
   * The server's figures for the current session (GET on the session URL: its bandwidth estimate for this viewer,
   * { bandwidthEstimateBps, bandwidthEstimateSource, rttMs, ... }), or null without a session or when the server
   * does not answer them (an older server answers 405).
   */
  async serverStats() {
    const session = this.#session;
    if (!session) return null;
    try {
      const response = await fetch(session.url, { headers: this.#headers({}), cache: 'no-store' });
      return response.status === 200 ? await response.json() : null;
    } catch {
      return null;
    }
  }

  /** Ends the session (DELETE, also from pagehide thanks to keepalive) and stops reconnecting. */
  stop() {
    this.#attempt++;
    clearTimeout(this.#retryTimer);
    this.#teardown();
    this.#setState(State.STOPPED, '');
  }

  // ---- one attempt -----------------------------------------------------------------------------------------

  async #connect(state) {
    const attempt = ++this.#attempt;
    const current = () => attempt === this.#attempt;
    this.#setState(state, '');
    try {
      await this.#negotiate(current);
    } catch (error) {
      if (current()) this.#retry(State.RECONNECTING, String(error && error.message ? error.message : error));
    }
  }

  async #negotiate(current) {
    const pc = new RTCPeerConnection({ iceServers: this.#iceServers, bundlePolicy: 'max-bundle' });
    this.#pc = pc;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = (event) => {
      if (!current()) return;
      if (!this.#stream) this.#stream = new MediaStream();
      for (const old of this.#stream.getTracks().filter((t) => t.kind === event.track.kind)) {
        this.#stream.removeTrack(old);
      }
      this.#stream.addTrack(event.track);
      this.dispatchEvent(new CustomEvent('track', { detail: { stream: this.#stream, track: event.track } }));
    };
    pc.onicecandidate = (event) => {
      if (current()) this.#queueCandidate(event.candidate);
    };
    pc.onconnectionstatechange = () => {
      if (current()) this.#onConnectionState(pc.connectionState);
    };
    await pc.setLocalDescription(await pc.createOffer());
    const response = await fetch(this.#url, {
      method: 'POST',
      headers: this.#headers({ 'Content-Type': 'application/sdp' }),
      body: pc.localDescription.sdp,
    });
    // A node of a cluster may have redirected the offer (307) to another node: the session lives where the answer
    // came from, so its relative Location resolves against the final URL.
    const answeredBy = response.url || this.#url;
    if (!current()) {
      if (response.status === 201) this.#deleteSession(new URL(response.headers.get('Location'), answeredBy));
      return;
    }
    if (response.status !== 201) {
      await this.#refused(response);
      return;
    }
    const location = response.headers.get('Location');
    if (!location) throw new Error('201 without Location');
    this.#session = { url: new URL(location, answeredBy), etag: response.headers.get('ETag'), trickle: true };
    this.#useIceServers(parseIceServers(response.headers.get('Link')));
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
    if (!current()) return;
    this.#connectTimer = setTimeout(() => {
      if (current() && pc.connectionState !== 'connected') this.#retry(State.RECONNECTING, 'ICE did not connect');
    }, CONNECT_TIMEOUT_MS);
    this.#flushCandidates();
  }

  #onConnectionState(connectionState) {
    if (connectionState === 'connected') {
      clearTimeout(this.#connectTimer);
      this.#failures = 0;
      this.#wasLive = true;
      this.#setState(State.LIVE, '');
    } else if (connectionState === 'failed') {
      // 'disconnected' is often transient (a lost packet burst, a Wi-Fi hand-over) and ICE recovers by itself.
      this.#retry(State.RECONNECTING, 'connection failed');
    } else if (connectionState === 'disconnected') {
      this.dispatchEvent(new CustomEvent('interrupted'));
    }
  }

  async #refused(response) {
    const reason = (await response.text().catch(() => '')).trim();
    const status = response.status;
    if ((status === 401 || status === 404) && this.#wasLive && this.#failures < GONE_RETRIES) {
      // The stream played in this page: it is being removed and defined again (a configuration change). To a
      // caller without a token an unknown stream answers 401 like a forbidden one, so both mean "wait" here, for
      // a while; if the answer stays, it is final.
      this.#retry(State.OFFLINE, 'the stream went away', retryAfterMillis(response.headers.get('Retry-After')));
    } else if ((status === 401 || status === 403) && this.#token && this.#tokenOptional) {
      this.#token = null;
      this.#tokenOptional = false;
      this.#teardown();
      this.#connect(State.CONNECTING);
    } else if (status === 401 || status === 403) {
      this.#teardown();
      // 401: no or a bad credential; 403: a good one that does not cover this stream. Both need another token.
      this.#setState(State.UNAUTHORIZED, status === 401 ? (this.#token ? 'token rejected' : 'token required')
        : 'this token does not cover the stream', 0, status);
    } else if (status === 404) {
      this.#teardown();
      this.#setState(State.NOT_FOUND, reason);
    } else if (status === 423) {
      // An operator stopped the stream: say so, and look again now and then so "start" brings the picture back.
      this.#retry(State.STOPPED, reason || 'stopped by an operator',
        Math.max(STOPPED_POLL_MS, retryAfterMillis(response.headers.get('Retry-After'))));
    } else if (status === 409 || status === 429 || status === 503) {
      this.#retry(State.OFFLINE, reason, retryAfterMillis(response.headers.get('Retry-After')));
    } else if (status >= 500) {
      this.#retry(State.RECONNECTING, `${status} ${reason}`);
    } else {
      // 400, 406, 415...: the same offer would be refused again.
      this.#teardown();
      this.#setState(State.ERROR, `${status} ${reason}`);
    }
  }

  #retry(state, detail, notBeforeMs = 0) {
    this.#attempt++;
    this.#teardown();
    const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.#failures);
    this.#failures++;
    // Jitter spreads a crowd of viewers that lost the server at the same moment; Retry-After is a floor.
    const delay = Math.max(Math.round(backoff * (0.8 + 0.4 * Math.random())), notBeforeMs);
    this.#setState(state, detail, delay);
    clearTimeout(this.#retryTimer);
    this.#retryTimer = setTimeout(() => this.#connect(state === State.OFFLINE || state === State.STOPPED ? state
      : State.RECONNECTING), delay);
  }

  #teardown() {
    clearTimeout(this.#trickleTimer);
    clearTimeout(this.#connectTimer);
    this.#pending = [];
    if (this.#session) {
      this.#deleteSession(this.#session.url);
      this.#session = null;
    }
    if (this.#pc) {
      this.#pc.ontrack = this.#pc.onicecandidate = this.#pc.onconnectionstatechange = null;
      this.#pc.close();
      this.#pc = null;
    }
  }

  #deleteSession(url) {
    // keepalive lets the request outlive the page when called from pagehide.
    fetch(url, { method: 'DELETE', headers: this.#headers({}), keepalive: true }).catch(() => {});
  }

  #setState(state, detail, retryInMs = 0, status = 0) {
    const changed = state !== this.#state;
    this.#state = state;
    this.dispatchEvent(new CustomEvent('statechange', { detail: { state, detail, retryInMs, changed, status } }));
  }

  #headers(extra) {
    return this.#token ? { ...extra, Authorization: `Bearer ${this.#token}` } : extra;
  }

  #useIceServers(servers) {
    if (servers.length === 0) return;
    this.#iceServers = servers; // for the next attempts; this one already gathers with what it had
    try {
      this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: servers });
    } catch {
      // Some browsers refuse a change mid-gathering; the next attempt uses them.
    }
  }

  // ---- trickle ICE -----------------------------------------------------------------------------------------

  #queueCandidate(candidate) {
    if (candidate && !candidate.candidate) candidate = null; // Chromium's empty end-of-generation candidate
    this.#pending.push(candidate);
    if (this.#session && !this.#trickleTimer) {
      this.#trickleTimer = setTimeout(() => this.#flushCandidates(), TRICKLE_BATCH_MS);
    }
  }

  async #flushCandidates() {
    clearTimeout(this.#trickleTimer);
    this.#trickleTimer = 0;
    const session = this.#session;
    if (!session || !session.trickle || this.#pending.length === 0 || !this.#pc) return;
    const batch = this.#pending;
    this.#pending = [];
    const fragment = sdpFragment(this.#pc.localDescription.sdp, batch);
    if (!fragment) return;
    try {
      const response = await fetch(session.url, {
        method: 'PATCH',
        headers: this.#headers({ 'Content-Type': 'application/trickle-ice-sdpfrag', 'If-Match': session.etag || '*' }),
        body: fragment,
      });
      if (response.status === 405 || response.status === 501 || response.status === 422) {
        session.trickle = false; // the server does not take trickled candidates: it learns them from ICE checks
      }
    } catch {
      // Lost candidates only matter if no other path works; ICE failure then triggers a reconnect.
    }
  }
}

/**
 * An application/trickle-ice-sdpfrag body (RFC 8840) for a batch of candidates (null = end of candidates), grouped
 * under the m= line of their media section in the local description.
 */
export function sdpFragment(localSdp, candidates) {
  const lines = localSdp.split(/\r?\n/);
  const ufrag = lines.find((l) => l.startsWith('a=ice-ufrag:'));
  const pwd = lines.find((l) => l.startsWith('a=ice-pwd:'));
  const sections = mediaSections(lines);
  if (!ufrag || !pwd || sections.length === 0) return null;
  const byMid = new Map();
  const end = candidates.includes(null);
  for (const c of candidates) {
    if (!c) continue;
    const mid = c.sdpMid ?? sections[c.sdpMLineIndex ?? 0]?.mid ?? sections[0].mid;
    if (!byMid.has(mid)) byMid.set(mid, []);
    byMid.get(mid).push(`a=${c.candidate}`);
  }
  // With BUNDLE every candidate belongs to the first section; name it even for a bare end-of-candidates.
  if (byMid.size === 0) byMid.set(sections[0].mid, []);
  const out = [ufrag, pwd];
  for (const [mid, lines_] of byMid) {
    const section = sections.find((s) => s.mid === mid) || sections[0];
    out.push(section.mline, `a=mid:${section.mid}`, ...lines_);
    if (end) out.push('a=end-of-candidates');
  }
  return out.join('\r\n') + '\r\n';
}

function mediaSections(lines) {
  const sections = [];
  for (const line of lines) {
    if (line.startsWith('m=')) sections.push({ mline: line, mid: String(sections.length) });
    else if (line.startsWith('a=mid:') && sections.length) sections[sections.length - 1].mid = line.slice(6);
  }
  return sections;
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from now (0 when absent or unreadable). */
export function retryAfterMillis(header) {
  if (!header) return 0;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 3600) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.min(at - Date.now(), 3600 * 1000));
}

/**
 * The ICE servers of a WHEP 201's Link header(s) (fetch joins several with ", "):
 * <turn:turn.example.net?transport=udp>; rel="ice-server"; username="u"; credential="c"; credential-type="password"
 */
export function parseIceServers(header) {
  if (!header) return [];
  const servers = [];
  for (const link of splitLinks(header)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(link);
    if (!match) continue;
    const params = {};
    for (const part of match[2].split(';')) {
      const kv = /^\s*([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))\s*$/.exec(part);
      if (kv) params[kv[1].toLowerCase()] = kv[2] !== undefined ? kv[2].replace(/\\(.)/g, '$1') : kv[3];
    }
    if ((params.rel || '').split(/\s+/).includes('ice-server')) {
      const server = { urls: match[1] };
      if (params.username !== undefined) server.username = params.username;
      if (params.credential !== undefined) server.credential = params.credential;
      servers.push(server);
    }
  }
  return servers;
}

/** Splits a Link header at the commas between links, not those inside <...> or quotes. */
function splitLinks(header) {
  const links = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '<') depth++;
    else if (ch === '>') depth = Math.max(0, depth - 1);
    else if (ch === ',' && depth === 0) {
      links.push(header.slice(start, i));
      start = i + 1;
    }
  }
  links.push(header.slice(start));
  return links.filter((l) => l.trim());
}
