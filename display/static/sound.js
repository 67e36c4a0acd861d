// The display's loudspeaker: plays a call's sound files back to back with no gaps
// (Web Audio: each file is decoded, then scheduled to start exactly when the
// previous one ends) and tells whether the browser lets it play at all.
// Exposes one global, `DisplaySound`.
(function () {
  "use strict";

  const CACHE_SIZE = 48; // decoded files kept (chime, voice-pack words); least recently used go first
  const LEAD_SECONDS = 0.06; // start a little ahead so the first file is not cut
  const ENDED_GRACE_MS = 1500; // if "ended" never fires (context stopped), give up this long after

  class Speaker {
    constructor() {
      const Context = window.AudioContext || window.webkitAudioContext;
      this.ctx = Context ? new Context() : null;
      this.buffers = new Map(); // url -> Promise<AudioBuffer>, oldest use first
      this.listener = null;
      if (this.ctx) {
        this.ctx.addEventListener("statechange", () => this.listener && this.listener(this.ready()));
      }
    }

    // True when sound can be heard now; false while the browser waits for a touch.
    ready() {
      return this.ctx !== null && this.ctx.state === "running";
    }

    // `fn(ready)` is called whenever that changes (one listener: the page).
    onChange(fn) {
      this.listener = fn;
    }

    // Call inside a touch/click/key handler: browsers only allow sound to start there.
    unlock() {
      if (!this.ctx) return Promise.resolve(false);
      // A one-sample silent buffer started inside the gesture also unlocks older WebKit.
      const source = this.ctx.createBufferSource();
      source.buffer = this.ctx.createBuffer(1, 1, this.ctx.sampleRate);
      source.connect(this.ctx.destination);
      source.start(0);
      return this.ctx.resume().then(() => this.ready(), () => false);
    }

    load(url) {
      let entry = this.buffers.get(url);
      if (entry) {
        this.buffers.delete(url); // move to the end: most recently used
        this.buffers.set(url, entry);
        return entry;
      }
      entry = fetch(url, { credentials: "same-origin" })
        .then((response) => {
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((data) => new Promise((resolve, reject) => this.ctx.decodeAudioData(data, resolve, reject)));
      entry.catch(() => this.buffers.delete(url)); // a failed file is fetched again next time
      this.buffers.set(url, entry);
      while (this.buffers.size > CACHE_SIZE) this.buffers.delete(this.buffers.keys().next().value);
      return entry;
    }

    // Play `urls` in order with no gap between them. Files are fetched one after the
    // other (the next one while the previous plays), so they are requested in order.
    // Resolves with the URLs that played, once the last one has ended.
    async play(urls) {
      const played = [];
      let at = this.ctx.currentTime + LEAD_SECONDS;
      let last = null;
      for (const url of urls) {
        let buffer;
        try {
          buffer = await this.load(url);
        } catch (err) {
          console.warn("display: cannot play", url, err); // skip a broken file, say the rest
          continue;
        }
        const source = this.ctx.createBufferSource();
        source.buffer = buffer;
        source.connect(this.ctx.destination);
        at = Math.max(at, this.ctx.currentTime + 0.01); // a late file starts now, not in the past
        source.start(at);
        at += buffer.duration;
        last = source;
        played.push(url);
      }
      if (last) await this.ended(last, at);
      return played;
    }

    ended(source, endsAt) {
      return new Promise((resolve) => {
        const waitMs = Math.max(0, endsAt - this.ctx.currentTime) * 1000 + ENDED_GRACE_MS;
        const guard = setTimeout(resolve, waitMs);
        source.onended = () => {
          clearTimeout(guard);
          source.onended = null;
          resolve();
        };
      });
    }
  }

  window.DisplaySound = { Speaker };
})();
