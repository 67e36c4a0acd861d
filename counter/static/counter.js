// The counter officer's page: log in, choose a counter, serve visitors. Talks only to the
// public API (/api/v1) and Socket.IO, through the shared `Antrean` helpers.
//
// One namespace, `CounterPage`, in plain scripts loaded in this order (no build step):
//   counter.js ........... the shared state, texts, messages and the start
//   counter-session.js ... log in, log out, the choice of a counter
//   counter-work.js ...... the work screen: live data, the actions, the current ticket
//   counter-queue.js ..... the waiting list and today's figures
//   counter-transfer.js .. the transfer dialog (also choosing a step to add)
//   counter-steps.js ..... a visit's steps on the current ticket, adding a step
//   counter-keys.js ...... keyboard shortcuts and the page's event handlers
// What the officer may do comes from the server (`counter.actions`, `counter_ids`); the page
// never restates the queue rules.
(function () {
  "use strict";

  const STRINGS = window.COUNTER_STRINGS;
  const C = (window.CounterPage = {});

  C.LANG_KEY = "antrean.counter.lang";
  C.COUNTER_KEY = "antrean.counter.id";
  C.MAX_LISTED = 200;
  C.STRINGS = STRINGS;
  C.$ = Antrean.$;
  C.el = Antrean.el;

  C.state = {
    lang: "id",
    user: null,
    counterIds: [], // the counters this user may open (the server's word)
    counters: [], // public list of every counter
    agencies: [], // with their services (names, for the choice and the transfer dialog)
    counterId: null,
    counter: null,
    queue: null,
    queueFetchedAt: 0,
    figures: null,
    live: "off", // off | connecting | up | down
    socket: null,
    busy: null, // the action in flight, if any
    callsResumeAt: 0, // right after a call, calls wait a moment: a double press calls one ticket
    fetchSeq: { counter: 0, queue: 0, figures: 0, recent: 0 },
    recent: null, // the tickets this counter may reprint (GET .../recent)
    printers: null, // every printer, for the reprint card
    timers: {},
    transferChoice: null,
    dialogMode: "transfer", // the service dialog transfers, or adds a step ("step")
  };
  const state = C.state;
  const $ = C.$;

  // --- language -------------------------------------------------------------------------

  C.tr = function tr(key, values) {
    return Antrean.t(STRINGS, state.lang, key, values || {});
  };

  C.applyLanguage = function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = `${C.tr("app_title")} — ${document.querySelector(".brand-site").textContent}`;
    Antrean.translate(C.tr);
    $("lang-switch").textContent = C.tr("lang_switch");
    $("lang-switch").lang = state.lang === "id" ? "en" : "id";
    C.renderShortcuts();
  };

  C.setLanguage = function setLanguage(lang) {
    state.lang = lang;
    localStorage.setItem(C.LANG_KEY, lang);
    C.applyLanguage();
    C.renderAll();
  };

  // The English name where there is one (the API gives `name_en` or `service_name_en`).
  C.pick = function pick(object, field) {
    if (!object) return "";
    return (state.lang === "en" && object[`${field}_en`]) || object[field] || "";
  };

  // --- time -------------------------------------------------------------------------------

  C.clockText = function clockText(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, "0");
    const ss = String(s % 60).padStart(2, "0");
    return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
  };

  C.minutesText = function minutesText(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return C.tr("under_minute");
    return C.tr("minutes_short", { n: Math.floor(seconds / 60) });
  };

  // --- messages ---------------------------------------------------------------------------

  C.showMessage = function showMessage(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  };

  C.notice = function notice(kind, text) {
    const element = $("notice");
    element.className = `notice ${kind}`;
    element.setAttribute("role", kind === "error" ? "alert" : "status");
    C.showMessage(element, text);
  };

  // The server's refusal in the officer's words, where the page knows its code.
  C.errorText = function errorText(err, context) {
    const values = { message: err.message || "", number: "", counter: "", ...(context || {}) };
    if (err.code === "not_waiting" && !values.number) return C.tr("err_not_waiting_plain");
    const key = `err_${err.code}`;
    if (STRINGS.id[key] !== undefined) return C.tr(key, values);
    return C.tr("err_other", values);
  };

  C.handleFatal = function handleFatal(err, where) {
    if (!err) return;
    if (err.code === "unauthenticated") return C.showLogin(C.tr("err_unauthenticated"));
    if (err.code === "forbidden" && state.counterId) {
      return C.showChoose(C.errorText(err, { counter: C.counterName(state.counterId) }));
    }
    if (err.code === "network_error" && state.live !== "up") return; // the banner already says so
    if (where) C.showMessage(where, C.errorText(err));
    else C.notice("error", C.errorText(err));
  };

  // --- views --------------------------------------------------------------------------------

  C.showView = function showView(name) {
    document.body.dataset.view = name;
    for (const view of ["login", "choose", "work"]) $(`${view}-view`).hidden = view !== name;
    const loggedIn = name !== "login" && state.user !== null;
    $("logout").hidden = !loggedIn;
    $("user-name").hidden = !loggedIn;
    $("change-counter").hidden = name !== "work" || C.allowedCounters().length < 2;
    $("topbar-counter").hidden = name !== "work";
    if (name !== "work") $("connection-banner").hidden = true;
  };

  C.renderAll = function renderAll() {
    if (document.body.dataset.view === "choose") C.renderChoices();
    if (!state.counter) return;
    C.renderCounter();
    C.renderQueue();
    C.renderFigures();
    C.renderRecent();
  };

  // Once every script of the page is in: the language, the handlers, the clock's tick, the session.
  document.addEventListener("DOMContentLoaded", () => {
    state.lang = localStorage.getItem(C.LANG_KEY) || document.body.dataset.language || "id";
    C.applyLanguage();
    C.bindEvents();
    setInterval(C.tick, 1000);
    C.start();
  });
})();
