// The hall display page: the call being announced, the latest calls, every counter
// with its number, waiting counts, date and clock, running text and a media loop.
// The `display.state` snapshot is the truth and rebuilds everything; live events
// update it in between. Uses Antrean (common), DisplaySound, DisplayAnnouncer,
// DisplayMedia.
//
// One namespace, `DisplayPage`, in plain scripts loaded in this order (no build step):
//   display-text.js ..... every text, id + en (DisplayText)
//   display.js .......... the shared state, the language, the layout pass and the start
//   display-calls.js .... the announcer and its sound prompt, the big panel, previous calls
//   display-grid.js ..... the counters' tiles and the fitting of their grid
//   display-waiting.js .. the waiting counts and their pager
//   display-clock.js .... date and clock, the running text
//   display-live.js ..... the boot data (names, running text, media) and the live events
(function () {
  "use strict";

  const STRINGS = window.DisplayText;
  const D = (window.DisplayPage = {});

  D.RECENT_SIZE = 10; // calls kept for the "previous calls" list
  D.RECENT_SHOWN = 6;
  D.HIGHLIGHT_MS = 8000; // the big panel stays highlighted this long after the last call
  D.FRESH_MS = 60000; // a counter that just called stays marked this long
  D.RESYNC_MS = 10 * 60 * 1000; // ask for a fresh snapshot this often, in case an event was lost
  D.WAITING_PAGE_SECONDS = 4; // a page of the waiting list (docs/display.md, "Sizes and the waiting list")
  D.PROMPT_DELAY_MS = 600; // a browser that allows sound may start "suspended" for a moment

  D.$ = Antrean.$;
  D.lang = document.body.dataset.lang === "en" ? "en" : "id";
  const otherLang = D.lang === "en" ? "id" : "en";
  D.tr = (key, values) => Antrean.t(STRINGS, D.lang, key, values);

  D.view = {
    boot: Antrean.boot,
    formats: null,
    day: "",
    tiles: new Map(), // counter id -> {root, name, number, note, called}
    counters: [], // the snapshot's counters (names in both languages, state), for a re-render
    chips: new Map(), // service id -> {root, count}
    waiting: new Map(), // service id -> waiting count
    recent: [], // calls, newest first, one per ticket
    hero: null, // the call in the big panel
    highlightTimer: null,
    callingTile: null,
    waitingPage: 0,
    layoutFrame: 0,
  };
  D.displayId = D.view.boot.display.id;
  const view = D.view;
  const $ = D.$;

  // One layout pass per frame, whatever changed: the waiting pager, the grid, the ticker.
  D.scheduleLayout = function scheduleLayout() {
    if (view.layoutFrame) return;
    view.layoutFrame = requestAnimationFrame(() => {
      view.layoutFrame = 0;
      view.waitingPage = 0; // the pages are cut again for the new size, from the top
      D.showWaitingPage();
      D.fitGrid();
      D.fitHero();
      D.renderRecent();
      D.timeTicker();
    });
  };

  // A counter as the screen names it: its name in the page's language (from the snapshot or
  // the call, which the server sends in both) and, when the configuration gives one, its floor:
  // "Loket 55 · Lantai 2" / "Counter 55 · Floor 2".
  D.counterName = function counterName(name, nameEn) {
    return (D.lang === "en" && nameEn) || name || "";
  };
  D.counterWhere = function counterWhere(counterId, name) {
    const counter = view.boot.counters[counterId];
    const floor = counter ? counter.floor : null;
    return floor === null || floor === undefined ? name : D.tr("counter_floor", { counter: name, floor });
  };
  D.callWhere = (call) => D.counterWhere(call.counter_id, D.counterName(call.counter_name, call.counter_name_en));

  // A text that must be read whole (a number, a counter) is drawn smaller in its own box
  // rather than cut off, when the box's own size (from the screen) leaves it too little room.
  D.fitText = function fitText(element, room) {
    element.style.fontSize = "";
    const width = room === undefined ? element.clientWidth : room;
    const need = element.scrollWidth;
    if (width > 0 && need > width) {
      const size = parseFloat(getComputedStyle(element).fontSize);
      element.style.fontSize = `${Math.floor(size * (width / need) * 10) / 10}px`;
    }
  };

  function translatePage() {
    Antrean.translate(D.tr);
    $("sound-other").textContent = Antrean.t(STRINGS, otherLang, "sound_prompt"); // for a visitor of the other language
  }

  // Once every script of the page is in: the texts, the boot data, the timers, the live line.
  document.addEventListener("DOMContentLoaded", () => {
    translatePage();
    D.applyBoot(view.boot);
    D.showHero(null);
    D.renderRecent();
    D.watchSound();
    window.addEventListener("resize", D.scheduleLayout);
    // The grid's box also changes when the waiting band grows or shrinks (nobody waiting: one
    // line) or the media loop comes and goes: fit the tiles again whenever it does.
    new ResizeObserver(D.scheduleLayout).observe($("grid"));
    if (document.fonts) document.fonts.ready.then(D.remeasureTiles); // the hall's font may come in late
    setInterval(D.tick, 1000);
    setInterval(D.pageWaiting, D.WAITING_PAGE_SECONDS * 1000);
    setInterval(D.resync, D.RESYNC_MS);
    D.connect();
  });
})();
