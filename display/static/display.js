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
  D.WAITING_PAGE_SECONDS = 8;
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
      view.waitingPage = -1; // the next page turn starts again at the top
      D.pageWaiting();
      D.fitGrid();
      D.timeTicker();
    });
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
    setInterval(D.tick, 1000);
    setInterval(D.pageWaiting, D.WAITING_PAGE_SECONDS * 1000);
    setInterval(D.resync, D.RESYNC_MS);
    D.connect();
  });
})();
