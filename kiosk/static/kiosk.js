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
(function () {
  "use strict";

  const View = window.KioskView;
  const body = document.body;
  const KIOSK_ID = body.dataset.kioskId;
  const params = new URLSearchParams(window.location.search);

  // Timeouts in seconds; the query string overrides them (?idle=3&back=3) for tests and setup.
  function seconds(name, fallback) {
    const value = Number(params.get(name));
    return value > 0 ? value : fallback;
  }
  const TIMING = {
    idle: seconds("idle", 45), // no touch for this long: back to a fresh start screen
    back: seconds("back", 10), // the confirmation stays this long after a printed ticket
    backProblem: seconds("backfail", 25), // ... and this long when the visitor must photograph it
    reconnectGrace: 1.5, // a blip shorter than this shows nothing
  };
  const PRINTER_PROBLEMS = ["offline", "paper_out"];

  const state = {
    lang: "id",
    screen: "start",
    agencies: [],
    hall: { open: true, reason: null, opens_at: null }, // from the server, as the tiles are
    services: new Map(), // id -> Service (live)
    agencyOf: new Map(), // service id -> agency
    index: [],
    agencyId: null,
    query: "",
    priority: null,
    busy: false,
    loaded: false,
    connected: false,
    printerId: null,
    printerName: null,
    printerStatus: null,
    lastTouch: Date.now(),
    backAt: null,
  };
  const $ = Antrean.$;
  const tr = (key, values) => Antrean.t(window.KioskText, state.lang, key, values);
  const view = (showAgency) => ({ lang: state.lang, tr, showAgency });

  // --- rendering ---------------------------------------------------------------

  function renderTexts() {
    document.documentElement.lang = state.lang;
    Antrean.translate(tr);
    const switcher = $("lang-switch");
    switcher.lang = state.lang === "id" ? "en" : "id";
    View.relabelKeyboard($("keyboard"), tr);
  }

  function serviceTiles(services, showAgency) {
    return services.map((service) =>
      View.fillServiceTile(document.createElement("button"), service, state.agencyOf.get(service.id), view(showAgency)),
    );
  }

  function renderStart() {
    const popular = [...state.services.values()].filter((service) => service.popular);
    $("popular").replaceChildren(...serviceTiles(popular, true));
    document.querySelector(".popular-panel").hidden = popular.length === 0;
    $("agencies").replaceChildren(
      ...state.agencies.map((agency) => View.fillAgencyTile(document.createElement("button"), agency, view())),
    );
  }

  function renderAgency() {
    const agency = state.agencies.find((item) => item.id === state.agencyId);
    if (!agency) return;
    $("agency-title").textContent = View.agencyName(agency, state.lang);
    const count = tr("agency_services", { count: agency.services.length });
    $("agency-subtitle").textContent = `${agency.short_name} · ${count}`;
    const services = agency.services.map((service) => state.services.get(service.id) || service);
    $("agency-services").replaceChildren(...serviceTiles(services, false));
  }

  function renderSearch() {
    $("search-text").textContent = state.query;
    $("search-query").classList.toggle("empty", !state.query);
    $("search-query").dataset.placeholder = tr("search_hint");
    const found = KioskSearch.search(state.index, state.query).map((entry) => state.services.get(entry.service.id));
    $("search-results").replaceChildren(...serviceTiles(found, true));
    let count = "";
    if (state.query && found.length) count = tr("search_count", { count: found.length });
    else if (state.query) count = tr("search_none", { query: state.query });
    $("search-count").textContent = count;
  }

  function renderPriority() {
    for (const button of document.querySelectorAll("[data-priority]")) {
      button.setAttribute("aria-pressed", String(button.dataset.priority === state.priority));
    }
    // On the start screen the priority panel itself says it; elsewhere a banner does.
    const chosen = state.priority ? tr("priority_on", { name: tr(`priority_${state.priority}`) }) : "";
    $("priority-heading").textContent = chosen || tr("priority_title");
    document.querySelector(".priority-cancel").hidden = !state.priority;
    $("priority-banner").hidden = !state.priority || state.screen === "ticket" || state.screen === "start";
    $("priority-banner-text").textContent = chosen;
    body.classList.toggle("priority-mode", Boolean(state.priority));
  }

  function renderPrinter() {
    const problem = PRINTER_PROBLEMS.includes(state.printerStatus);
    $("printer-problem").hidden = !problem || state.screen === "ticket";
    const staff = $("staff-line");
    staff.hidden = !problem;
    if (problem) {
      const printer = state.printerName || state.printerId;
      staff.textContent = tr("staff_printer", { printer, status: tr(`printer_${state.printerStatus}`) });
    }
  }

  // When nothing takes tickets (evening, holiday), say it once, for the whole hall.
  function renderHallState() {
    const hall = state.hall;
    const banner = $("hall-closed");
    banner.hidden = hall.open || state.screen === "ticket";
    if (hall.open) return;
    const reason = hall.reason ? View.reasonText({ closed_reason: hall.reason }, tr) : tr("hall_closed");
    const when = View.opensText(hall.opens_at, tr);
    banner.textContent = when ? `${reason}. ${tr("opens_again", { when })}` : reason;
  }

  function render() {
    renderTexts();
    renderStart();
    if (state.screen === "agency") renderAgency();
    if (state.screen === "search") renderSearch();
    renderPriority();
    renderPrinter();
    renderHallState();
  }

  // A live change refills the tiles in place, so a finger already on a tile keeps it.
  function refreshTiles(serviceId) {
    const service = state.services.get(serviceId);
    if (!service) return;
    for (const button of document.querySelectorAll(`.service-tile[data-service-id="${CSS.escape(serviceId)}"]`)) {
      const showAgency = Boolean(button.querySelector(".tile-agency"));
      View.fillServiceTile(button, service, state.agencyOf.get(serviceId), view(showAgency));
    }
    const agency = state.agencyOf.get(serviceId);
    const tile = agency && document.querySelector(`.agency-tile[data-agency-id="${CSS.escape(agency.id)}"]`);
    if (tile) View.fillAgencyTile(tile, agency, view());
  }

  function show(screen) {
    state.screen = screen;
    body.dataset.screen = screen;
    for (const name of ["start", "agency", "search", "ticket"]) $(`screen-${name}`).hidden = name !== screen;
    renderPriority();
    renderPrinter();
    renderHallState();
    const main = document.querySelector(".screens");
    main.scrollTop = 0;
  }

  // --- the catalog ---------------------------------------------------------------

  function setCatalog(agencies) {
    state.agencies = agencies;
    state.services = new Map();
    state.agencyOf = new Map();
    for (const agency of agencies) {
      for (const service of agency.services) {
        state.services.set(service.id, service);
        state.agencyOf.set(service.id, agency);
      }
    }
    state.index = KioskSearch.buildIndex(agencies);
    state.loaded = true;
  }

  function catalogShape(agencies) {
    return agencies.map((agency) => `${agency.id}:${agency.services.map((service) => service.id)}`).join(";");
  }

  // A fresh catalog with the same agencies and services refills the tiles in place.
  function applyCatalog(agencies) {
    const shape = catalogShape(agencies);
    if (state.loaded && shape === state.shape) {
      for (const agency of agencies) {
        for (const service of agency.services) Object.assign(state.services.get(service.id), service);
      }
      for (const serviceId of state.services.keys()) refreshTiles(serviceId);
      renderHallState();
      return;
    }
    setCatalog(agencies);
    state.shape = shape;
    render();
  }

  async function loadCatalog() {
    try {
      const answer = await Antrean.api("/api/v1/agencies");
      state.hall = answer.hall || state.hall;
      applyCatalog(answer.agencies);
    } catch (err) {
      if (!state.loaded) setTimeout(loadCatalog, 3000); // the first load must succeed by itself
    }
    showReconnecting();
  }

  async function loadPrinter() {
    try {
      const { kiosks } = await Antrean.api("/api/v1/kiosks");
      const kiosk = kiosks.find((item) => item.id === KIOSK_ID);
      state.printerId = kiosk ? kiosk.printer_id : null;
      if (state.printerId) {
        const { printers } = await Antrean.api("/api/v1/printers");
        const printer = printers.find((item) => item.id === state.printerId);
        state.printerStatus = printer ? printer.status : null;
        state.printerName = printer ? printer.name : state.printerId;
      }
      renderPrinter();
    } catch (err) {
      // The next reconnect tries again; printing itself does not depend on this.
    }
  }

  // A service opened or closed (by the clock, a quota, an admin): the hall's state may have
  // changed with it, and only the server says so; several changes in a row fetch once.
  let catalogTimer = null;
  function onQueue(update) {
    const service = state.services.get(update.service_id);
    if (!service) return;
    const wasOpen = service.open;
    Object.assign(service, update);
    refreshTiles(update.service_id);
    if (update.open !== undefined && update.open !== wasOpen) {
      clearTimeout(catalogTimer);
      catalogTimer = setTimeout(loadCatalog, 300);
    }
  }

  function onPrinter(update) {
    if (update.id !== state.printerId) return;
    state.printerStatus = update.status;
    renderPrinter();
  }

  // --- connection ------------------------------------------------------------------

  let reconnectTimer = null;

  function showReconnecting() {
    const down = !state.connected || !state.loaded;
    clearTimeout(reconnectTimer);
    if (!down) {
      $("reconnecting").hidden = true;
      body.classList.remove("offline");
      return;
    }
    reconnectTimer = setTimeout(() => {
      // The confirmation screen keeps its number visible: only a thin banner there.
      $("reconnecting").hidden = false;
      body.classList.add("offline");
    }, TIMING.reconnectGrace * 1000);
  }

  function onStatus(connected) {
    state.connected = connected;
    showReconnecting();
  }

  // Every (re)connect: the catalog and the printer again (the kiosk room has no snapshot).
  function resync() {
    loadCatalog();
    loadPrinter();
  }

  // --- taking a ticket -------------------------------------------------------------

  function explainClosed(service) {
    const name = View.serviceName(service, state.lang);
    $("notice-title").textContent = tr("closed_explain", { service: name });
    $("notice-reason").textContent = View.reasonText(service, tr);
    $("notice-note").textContent = service.closed_note || "";
    const when = View.opensText(service.opens_at, tr);
    $("notice-opens").textContent = when ? tr("opens_again", { when }) : "";
    $("notice").hidden = false;
  }

  function notice(message) {
    $("notice-title").textContent = message;
    for (const id of ["notice-reason", "notice-note", "notice-opens"]) $(id).textContent = "";
    $("notice").hidden = false;
  }

  async function takeTicket(button) {
    // One ticket per touch: the guard is set before anything can yield.
    if (state.busy) return;
    const service = state.services.get(button.dataset.serviceId);
    if (!service) return;
    if (!service.open) {
      explainClosed(service);
      return;
    }
    state.busy = true;
    button.disabled = true;
    body.classList.add("busy");
    $("taking").hidden = false;
    try {
      const ticket = await Antrean.api("/api/v1/tickets", {
        method: "POST",
        body: { service_id: service.id, priority: state.priority, kiosk_id: KIOSK_ID, lang: state.lang },
        timeoutMs: 20000,
      });
      showTicket(ticket);
    } catch (err) {
      await failedTicket(err, service);
    } finally {
      state.busy = false;
      button.disabled = false;
      body.classList.remove("busy");
      $("taking").hidden = true;
    }
  }

  async function failedTicket(err, service) {
    if (err.code === "service_closed" || err.code === "quota_reached") {
      await loadCatalog(); // the server's fresh word on why, and on the whole hall
      explainClosed(state.services.get(service.id) || service);
    } else {
      notice(err.status === 0 ? tr("error_network") : tr("error_generic"));
    }
  }

  function showTicket(ticket) {
    const agency = state.agencies.find((item) => item.id === ticket.agency_id);
    const printed = KioskTicket.fill(ticket, { lang: state.lang, tr, agency });
    body.dataset.ticketId = ticket.id;
    show("ticket");
    startBackCountdown(printed ? TIMING.back : TIMING.backProblem);
  }

  // --- going back to the start -----------------------------------------------------

  let countdownTimer = null;

  function startBackCountdown(duration) {
    state.backAt = Date.now() + duration * 1000;
    clearInterval(countdownTimer);
    const tick = () => {
      const left = Math.max(0, Math.ceil((state.backAt - Date.now()) / 1000));
      $("back-countdown").textContent = tr("back_in", { seconds: left });
      if (left <= 0) resetToStart();
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  }

  // A fresh start for the next visitor: Indonesian, no priority, nothing typed.
  function resetToStart() {
    clearInterval(countdownTimer);
    state.backAt = null;
    state.lang = "id";
    state.priority = null;
    state.query = "";
    state.agencyId = null;
    $("notice").hidden = true;
    delete body.dataset.ticketId;
    show("start");
    render();
  }

  function pristine() {
    return state.screen === "start" && state.lang === "id" && !state.priority && !state.query && $("notice").hidden;
  }

  function checkIdle() {
    if (state.screen === "ticket" || state.busy) return; // the ticket screen has its own countdown
    if (Date.now() - state.lastTouch >= TIMING.idle * 1000 && !pristine()) resetToStart();
  }

  // --- touches -----------------------------------------------------------------------

  function typeKey(key) {
    if (key === "backspace") state.query = state.query.slice(0, -1);
    else if (key === "clear") state.query = "";
    else if (key === "space") state.query = state.query && !state.query.endsWith(" ") ? `${state.query} ` : state.query;
    else if (state.query.length < 40) state.query += key;
    renderSearch();
  }

  const ACTIONS = {
    service: (button) => takeTicket(button),
    agency: (button) => {
      state.agencyId = button.dataset.agencyId;
      renderAgency();
      show("agency");
    },
    "search-open": () => {
      renderSearch();
      show("search");
    },
    key: (button) => typeKey(button.dataset.key),
    back: () => show("start"),
    done: () => resetToStart(),
    lang: () => {
      state.lang = state.lang === "id" ? "en" : "id";
      render();
    },
    priority: (button) => {
      state.priority = state.priority === button.dataset.priority ? null : button.dataset.priority;
      renderPriority();
    },
    "priority-cancel": () => {
      state.priority = null;
      renderPriority();
    },
    "notice-ok": () => {
      $("notice").hidden = true;
    },
  };

  function onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled) return;
    const action = ACTIONS[button.dataset.action];
    if (action) action(button);
  }

  // A physical keyboard also types into the search (handy when setting up a kiosk).
  function onKeyDown(event) {
    if (state.screen !== "search") return;
    if (/^[a-z0-9]$/i.test(event.key)) typeKey(event.key.toLowerCase());
    else if (event.key === "Backspace") typeKey("backspace");
    else if (event.key === " ") typeKey("space");
    else return;
    event.preventDefault();
  }

  function start() {
    View.lockDown();
    View.buildKeyboard($("keyboard"), tr);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeyDown);
    const touched = () => (state.lastTouch = Date.now());
    for (const name of ["pointerdown", "keydown"]) document.addEventListener(name, touched, true);
    setInterval(checkIdle, 500);
    renderTexts();
    // config.updated: an admin renamed, added or removed services; read the catalog again.
    Antrean.live(
      [{ kiosk_id: KIOSK_ID }],
      { "queue.updated": onQueue, "printer.updated": onPrinter, "config.updated": () => loadCatalog() },
      { onStatus, resync },
    );
  }

  start();
})();
