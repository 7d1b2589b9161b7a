// <sightline-player stream="demo" token="..." muted="1" autoplay="1" controls="0" stats="0" login="1" server="https://host/">
// The Sightline player as a custom element for other pages. Load it as a module from the Sightline server:
//   <script type="module" src="https://host/player/sightline-player.js"></script>
// It plays from the server it was loaded from unless `server` names another. Changing an attribute restarts it.
// element.stats() returns the same figures as the /play page's window.sightlinePlayer.stats(); element.state is the
// player's state; a 'sl-timecode' event bubbles out for every picture carrying the test pattern's timecode.

import { createPlayer } from '../js/player.js';

const STYLES = new URL('../css/player.css', import.meta.url);
const ATTRIBUTES = ['stream', 'token', 'muted', 'autoplay', 'controls', 'stats', 'login', 'server'];

/** "" (present), "1", "true" are true; "0", "false" false; absent is the default. */
function flag(element, name, fallback) {
  const value = element.getAttribute(name);
  return value === null ? fallback : !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

export class SightlinePlayerElement extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #player = null;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLES.href;
    shadow.appendChild(link);
  }

  connectedCallback() {
    this.#restart();
  }

  disconnectedCallback() {
    this.#player?.stop();
    this.#player?.element.remove();
    this.#player = null;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    if (this.#player && oldValue !== newValue) this.#restart();
  }

  /** The latest figures ({ state, framesDecoded, latencyMs, ... }), or null before it started. */
  stats() {
    return this.#player ? this.#player.stats() : null;
  }

  get state() {
    return this.#player ? this.#player.state : 'stopped';
  }

  #restart() {
    this.disconnectedCallback();
    const stream = this.getAttribute('stream');
    if (!stream || !this.isConnected) return;
    this.#player = createPlayer(this.shadowRoot, {
      stream,
      token: this.getAttribute('token') || undefined,
      server: this.getAttribute('server') || undefined,
      autoplay: flag(this, 'autoplay', true),
      muted: flag(this, 'muted', true),
      controls: flag(this, 'controls', false),
      stats: flag(this, 'stats', false),
      login: flag(this, 'login', true),
    });
  }
}

if (!customElements.get('sightline-player')) {
  customElements.define('sightline-player', SightlinePlayerElement);
}
