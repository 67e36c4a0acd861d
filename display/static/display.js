// The hall display page: the call being announced, the latest calls, every counter
// with its number, waiting counts, date and clock, running text and a media loop.
// The `display.state` snapshot is the truth and rebuilds everything; live events
// update it in between. Uses Antrean (common), DisplaySound, DisplayAnnouncer,
// DisplayMedia.
(function () {
  "use strict";

  const RECENT_SIZE = 10; // calls kept for the "previous calls" list
  const RECENT_SHOWN = 6;
  const HIGHLIGHT_MS = 8000; // the big panel stays highlighted this long after the last call
  const FRESH_MS = 60000; // a counter that just called stays marked this long
  const RESYNC_MS = 10 * 60 * 1000; // ask for a fresh snapshot this often, in case an event was lost
  const WAITING_PAGE_SECONDS = 8;
  const PROMPT_DELAY_MS = 600; // a browser that allows sound may start "suspended" for a moment

  const STRINGS = {
    id: {
      ticket_number: "Nomor Antrean",
      go_to: "Silakan menuju",
      recall: "Panggilan ulang",
      welcome: "Selamat datang",
      welcome_text: "Ambil nomor antrean di kios, lalu tunggu panggilan di layar ini.",
      recent: "Panggilan sebelumnya",
      no_calls: "Belum ada panggilan hari ini.",
      counters: "Loket dan nomor yang sedang dilayani",
      waiting: "Menunggu",
      waiting_total: "{n} orang",
      nobody_waiting: "Tidak ada antrean yang menunggu.",
      paused: "Istirahat",
      offline: "Koneksi ke server terputus. Menyambung kembali…",
      unknown_display: "Layar ini tidak ada lagi di konfigurasi server.",
      sound_prompt: "Ketuk untuk mengaktifkan suara",
    },
    en: {
      ticket_number: "Ticket Number",
      go_to: "Please proceed to",
      recall: "Called again",
      welcome: "Welcome",
      welcome_text: "Take a queue number at a kiosk, then wait for your call on this screen.",
      recent: "Previous calls",
      no_calls: "No calls yet today.",
      counters: "Counters and the numbers being served",
      waiting: "Waiting",
      waiting_total: "{n} people",
      nobody_waiting: "Nobody is waiting.",
      paused: "On break",
      offline: "Lost connection to the server. Reconnecting…",
      unknown_display: "This display is no longer in the server's configuration.",
      sound_prompt: "Tap to enable sound",
    },
  };

  const $ = Antrean.$;
  const lang = document.body.dataset.lang === "en" ? "en" : "id";
  const otherLang = lang === "en" ? "id" : "en";
  const tr = (key, values) => Antrean.t(STRINGS, lang, key, values);

  const view = {
    boot: Antrean.boot,
    formats: null,
    day: "",
    tiles: new Map(), // counter id -> {root, name, number, note, called}
    chips: new Map(), // service id -> {root, count}
    waiting: new Map(), // service id -> waiting count
    recent: [], // calls, newest first, one per ticket
    hero: null, // the call in the big panel
    highlightTimer: null,
    callingTile: null,
    waitingPage: 0,
    layoutFrame: 0,
  };
  const displayId = view.boot.display.id;

  // --- sound and the announcement queue ------------------------------------------------

  const speaker = new DisplaySound.Speaker();
  const memory = new DisplayAnnouncer.CallMemory(`antrean.display.${displayId}.calls`);
  const announcer = new DisplayAnnouncer.Announcer({
    speaker,
    mode: view.boot.display.sound,
    memory,
    onStart: startHighlight,
    onEnd: () => {},
    onIdle: endHighlightLater,
  });
  window.__announcements = announcer.log; // bounded; read by people debugging a TV, and by tests

  function updateSoundPrompt() {
    const needed = announcer.mode !== "silent" && speaker.ctx !== null && !speaker.ready();
    $("sound-prompt").hidden = !needed;
  }

  function watchSound() {
    speaker.onChange(updateSoundPrompt);
    setTimeout(updateSoundPrompt, PROMPT_DELAY_MS);
    const unlock = () => {
      if (!speaker.ready()) speaker.unlock().then(updateSoundPrompt);
    };
    for (const type of ["pointerdown", "touchend", "keydown", "click"]) {
      document.addEventListener(type, unlock, { passive: true });
    }
  }

  // --- the big panel ---------------------------------------------------------------------

  function serviceName(serviceId) {
    const service = view.boot.services[serviceId];
    if (!service) return "";
    return `${lang === "en" ? service.name_en : service.name} · ${service.agency}`;
  }

  function showHero(call) {
    view.hero = call || null;
    const hero = $("hero");
    hero.classList.toggle("is-idle", !call);
    $("hero-number").textContent = call ? call.number : "";
    hero.style.setProperty("--chars", call ? Math.max(call.number.length, 4) : 4);
    $("hero-counter").textContent = call ? call.counter_name : "";
    hero.style.setProperty("--counter-chars", call ? Math.max(call.counter_name.length, 8) : 8);
    $("hero-service").textContent = call ? serviceName(call.service_id) : "";
    $("hero-recall").hidden = !(call && call.recall);
  }

  function startHighlight(call) {
    clearTimeout(view.highlightTimer);
    view.recent = uniqueTickets([call, ...view.recent]).slice(0, RECENT_SIZE);
    showHero(call);
    renderRecent();
    const hero = $("hero");
    hero.classList.remove("is-calling");
    void hero.offsetWidth; // restart the flash animation for every call
    hero.classList.add("is-calling");
    markCallingTile(call.counter_id);
  }

  function endHighlightLater() {
    clearTimeout(view.highlightTimer);
    view.highlightTimer = setTimeout(() => {
      $("hero").classList.remove("is-calling");
      markCallingTile(null);
    }, HIGHLIGHT_MS);
  }

  // --- previous calls --------------------------------------------------------------------

  function uniqueTickets(calls) {
    const seen = new Set();
    return calls.filter((call) => call && !seen.has(call.ticket_id) && seen.add(call.ticket_id));
  }

  function renderRecent() {
    const list = $("recent-list");
    const heroTicket = view.hero ? view.hero.ticket_id : null;
    const calls = view.recent.filter((call) => call.ticket_id !== heroTicket).slice(0, RECENT_SHOWN);
    while (list.children.length < calls.length) {
      const item = document.createElement("li");
      item.innerHTML = '<span class="recent-number"></span><span class="recent-counter"></span>';
      list.appendChild(item);
    }
    while (list.children.length > calls.length) list.lastElementChild.remove();
    calls.forEach((call, index) => {
      const item = list.children[index];
      item.firstElementChild.textContent = call.number;
      item.lastElementChild.textContent = call.counter_name;
    });
    $("recent-empty").hidden = calls.length > 0 || view.hero !== null;
    $("recent").hidden = calls.length === 0 && view.hero !== null; // one call so far: the big panel says it all
  }

  // --- counters grid ---------------------------------------------------------------------

  function makeTile(id) {
    const root = document.createElement("div");
    root.className = "tile";
    root.dataset.counter = id;
    root.innerHTML = '<div class="tile-name"></div><div class="tile-number"></div><div class="tile-note"></div>';
    const [name, number, note] = root.children;
    const tile = { root, name, number, note, current: undefined, state: undefined, called: 0 };
    view.tiles.set(id, tile);
    return tile;
  }

  function setTile(id, current, state) {
    const tile = view.tiles.get(id);
    if (!tile) return;
    if (current !== tile.current) {
      if (current && tile.current !== undefined) tile.called = Date.now(); // a new number: mark it
      tile.current = current;
      tile.number.textContent = current || "—";
      tile.root.classList.toggle("is-empty", !current);
      tile.root.classList.toggle("is-fresh", Boolean(current) && Date.now() - tile.called < FRESH_MS);
    }
    if (state !== undefined && state !== tile.state) {
      tile.state = state;
      tile.root.classList.toggle("is-paused", state === "paused");
      tile.note.textContent = state === "paused" ? tr("paused") : "";
    }
  }

  function renderCounters(counters) {
    const grid = $("grid");
    const ids = counters.map((counter) => counter.id);
    for (const [id, tile] of view.tiles) {
      if (!ids.includes(id)) {
        tile.root.remove();
        view.tiles.delete(id);
      }
    }
    counters.forEach((counter, index) => {
      const tile = view.tiles.get(counter.id) || makeTile(counter.id);
      tile.name.textContent = counter.name;
      if (grid.children[index] !== tile.root) grid.insertBefore(tile.root, grid.children[index] || null);
      setTile(counter.id, counter.current_number || null, counter.state || "open");
    });
    if (view.callingTile && !view.tiles.has(view.callingTile)) view.callingTile = null;
    scheduleLayout();
  }

  function markCallingTile(counterId) {
    const old = view.tiles.get(view.callingTile);
    if (old) old.root.classList.remove("is-calling");
    view.callingTile = counterId;
    const tile = view.tiles.get(counterId);
    if (tile) tile.root.classList.add("is-calling");
  }

  function fadeFreshTiles() {
    const now = Date.now();
    for (const tile of view.tiles.values()) {
      if (tile.root.classList.contains("is-fresh") && now - tile.called >= FRESH_MS) {
        tile.root.classList.remove("is-fresh");
      }
    }
  }

  // Choose the number of columns that gives the biggest readable tiles for this screen.
  function fitGrid() {
    const grid = $("grid");
    const count = view.tiles.size;
    const width = grid.clientWidth;
    const height = grid.clientHeight;
    if (!count || !width || !height) return;
    const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
    const largest = parseFloat(getComputedStyle(document.documentElement).fontSize) * 8;
    let best = { size: 0, cols: 1, rows: count };
    for (let cols = 1; cols <= count; cols++) {
      const rows = Math.ceil(count / cols);
      const tileWidth = (width - gap * (cols - 1)) / cols;
      const tileHeight = (height - gap * (rows - 1)) / rows;
      // A tile holds a name line and a number as wide as "PBB123" (about 3.7 em) in 1.9 em of height.
      const size = Math.min(tileWidth / 3.9, tileHeight / 1.9, largest);
      if (size > best.size) best = { size, cols, rows };
    }
    grid.style.gridTemplateColumns = `repeat(${best.cols}, minmax(0, 1fr))`;
    grid.style.gridTemplateRows = `repeat(${best.rows}, minmax(0, 1fr))`;
    grid.style.setProperty("--tile-font", `${Math.floor(best.size)}px`);
  }

  // --- waiting counts --------------------------------------------------------------------

  function renderWaiting() {
    const services = view.boot.services;
    const shown = [...view.waiting.entries()]
      .filter(([, count]) => count > 0)
      .map(([id]) => id)
      .sort((a, b) => ((services[a] || {}).prefix || a).localeCompare((services[b] || {}).prefix || b));
    for (const [id, chip] of view.chips) {
      if (!shown.includes(id)) {
        chip.root.remove();
        view.chips.delete(id);
      }
    }
    const list = $("waiting-list");
    shown.forEach((id, index) => {
      let chip = view.chips.get(id);
      if (!chip) {
        const root = document.createElement("li");
        root.innerHTML = '<span class="chip-prefix"></span><span class="chip-name"></span><span class="chip-count"></span>';
        const service = services[id] || { prefix: "", name: id, name_en: id };
        root.children[0].textContent = service.prefix;
        root.children[1].textContent = lang === "en" ? service.name_en : service.name;
        chip = { root, count: root.children[2] };
        view.chips.set(id, chip);
      }
      chip.count.textContent = String(view.waiting.get(id));
      if (list.children[index] !== chip.root) list.insertBefore(chip.root, list.children[index] || null);
    });
    $("waiting-box").hidden = shown.length === 0;
    let total = 0;
    for (const count of view.waiting.values()) total += count;
    $("waiting-total").textContent = total ? tr("waiting_total", { n: total }) : tr("nobody_waiting");
  }

  // Long lists page through the box, a page every few seconds.
  function pageWaiting() {
    const box = $("waiting-box");
    const list = $("waiting-list");
    const pages = box.clientHeight ? Math.ceil(list.scrollHeight / box.clientHeight) : 1;
    view.waitingPage = pages > 1 ? (view.waitingPage + 1) % pages : 0;
    list.style.transform = `translateY(${-view.waitingPage * box.clientHeight}px)`;
  }

  // --- date and clock, running text ------------------------------------------------------

  function makeFormats(timezone) {
    const locale = lang === "en" ? "en-GB" : "id-ID";
    return {
      timezone,
      date: new Intl.DateTimeFormat(locale, {
        weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: timezone,
      }),
      time: new Intl.DateTimeFormat(locale, {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timezone,
      }),
    };
  }

  function tick() {
    const timezone = view.boot.site.timezone;
    if (!view.formats || view.formats.timezone !== timezone) view.formats = makeFormats(timezone);
    const now = new Date(Antrean.clock.now());
    const day = view.formats.date.format(now);
    // id-ID writes 09.15; a clock on a wall reads 09:15.
    const parts = view.formats.time.formatToParts(now);
    const part = (type) => (parts.find((p) => p.type === type) || {}).value || "00";
    const time = `${part("hour")}:${part("minute")}`;
    if ($("date").textContent !== day) $("date").textContent = day;
    if ($("time").textContent !== time) $("time").textContent = time;
    if (view.day && view.day !== day) resync(); // a new service day: take a fresh snapshot
    view.day = day;
    fadeFreshTiles();
  }

  function setTicker(text) {
    const span = $("ticker-text");
    $("ticker").hidden = !text;
    if (span.textContent === text) return;
    span.textContent = text;
    scheduleLayout();
  }

  // Scroll speed in screen widths, so every screen size reads at the same pace.
  function timeTicker() {
    const span = $("ticker-text");
    if (!span.textContent) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    span.style.animationDuration = `${Math.max(10, span.offsetWidth / (rem * 7))}s`;
  }

  function scheduleLayout() {
    if (view.layoutFrame) return;
    view.layoutFrame = requestAnimationFrame(() => {
      view.layoutFrame = 0;
      view.waitingPage = -1; // the next page turn starts again at the top
      pageWaiting();
      fitGrid();
      timeTicker();
    });
  }

  // --- boot data (names, running text, media) ----------------------------------------------

  const media = new DisplayMedia.MediaLoop($("media"), $("media-image"), $("media-video"), (shown) => {
    $("screen").classList.toggle("has-media", shown);
    scheduleLayout();
  });

  function applyBoot(boot) {
    view.boot = boot;
    $("site-name").textContent = boot.site.name;
    $("display-name").textContent = boot.display.name;
    document.body.dataset.sound = boot.display.sound;
    announcer.mode = boot.display.sound;
    setTicker(lang === "en" ? boot.site.running_text_en : boot.site.running_text);
    for (const chip of view.chips.values()) chip.root.remove(); // service names may have changed
    view.chips.clear();
    renderWaiting();
    media.setItems(boot.media);
    updateSoundPrompt();
    tick();
  }

  function refreshBoot() {
    Antrean.api(`/display/${encodeURIComponent(displayId)}/boot.json`)
      .then(applyBoot)
      .catch((err) => console.warn("display: boot data", err));
  }

  // --- live events -----------------------------------------------------------------------

  function onState(state) {
    if (!state || state.display_id !== displayId) return;
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
    renderCounters(state.counters || []);
    view.waiting = new Map(Object.entries(state.waiting || {}));
    renderWaiting();
    const queued = new Set(announcer.pending().map((call) => call.call_id));
    view.recent = uniqueTickets((state.recent || []).filter((call) => !queued.has(call.call_id))).slice(
      0, RECENT_SIZE,
    );
    if (!announcer.busy()) showHero(view.recent[0]);
    renderRecent();
  }

  function onCalled(call) {
    if (!call || !view.tiles.has(call.counter_id)) return;
    setTile(call.counter_id, call.number);
    announcer.enqueue(call);
  }

  function onCounter(counter) {
    if (!counter) return;
    setTile(counter.id, counter.current ? counter.current.number : null, counter.state);
  }

  function onQueue(update) {
    if (!update || !view.waiting.has(update.service_id)) return;
    view.waiting.set(update.service_id, update.waiting);
    renderWaiting();
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
  function resync() {
    if (socket) socket.resync();
  }

  // --- start -----------------------------------------------------------------------------

  function translatePage() {
    Antrean.translate(tr);
    $("sound-other").textContent = Antrean.t(STRINGS, otherLang, "sound_prompt"); // for a visitor of the other language
  }

  translatePage();
  applyBoot(view.boot);
  showHero(null);
  renderRecent();
  watchSound();
  window.addEventListener("resize", scheduleLayout);
  setInterval(tick, 1000);
  setInterval(pageWaiting, WAITING_PAGE_SECONDS * 1000);
  setInterval(resync, RESYNC_MS);
  socket = Antrean.live(
    [{ display_id: displayId }],
    {
      "display.state": onState,
      "ticket.called": onCalled,
      "counter.updated": onCounter,
      "queue.updated": onQueue,
      error: onServerError,
    },
    { onStatus, resync: refreshBoot },
  );
})();
