// The kiosk: a touch screen where a visitor takes a queue number.
//
// Touches from the start screen to a ticket (see kiosk/README.md):
//   popular service tile ............................ 1 touch
//   agency tile -> service tile ..................... 2 touches
//   search field -> (type) -> result tile ........... 2 touches plus the typed letters
//   priority category -> popular service ............ 2 touches
//   priority category -> agency tile -> service ..... 3 touches
// Live data: the catalog from GET /api/v1/agencies (with the hall's open state), then
// `queue.updated`, `printer.updated` and `config.updated` through Socket.IO (room kiosk:ID);
// the catalog is fetched again on every reconnect. Openings and closings by the clock arrive
// as `queue.updated` too (server/web/housekeeping.py), so nothing polls.
//
// One namespace, `KioskPage`, in plain scripts loaded in this order (no build step), after
// the page-state-free helpers KioskText, KioskSearch, KioskView and KioskTicket:
//   kiosk.js ........ the state, the timeouts, the screens, back to the start, the start
//   kiosk-render.js . the screens' contents: tiles, search results, priority, printer, hall
//   kiosk-live.js ... the catalog, the printer's state, live updates, the connection
//   kiosk-take.js ... taking a ticket, and why a closed service gives none
//   kiosk-plan.js ... several services on one ticket: the chosen steps, their order
//   kiosk-touch.js .. touches, the on-screen and a physical keyboard
(function () {
  "use strict";

  const K = (window.KioskPage = {});
  const body = document.body;
  const params = new URLSearchParams(window.location.search);

  // Timeouts in seconds; the query string overrides them (?idle=3&back=3) for tests and setup.
  function seconds(name, fallback) {
    const value = Number(params.get(name));
    return value > 0 ? value : fallback;
  }
  K.TIMING = {
    idle: seconds("idle", 45), // no touch for this long: back to a fresh start screen
    back: seconds("back", 10), // the confirmation stays this long after a printed ticket
    backProblem: seconds("backfail", 25), // ... and this long when the visitor must photograph it
    reconnectGrace: 1.5, // a blip shorter than this shows nothing
  };
  K.KIOSK_ID = body.dataset.kioskId;
  K.body = body;

  K.state = {
    lang: "id",
    screen: "start",
    agencies: [],
    hall: { open: true, reason: null, opens_at: null }, // from the server, as the tiles are
    services: new Map(), // id -> Service (live)
    agencyOf: new Map(), // service id -> agency
    found: { query: "", serviceIds: [] }, // the search's last answer (kiosk-render.js)
    searchFailed: false, // the last search could not reach the server
    agencyId: null,
    query: "",
    priority: null,
    plan: null, // several services on one ticket: null (the usual one touch), or the chosen service ids in order
    busy: false,
    loaded: false,
    connected: false,
    printerId: null,
    printerName: null,
    printerStatus: null,
    lastTouch: Date.now(),
    backAt: null,
  };
  const state = K.state;
  const $ = (K.$ = Antrean.$);
  K.tr = (key, values) => Antrean.t(window.KioskText, state.lang, key, values);
  K.view = (showAgency) => ({ lang: state.lang, tr: K.tr, showAgency });

  // --- the screens ---------------------------------------------------------------

  K.show = function show(screen) {
    state.screen = screen;
    body.dataset.screen = screen;
    for (const name of ["start", "agency", "search", "plan", "ticket"]) $(`screen-${name}`).hidden = name !== screen;
    K.renderPriority();
    K.renderPlan();
    K.renderPrinter();
    K.renderHallState();
    const main = document.querySelector(".screens");
    main.scrollTop = 0;
  };

  K.render = function render() {
    K.renderTexts();
    K.renderStart();
    if (state.screen === "agency") K.renderAgency();
    if (state.screen === "search") K.renderSearch();
    K.renderPriority();
    K.renderPlan();
    K.renderPrinter();
    K.renderHallState();
  };

  // --- going back to the start -----------------------------------------------------

  let countdownTimer = null;

  K.startBackCountdown = function startBackCountdown(duration) {
    state.backAt = Date.now() + duration * 1000;
    clearInterval(countdownTimer);
    const tick = () => {
      const left = Math.max(0, Math.ceil((state.backAt - Date.now()) / 1000));
      $("back-countdown").textContent = K.tr("back_in", { seconds: left });
      if (left <= 0) K.resetToStart();
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  };

  // A fresh start for the next visitor: Indonesian, no priority, nothing typed.
  K.resetToStart = function resetToStart() {
    clearInterval(countdownTimer);
    state.backAt = null;
    state.lang = "id";
    state.priority = null;
    state.plan = null;
    state.query = "";
    state.found = { query: "", serviceIds: [] };
    state.searchFailed = false;
    state.agencyId = null;
    $("notice").hidden = true;
    delete body.dataset.ticketId;
    K.show("start");
    K.render();
  };

  function pristine() {
    return state.screen === "start" && state.lang === "id" && !state.priority && !state.plan && !state.query && $("notice").hidden;
  }

  function checkIdle() {
    if (state.screen === "ticket" || state.busy) return; // the ticket screen has its own countdown
    if (Date.now() - state.lastTouch >= K.TIMING.idle * 1000 && !pristine()) K.resetToStart();
  }

  // Once every script of the page is in: lock the screen down, the keyboard, touches, live data.
  document.addEventListener("DOMContentLoaded", () => {
    KioskView.lockDown();
    KioskView.buildKeyboard($("keyboard"), K.tr);
    K.bindTouches();
    setInterval(checkIdle, 500);
    K.renderTexts();
    K.connect();
  });
})();
