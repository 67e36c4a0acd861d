// The announcement queue: one call at a time, never spoken over each other, and
// never twice. Which calls this display speaks is the server's decision, carried by each
// call (announcement.speak: the displays of its zone; announcement.unspoken: those of its
// zone that will not speak it, the backlog rule of server/core/announcements.py); this
// queue only runs it. A call of another zone is shown, not spoken; a call marked unspoken
// is shown with a "not announced" mark. Nothing is dropped without a trace: should the
// queue ever hold MAX_PENDING calls (a site that speaks everything, far behind), the
// oldest waiting call is marked too. Exposes one global, `DisplayAnnouncer`.
(function () {
  "use strict";

  const MEMORY_SIZE = 200; // call ids remembered besides the floor; older ones fold into it
  const MAX_PENDING = 200; // a memory bound, never reached by the backlog rule: beyond it the oldest waiting call is marked
  const MIN_SHOW_MS = 3500; // a call not spoken in full (chime-only, silent, muted) holds the big panel this long
  const PAUSE_MS = 700; // a breath between two announcements
  const LOG_SIZE = 50;

  // Which calls were already announced, kept in memory and in sessionStorage so a
  // reload of the page does not say them again. Call ids rise with every call of
  // the server's database: every id <= `floor` counts as done, plus the set `ids`.
  class CallMemory {
    constructor(key) {
      this.key = key;
      this.floor = 0;
      this.ids = new Set();
      this.known = false; // whether this tab had already shown this display
      try {
        const saved = JSON.parse(window.sessionStorage.getItem(key) || "null");
        if (saved && Number.isFinite(saved.floor) && Array.isArray(saved.ids)) {
          this.floor = saved.floor;
          this.ids = new Set(saved.ids.filter(Number.isFinite).slice(-MEMORY_SIZE));
          this.known = true;
        }
      } catch (err) {
        this.known = false; // storage off or garbled: start afresh
      }
    }

    max() {
      let max = this.floor;
      for (const id of this.ids) if (id > max) max = id;
      return max;
    }

    has(id) {
      return id <= this.floor || this.ids.has(id);
    }

    add(id) {
      this.ids.add(id);
      while (this.ids.size > MEMORY_SIZE) {
        const oldest = this.ids.values().next().value;
        this.ids.delete(oldest);
        this.floor = Math.max(this.floor, oldest);
      }
      this.save();
    }

    // Everything up to `floor` is done (a first load, or a fresh snapshot).
    raiseFloor(floor) {
      this.floor = Math.max(this.floor, floor);
      for (const id of this.ids) if (id <= this.floor) this.ids.delete(id);
      this.known = true;
      this.save();
    }

    // The server's database started again (its last call id went down): forget.
    reset(floor) {
      this.floor = floor;
      this.ids.clear();
      this.known = true;
      this.save();
    }

    save() {
      try {
        window.sessionStorage.setItem(this.key, JSON.stringify({ floor: this.floor, ids: [...this.ids] }));
      } catch (err) {
        // storage full or off: memory still works for this page's life
      }
    }
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // What this display does with a call: "speak" it, "mark" it (its zone will not speak
  // it), or "show" it (another display's zone speaks it). A call from a server that does
  // not say is spoken.
  function role(call, displayId) {
    const said = call.announcement || {};
    if (!Array.isArray(said.speak)) return "speak";
    if (said.speak.includes(displayId)) return "speak";
    if (Array.isArray(said.unspoken) && said.unspoken.includes(displayId)) return "mark";
    return "show";
  }

  // Plays queued calls one after the other. `mode`: "voice" plays every file of
  // announcement.audio, "chime" only the first (the chime), "silent" nothing.
  // `onStart(call)` / `onEnd(call)` / `onIdle()` drive the screen; `onShow(call)` shows a
  // call this display does not speak, `onMark(call)` one it will not speak although it is
  // of its zone (call.notAnnounced is then true).
  class Announcer {
    constructor({ speaker, mode, memory, displayId, onStart, onEnd, onIdle, onShow = () => {}, onMark = () => {},
      minShowMs = MIN_SHOW_MS, pauseMs = PAUSE_MS }) {
      this.speaker = speaker;
      this.displayId = displayId;
      this.onShow = onShow;
      this.onMark = onMark;
      this.marks = []; // the last LOG_SIZE calls marked not announced (window.__unannounced)
      this.mode = mode;
      this.memory = memory;
      this.onStart = onStart;
      this.onEnd = onEnd;
      this.onIdle = onIdle;
      this.minShowMs = minShowMs;
      this.pauseMs = pauseMs;
      this.queue = [];
      this.running = false;
      this.log = []; // the last LOG_SIZE announcements, for people and tests (window.__announcements)
    }

    // Queue a call unless it was already handled (spoken, shown or marked); true if queued.
    enqueue(call) {
      if (!call || !Number.isFinite(call.call_id) || this.memory.has(call.call_id)) return false;
      this.memory.add(call.call_id);
      const what = role(call, this.displayId);
      if (what === "show") {
        this.tell(this.onShow, call);
        return false;
      }
      if (what === "mark") {
        this.mark(call);
        return false;
      }
      this.queue.push(call);
      if (this.queue.length > MAX_PENDING) this.mark(this.queue.shift());
      this.run();
      return true;
    }

    mark(call) {
      call.notAnnounced = true;
      this.marks.push({ call_id: call.call_id, number: call.number, counter_id: call.counter_id, at: performance.now() });
      if (this.marks.length > LOG_SIZE) this.marks.shift();
      this.tell(this.onMark, call);
    }

    tell(fn, call) {
      try {
        fn(call);
      } catch (err) {
        console.error("display: cannot show call", err);
      }
    }

    pending() {
      return this.queue.slice();
    }

    busy() {
      return this.running;
    }

    async run() {
      if (this.running) return;
      this.running = true;
      try {
        while (this.queue.length) {
          try {
            await this.announce(this.queue.shift());
          } catch (err) {
            console.error("display: announcement failed", err); // the next call still gets its turn
          }
          if (this.queue.length) await sleep(this.pauseMs);
        }
      } finally {
        this.running = false;
      }
      this.onIdle();
    }

    files(call) {
      const audio = (call.announcement && call.announcement.audio) || [];
      if (this.mode === "voice") return audio.slice();
      if (this.mode === "chime") return audio.slice(0, 1);
      return [];
    }

    async announce(call) {
      const entry = {
        call_id: call.call_id,
        number: call.number,
        counter_id: call.counter_id,
        recall: Boolean(call.recall),
        mode: this.mode,
        urls: this.files(call),
        played: [],
        muted: false,
        started: performance.now(),
        ended: null,
      };
      this.log.push(entry);
      if (this.log.length > LOG_SIZE) this.log.shift();
      try {
        this.onStart(call);
      } catch (err) {
        console.error("display: cannot show call", err);
      }
      if (entry.urls.length && this.speaker.ready()) {
        entry.played = await this.speaker.play(entry.urls);
      } else if (entry.urls.length) {
        entry.muted = true; // the browser blocks sound until someone taps: show it silently
      }
      // A call spoken in full has held the panel as long as it was said; a silent or
      // chime-only one is held a while, so it can be read.
      const spokenInFull = this.mode === "voice" && entry.played.length > 1;
      const shown = performance.now() - entry.started;
      if (!spokenInFull && shown < this.minShowMs) await sleep(this.minShowMs - shown);
      entry.ended = performance.now();
      this.onEnd(call);
    }
  }

  window.DisplayAnnouncer = { Announcer, CallMemory, role };
})();
