// The hall display: its boot data (names, running text, sound mode, media list) and the
// live line: the `display.state` snapshot on every (re)connect and `config.updated`, then
// `ticket.called`, `counter.updated` and `queue.updated` in between, and the connection banner.
(function () {
  "use strict";

  const D = window.DisplayPage;
  const { view, $, tr, displayId } = D;

  // --- boot data (names, running text, media) ----------------------------------------------

  const media = new DisplayMedia.MediaLoop($("media"), $("media-image"), $("media-video"), (shown) => {
    $("screen").classList.toggle("has-media", shown);
    D.scheduleLayout();
  });

  D.applyBoot = function applyBoot(boot) {
    view.boot = boot;
    $("site-name").textContent = boot.site.name;
    $("display-name").textContent = boot.display.name;
    document.body.dataset.sound = boot.display.sound;
    D.announcer.mode = boot.display.sound;
    D.setTicker(D.lang === "en" ? boot.site.running_text_en : boot.site.running_text);
    for (const chip of view.chips.values()) chip.root.remove(); // service names may have changed
    view.chips.clear();
    D.renderWaiting();
    D.renderCounters(view.counters); // floors, prefixes (the grid's measure) may have changed
    D.showHero(view.hero);
    D.renderRecent();
    media.setItems(boot.media);
    D.updateSoundPrompt();
    D.tick();
  };

  function refreshBoot() {
    Antrean.api(`/display/${encodeURIComponent(displayId)}/boot.json`)
      .then(D.applyBoot)
      .catch((err) => console.warn("display: boot data", err));
  }

  // --- live events -----------------------------------------------------------------------

  function onState(state) {
    if (!state || state.display_id !== displayId) return;
    const { memory, announcer } = D;
    const last = Number(state.last_call_id) || 0;
    if (memory.known) {
      if (last < memory.max()) memory.reset(last); // a new database: call ids started again
      const newest = memory.max();
      (state.calling || [])
        .filter((call) => call.call_id > newest)
        .sort((a, b) => a.call_id - b.call_id)
        .forEach((call) => announcer.enqueue(call));
    }
    memory.raiseFloor(last); // on a first load: show old calls, never announce them
    D.renderCounters(state.counters || []);
    view.waiting = new Map(Object.entries(state.waiting || {}));
    D.renderWaiting();
    const queued = new Set(announcer.pending().map((call) => call.call_id));
    view.recent = D.uniqueTickets((state.recent || []).filter((call) => !queued.has(call.call_id))).slice(
      0, D.RECENT_SIZE,
    );
    // The big panel shows the latest call that was spoken; calls marked not announced stay in the list, marked.
    if (!announcer.busy()) D.showHero(view.recent.find((call) => !D.notAnnounced(call)) || view.recent[0]);
    D.renderRecent();
  }

  function onCalled(call) {
    if (!call || !view.tiles.has(call.counter_id)) return;
    D.setTile(call.counter_id, call.number);
    D.announcer.enqueue(call);
  }

  function onCounter(counter) {
    if (!counter) return;
    D.setTile(counter.id, counter.current ? counter.current.number : null, counter.state, Boolean(counter.closed));
  }

  function onQueue(update) {
    if (!update || !view.waiting.has(update.service_id)) return;
    view.waiting.set(update.service_id, update.waiting);
    D.renderWaiting();
  }

  function onStatus(connected) {
    const banner = $("connection");
    banner.textContent = tr("offline");
    banner.hidden = connected;
  }

  function onServerError(error) {
    if (error && error.code === "unknown_display") {
      $("connection").textContent = tr("unknown_display");
      $("connection").hidden = false;
    }
  }

  let socket = null;
  // A fresh snapshot, fresh boot data (new media files, a changed running text) and the clock;
  // a reconnect does the same by itself.
  D.resync = function resync() {
    if (socket) socket.resync();
  };

  D.connect = function connect() {
    socket = Antrean.live(
      [{ display_id: displayId }],
      {
        "display.state": onState,
        "ticket.called": onCalled,
        "counter.updated": onCounter,
        "queue.updated": onQueue,
        // An admin changed the configuration (running text, names, counters, services): read
        // the boot data and the snapshot again at once, as after a reconnect.
        "config.updated": D.resync,
        error: onServerError,
      },
      { onStatus, resync: refreshBoot },
    );
  };
})();
