// The counter officer's page: log in, choose a counter, serve visitors.
// Talks only to the public API (/api/v1) and Socket.IO, through the shared `Antrean` helpers.
(function () {
  "use strict";

  const STRINGS = window.COUNTER_STRINGS;
  const LANG_KEY = "antrean.counter.lang";
  const COUNTER_KEY = "antrean.counter.id";
  const QUEUE_DEBOUNCE_MS = 250;
  const FIGURES_DEBOUNCE_MS = 500;
  // After a call, calling is held this long (the buttons show it): a double press calls one ticket.
  const CALL_SETTLE_MS = 800;
  const MAX_LISTED = 200;

  // Keyboard shortcuts: letters for a keyboard, the operator keys for a numeric keypad.
  // `codes` match the keypad whatever the layout (a decimal key may type "," in some layouts).
  const SHORTCUTS = [
    { action: "call-next", keys: ["Enter", "+"], codes: ["NumpadEnter", "NumpadAdd"], show: ["Enter", "+"] },
    { action: "recall", keys: [".", "r"], codes: ["NumpadDecimal"], show: [".", "R"] },
    { action: "start", keys: ["*", "s"], codes: ["NumpadMultiply"], show: ["*", "S"] },
    { action: "finish", keys: ["/", "f"], codes: ["NumpadDivide"], show: ["/", "F"] },
    { action: "no-show", keys: ["-", "n"], codes: ["NumpadSubtract"], show: ["-", "N"] },
    { action: "transfer", keys: ["t"], codes: [], show: ["T"] },
    { action: "pause", keys: ["p"], codes: [], show: ["P"] },
  ];
  const CALLS = new Set(["call-next", "call"]);

  const state = {
    lang: "id",
    user: null,
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
    clockOffsetMs: 0, // server clock minus this device's clock
    fetchSeq: { counter: 0, queue: 0, figures: 0 },
    timers: {},
    transferChoice: null,
  };

  const $ = (id) => document.getElementById(id);

  // --- language -------------------------------------------------------------------------

  function tr(key, values) {
    return Antrean.t(STRINGS, state.lang, key, values || {});
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang;
    document.title = `${tr("app_title")} — ${document.querySelector(".brand-site").textContent}`;
    for (const element of document.querySelectorAll("[data-i18n]")) element.textContent = tr(element.dataset.i18n);
    for (const element of document.querySelectorAll("[data-i18n-placeholder]")) {
      element.placeholder = tr(element.dataset.i18nPlaceholder);
    }
    $("lang-switch").textContent = tr("lang_switch");
    $("lang-switch").lang = state.lang === "id" ? "en" : "id";
    renderShortcuts();
  }

  function setLanguage(lang) {
    state.lang = lang;
    localStorage.setItem(LANG_KEY, lang);
    applyLanguage();
    renderAll();
  }

  function pick(object, field) {
    // The English name where there is one (the API gives `name_en` or `service_name_en`).
    if (!object) return "";
    return (state.lang === "en" && object[`${field}_en`]) || object[field] || "";
  }

  // --- time -------------------------------------------------------------------------------

  function serverNowMs() {
    return Date.now() + state.clockOffsetMs;
  }

  async function syncClock() {
    const before = Date.now();
    const answer = await Antrean.api("/counter/time.json");
    const after = Date.now();
    state.clockOffsetMs = answer.now * 1000 - (before + after) / 2;
  }

  function clockText(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const hours = Math.floor(s / 3600);
    const mm = String(Math.floor((s % 3600) / 60)).padStart(hours ? 2 : 1, "0");
    const ss = String(s % 60).padStart(2, "0");
    return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  function minutesText(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    if (seconds < 60) return tr("under_minute");
    return tr("minutes_short", { n: Math.floor(seconds / 60) });
  }

  // --- views --------------------------------------------------------------------------------

  function showView(name) {
    document.body.dataset.view = name;
    for (const view of ["login", "choose", "work"]) $(`${view}-view`).hidden = view !== name;
    const loggedIn = name !== "login" && state.user !== null;
    $("logout").hidden = !loggedIn;
    $("user-name").hidden = !loggedIn;
    $("change-counter").hidden = name !== "work" || allowedCounters().length < 2;
    $("topbar-counter").hidden = name !== "work";
    if (name !== "work") $("connection-banner").hidden = true;
  }

  function showMessage(element, text) {
    element.textContent = text || "";
    element.hidden = !text;
  }

  function notice(kind, text) {
    const element = $("notice");
    element.className = `notice ${kind}`;
    element.setAttribute("role", kind === "error" ? "alert" : "status");
    showMessage(element, text);
  }

  // --- session -------------------------------------------------------------------------------

  async function boot() {
    state.lang = localStorage.getItem(LANG_KEY) || document.body.dataset.language || "id";
    state.clockOffsetMs = Number(document.body.dataset.serverNow) * 1000 - Date.now();
    applyLanguage();
    bindEvents();
    setInterval(tick, 1000);
    let session = null;
    try {
      session = await Antrean.api("/api/v1/session");
    } catch (err) {
      if (err.code !== "unauthenticated") showMessage($("login-message"), errorText(err));
    }
    if (!session) return showLogin();
    await enter(session.user, { reload: true });
  }

  function showLogin(message) {
    leaveCounter();
    state.user = null;
    showView("login");
    showMessage($("login-message"), message || "");
    $("password").value = "";
    $("username").focus();
  }

  async function login(event) {
    event.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) return showMessage($("login-message"), tr("login_missing"));
    const button = $("login-submit");
    button.disabled = true;
    button.textContent = tr("login_busy");
    try {
      const answer = await Antrean.api("/api/v1/session", { method: "POST", body: { username, password } });
      showMessage($("login-message"), "");
      await enter(answer.user, { reload: false });
    } catch (err) {
      showMessage($("login-message"), errorText(err));
      $("password").select();
    } finally {
      button.disabled = false;
      button.textContent = tr("login_button");
    }
  }

  async function logout() {
    try {
      await Antrean.api("/api/v1/session", { method: "DELETE" });
    } catch (err) {
      // Logging out of a session the server already forgot is still logging out.
    }
    history.replaceState(null, "", "/counter");
    document.body.dataset.counterId = ""; // the next officer starts from the choice
    showLogin();
  }

  // After login or on reload: load the catalog, then go to the counter the URL or
  // this device remembers (on reload), or to the choice.
  async function enter(user, { reload }) {
    state.user = user;
    $("user-name").textContent = user.display_name || user.username;
    try {
      const [counters, agencies] = await Promise.all([
        Antrean.api("/api/v1/counters"),
        Antrean.api("/api/v1/agencies"),
      ]);
      state.counters = counters.counters;
      state.agencies = agencies.agencies;
    } catch (err) {
      return handleFatal(err, $("login-message"));
    }
    const fromUrl = document.body.dataset.counterId || null;
    const remembered = localStorage.getItem(COUNTER_KEY);
    const allowed = allowedCounters();
    let target = fromUrl;
    if (!target && reload) target = remembered;
    if (!target && allowed.length === 1) target = allowed[0].id;
    if (target) return openCounter(target);
    showChoose();
  }

  function allowedCounters() {
    const user = state.user;
    if (!user) return [];
    if (user.role === "admin") return state.counters;
    if (user.role === "supervisor") return state.counters.filter((c) => c.agency_id === user.agency_id);
    return state.counters.filter((c) => user.counters.includes(c.id));
  }

  // --- choosing a counter ---------------------------------------------------------------------

  function serviceById(id) {
    for (const agency of state.agencies) {
      for (const service of agency.services) if (service.id === id) return service;
    }
    return null;
  }

  function agencyById(id) {
    return state.agencies.find((a) => a.id === id) || null;
  }

  function counterName(id) {
    const counter = state.counters.find((c) => c.id === id);
    return counter ? counter.name : id;
  }

  function showChoose(message) {
    leaveCounter();
    history.replaceState(null, "", "/counter");
    document.body.dataset.counterId = "";
    showView("choose");
    renderChoices();
    showMessage($("choose-message"), message || "");
  }

  function renderChoices() {
    const list = $("counter-list");
    const allowed = allowedCounters();
    const remembered = localStorage.getItem(COUNTER_KEY);
    list.replaceChildren(...allowed.map((counter) => choiceItem(counter, counter.id === remembered)));
    $("choose-empty").hidden = allowed.length > 0;
  }

  function choiceItem(counter, remembered) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "counter-choice" + (remembered ? " remembered" : "");
    button.dataset.counterId = counter.id;
    const agency = agencyById(counter.agency_id);
    const services = counter.service_ids.map((id) => pick(serviceById(id), "name")).filter(Boolean);
    button.append(
      textElement("span", "choice-name", counter.name),
      textElement("span", "choice-agency", agency ? agency.short_name : counter.agency_id),
      textElement("span", "choice-services", services.join(" · ")),
    );
    if (remembered) button.append(textElement("span", "choice-remembered", tr("choose_remembered")));
    item.append(button);
    return item;
  }

  function textElement(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    element.textContent = text;
    return element;
  }

  // --- the work screen ------------------------------------------------------------------------

  async function openCounter(counterId) {
    leaveCounter();
    state.counterId = counterId;
    let counter;
    try {
      counter = await Antrean.api(`/api/v1/counters/${encodeURIComponent(counterId)}`);
    } catch (err) {
      state.counterId = null;
      if (err.code === "unauthenticated") return showLogin(tr("err_unauthenticated"));
      return showChoose(errorText(err, { counter: counterName(counterId) }));
    }
    state.counter = counter;
    localStorage.setItem(COUNTER_KEY, counterId);
    document.body.dataset.counterId = counterId;
    history.replaceState(null, "", `/counter/${encodeURIComponent(counterId)}`);
    notice("info", "");
    showView("work");
    renderAll();
    connectLive(counterId);
  }

  function leaveCounter() {
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.disconnect();
    for (const timer of Object.values(state.timers)) clearTimeout(timer);
    state.timers = {};
    Object.assign(state, { counterId: null, counter: null, queue: null, figures: null, live: "off", busy: null });
    const dialog = $("transfer-dialog");
    if (dialog.open) dialog.close();
  }

  function connectLive(counterId) {
    state.live = "connecting";
    const handlers = {
      "counter.updated": (counter) => mine(socket) && counter.id === state.counterId && applyCounter(counter),
      "queue.updated": (update) => mine(socket) && servesService(update.service_id) && later("queue", refreshQueue),
      "ticket.updated": (ticket) => mine(socket) && onTicketUpdated(ticket),
      error: (problem) => mine(socket) && notice("error", errorText({ code: problem.code, message: problem.message })),
    };
    const socket = Antrean.live([{ counter_id: counterId }], handlers, (up) => mine(socket) && onLive(up));
    state.socket = socket;
  }

  function mine(socket) {
    return socket !== undefined && state.socket === socket;
  }

  function servesService(serviceId) {
    return state.counter !== null && state.counter.service_ids.includes(serviceId);
  }

  function onLive(up) {
    state.live = up ? "up" : "down";
    $("connection-banner").hidden = up;
    renderActions();
    if (up) resync();
  }

  // Every (re)connect ends with a fresh copy of everything on the screen.
  async function resync() {
    try {
      await Promise.all([syncClock(), refreshCounter(), refreshQueue(), refreshFigures()]);
    } catch (err) {
      handleFatal(err);
    }
  }

  function later(kind, fn) {
    clearTimeout(state.timers[kind]);
    const wait = kind === "queue" ? QUEUE_DEBOUNCE_MS : FIGURES_DEBOUNCE_MS;
    state.timers[kind] = setTimeout(() => fn().catch(handleFatal), wait);
  }

  // Fetch something and apply it only if no newer fetch of the same kind was started meanwhile.
  async function fetchLatest(kind, path) {
    const seq = ++state.fetchSeq[kind];
    const counterId = state.counterId;
    const answer = await Antrean.api(path);
    return seq === state.fetchSeq[kind] && counterId === state.counterId ? answer : null;
  }

  async function refreshCounter() {
    if (!state.counterId) return;
    const counter = await fetchLatest("counter", `/api/v1/counters/${state.counterId}`);
    if (counter) applyCounter(counter);
  }

  async function refreshQueue() {
    if (!state.counterId) return;
    const queue = await fetchLatest("queue", `/api/v1/counters/${state.counterId}/queue`);
    if (!queue) return;
    state.queue = queue;
    state.queueFetchedAt = Date.now();
    renderQueue();
  }

  async function refreshFigures() {
    if (!state.counterId) return;
    const figures = await fetchLatest("figures", `/api/v1/counters/${state.counterId}/figures`);
    if (!figures) return;
    state.figures = figures;
    renderFigures();
  }

  function applyCounter(counter) {
    state.counter = counter;
    renderCounter();
    later("figures", refreshFigures);
  }

  function onTicketUpdated(ticket) {
    const current = state.counter && state.counter.current;
    if (!current || current.id !== ticket.id) return;
    if (ticket.counter_id === state.counterId && (ticket.status === "called" || ticket.status === "serving")) {
      state.counter = { ...state.counter, current: ticket };
      renderCounter();
    } else {
      later("counter", refreshCounter);
    }
  }

  // --- counter actions ---------------------------------------------------------------------------

  function callsHeld() {
    return state.callsResumeAt > Date.now();
  }

  function enabled(action) {
    if (state.live !== "up" || state.busy || !state.counter) return false;
    const current = state.counter.current;
    switch (action) {
      case "call-next":
        return !callsHeld();
      case "recall":
      case "finish":
      case "transfer":
        return current !== null;
      case "start":
      case "no-show":
        return current !== null && current.status === "called";
      default:
        return true;
    }
  }

  // Why an action cannot run now, in words; null when it can.
  function refusal(action) {
    if (state.live === "down") return tr("err_network_error");
    if (state.live !== "up" || state.busy || !state.counter || action === "call-next" || action === "pause") return null;
    const current = state.counter.current;
    if (!current) return tr("err_no_current_ticket");
    if ((action === "start" || action === "no-show") && current.status !== "called") return tr("err_not_called");
    return null;
  }

  function request(action) {
    if (action === "pause") return state.counter && state.counter.state === "paused" ? "resume" : "pause";
    return action;
  }

  function trigger(action) {
    if (action === "transfer") return enabled("transfer") ? openTransfer() : refuse("transfer");
    if (!enabled(action)) return refuse(action);
    perform(request(action)).catch(() => {}); // perform() has already said what went wrong
  }

  function refuse(action) {
    const why = refusal(action);
    if (why) notice("error", why);
  }

  // Run one counter action; only one at a time, so a double press cannot call two tickets.
  // A typed number is deliberate, so it skips the hold that stops a double press (`typed`).
  async function perform(action, body, context, typed = false) {
    if (state.busy || state.live !== "up" || !state.counterId) return null;
    if (CALLS.has(action) && callsHeld() && !typed) return null;
    const counterId = state.counterId;
    const before = state.counter.current;
    state.busy = action;
    renderActions();
    try {
      const answer = await Antrean.api(`/api/v1/counters/${counterId}/${action}`, { method: "POST", body });
      if (counterId !== state.counterId) return null;
      if (CALLS.has(action)) holdCalls();
      state.counter = answer.counter;
      forgetWaiting(answer.ticket);
      notice("ok", successText(action, answer, before));
      later("queue", refreshQueue);
      later("figures", refreshFigures);
      return answer;
    } catch (err) {
      if (counterId === state.counterId) actionFailed(err, context);
      throw err;
    } finally {
      if (counterId === state.counterId) {
        state.busy = null;
        renderCounter();
      }
    }
  }

  // The ticket an action just took is no longer waiting here; the refetch that follows
  // confirms it, but the list must not show it meanwhile (or when the line drops).
  function forgetWaiting(ticket) {
    if (!ticket || !state.queue || ticket.status === "waiting") return;
    if (!state.queue.tickets.some((t) => t.id === ticket.id)) return;
    state.queue.tickets = state.queue.tickets.filter((t) => t.id !== ticket.id);
    const line = state.queue.services.find((s) => s.service_id === ticket.service_id);
    if (line) {
      line.waiting = Math.max(0, line.waiting - 1);
      if (ticket.priority) line.priority_waiting = Math.max(0, line.priority_waiting - 1);
    }
    renderQueue();
  }

  function holdCalls() {
    state.callsResumeAt = Date.now() + CALL_SETTLE_MS;
    clearTimeout(state.timers.held);
    state.timers.held = setTimeout(renderActions, CALL_SETTLE_MS + 20);
  }

  function actionFailed(err, context) {
    if (err.code === "unauthenticated") return showLogin(tr("err_unauthenticated"));
    if (err.code === "forbidden" || err.code === "unknown_counter") {
      return showChoose(errorText(err, { counter: state.counter ? state.counter.name : state.counterId }));
    }
    notice("error", errorText(err, context));
    // The screen may be behind the server (another counter called that ticket): catch up.
    later("queue", refreshQueue);
    later("counter", refreshCounter);
  }

  function successText(action, answer, before) {
    const ticket = answer.ticket;
    const values = ticket ? { number: ticket.number, service: pick(ticket, "service_name") } : {};
    switch (action) {
      case "call-next":
        if (ticket) return tr("done_called", values);
        return before ? tr("line_empty_finished", { number: before.number }) : tr("line_empty");
      case "call": return tr("done_called", values);
      case "recall": return tr("done_recalled", values);
      case "start": return tr("done_started", values);
      case "finish": return tr("done_finished", values);
      case "no-show": return tr("done_no_show", values);
      case "transfer": return tr("done_transferred", values);
      case "pause": return tr("done_paused");
      case "resume": return tr("done_resumed");
      default: return "";
    }
  }

  function callTicket(ticketId, number) {
    perform("call", { ticket_id: ticketId }, { number }).catch(() => {});
  }

  function callNumber(event) {
    event.preventDefault();
    const input = $("number-input");
    const number = input.value.trim().toUpperCase().replace(/\s+/g, "");
    if (!/^[A-Z0-9]{1,3}[0-9]{3}$/.test(number)) return notice("error", tr("err_number_format"));
    if (state.live !== "up") return notice("error", tr("err_network_error"));
    perform("call", { number }, { number }, true)
      .then((answer) => { if (answer) input.value = ""; })
      .catch(() => input.select());
  }

  // --- errors in words ----------------------------------------------------------------------------

  function errorText(err, context) {
    const values = { message: err.message || "", number: "", counter: "", ...(context || {}) };
    if (err.code === "not_waiting" && !values.number) return tr("err_not_waiting_plain");
    const key = `err_${err.code}`;
    if (STRINGS.id[key] !== undefined) return tr(key, values);
    return tr("err_other", values);
  }

  function handleFatal(err, where) {
    if (!err) return;
    if (err.code === "unauthenticated") return showLogin(tr("err_unauthenticated"));
    if (err.code === "forbidden" && state.counterId) {
      return showChoose(errorText(err, { counter: counterName(state.counterId) }));
    }
    if (err.code === "network_error" && state.live !== "up") return; // the banner already says so
    if (where) showMessage(where, errorText(err));
    else notice("error", errorText(err));
  }

  // --- rendering ------------------------------------------------------------------------------------

  function renderAll() {
    if (document.body.dataset.view === "choose") renderChoices();
    if (!state.counter) return;
    renderCounter();
    renderQueue();
    renderFigures();
  }

  function renderCounter() {
    const counter = state.counter;
    if (!counter) return;
    $("counter-name").textContent = counter.name;
    const paused = counter.state === "paused";
    const pill = $("counter-state");
    pill.textContent = tr(paused ? "state_paused" : "state_open");
    pill.className = `state-pill ${paused ? "paused" : "open"}`;
    $("paused-note").hidden = !paused;
    $("current-card").classList.toggle("is-paused", paused);
    renderCurrent(counter.current);
    renderActions();
  }

  function renderCurrent(ticket) {
    const card = $("current-card");
    card.dataset.status = ticket ? ticket.status : "none";
    $("current-number").textContent = ticket ? ticket.number : "—";
    $("current-number").style.setProperty("--chars", ticket ? Math.max(4, ticket.number.length) : 4);
    const status = $("current-status");
    status.hidden = !ticket;
    if (ticket) {
      status.textContent = tr(`status_${ticket.status}`);
      status.className = `status-pill ${ticket.status}`;
    }
    const service = $("current-service");
    const paused = state.counter.state === "paused"; // then the pause note says what to do
    const idle = paused ? "" : tr("no_current");
    service.textContent = ticket ? `${pick(ticket, "service_name")} · ${ticket.agency_short_name}` : idle;
    const priority = $("current-priority");
    priority.hidden = !(ticket && ticket.priority);
    if (ticket && ticket.priority) priority.textContent = `${tr("priority")}: ${tr(`priority_${ticket.priority}`)}`;
    renderTimer();
  }

  function renderTimer() {
    const ticket = state.counter && state.counter.current;
    const timer = $("timer");
    const label = $("timer-label");
    if (!ticket) {
      timer.textContent = "";
      label.textContent = "";
      return;
    }
    const serving = ticket.status === "serving" && ticket.started_at;
    const since = Date.parse(serving ? ticket.started_at : ticket.called_at);
    const seconds = Number.isNaN(since) ? 0 : (serverNowMs() - since) / 1000;
    label.textContent = tr(serving ? "timer_serving" : "timer_called");
    const service = serviceById(ticket.service_id);
    const standard = service && service.standard_minutes;
    const over = serving && standard && seconds > standard * 60;
    timer.textContent = clockText(seconds) + (over ? ` (${tr("over_standard", { minutes: standard })})` : "");
    timer.classList.toggle("over", Boolean(over));
  }

  function renderActions() {
    for (const button of document.querySelectorAll("#actions [data-action]")) {
      const action = button.dataset.action;
      button.disabled = !enabled(action);
      button.classList.toggle("working", state.busy !== null && request(action) === state.busy);
    }
    const paused = state.counter && state.counter.state === "paused";
    const pauseLabel = $("pause-button").querySelector(".label");
    pauseLabel.dataset.i18n = paused ? "act_resume" : "act_pause";
    pauseLabel.textContent = tr(pauseLabel.dataset.i18n);
    $("pause-button").classList.toggle("active", Boolean(paused));
    const noCalls = state.live !== "up" || state.busy !== null;
    $("number-submit").disabled = noCalls;
    for (const button of document.querySelectorAll("#ticket-list button")) button.disabled = noCalls || callsHeld();
    $("work-view").classList.toggle("offline", state.live === "down");
  }

  function renderShortcuts() {
    const help = $("shortcut-list");
    help.replaceChildren();
    for (const shortcut of SHORTCUTS) {
      const button = document.querySelector(`#actions [data-action="${shortcut.action}"] .keys`);
      if (button) button.replaceChildren(...shortcut.show.map((key) => textElement("kbd", "", key)));
      const term = document.createElement("dt");
      shortcut.show.forEach((key, index) => {
        if (index) term.append(` ${tr("keys_or")} `);
        term.append(textElement("kbd", "", key));
      });
      const pause = shortcut.action === "pause";
      const label = pause ? `${tr("act_pause")} / ${tr("act_resume")}` : tr(actionKey(shortcut.action));
      help.append(term, textElement("dd", "", label));
    }
  }

  function actionKey(action) {
    return `act_${action.replace("-", "_")}`;
  }

  function renderQueue() {
    const queue = state.queue;
    if (!queue) return;
    const elapsed = (Date.now() - state.queueFetchedAt) / 1000;
    $("service-lines").replaceChildren(...queue.services.map((line) => serviceLine(line, elapsed)));
    const many = queue.services.length > 1;
    const tickets = queue.tickets.slice(0, MAX_LISTED);
    $("ticket-list").replaceChildren(...tickets.map((ticket) => ticketItem(ticket, many, elapsed)));
    $("queue-empty").hidden = queue.tickets.length > 0;
    renderActions();
  }

  function serviceLine(line, elapsed) {
    const item = document.createElement("li");
    item.className = "service-line";
    item.dataset.serviceId = line.service_id;
    item.append(textElement("span", "line-name", pick(line, "name")));
    item.append(textElement("span", "line-count", tr("queue_waiting", { count: line.waiting })));
    if (line.priority_waiting) {
      item.append(textElement("span", "line-priority", tr("queue_priority", { count: line.priority_waiting })));
    }
    if (line.oldest_wait_seconds !== null) {
      const wait = minutesText(line.oldest_wait_seconds + elapsed);
      item.append(textElement("span", "line-oldest", tr("queue_oldest", { wait })));
    }
    return item;
  }

  function ticketItem(ticket, many, elapsed) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "queue-ticket" + (ticket.priority ? " priority" : "");
    button.dataset.ticketId = ticket.id;
    button.dataset.number = ticket.number;
    button.setAttribute("aria-label", tr("queue_call_ticket", { number: ticket.number }));
    button.append(textElement("span", "ticket-number", ticket.number));
    const facts = textElement("span", "ticket-facts", "");
    if (many) facts.append(textElement("span", "ticket-service", lineName(ticket.service_id)));
    if (ticket.priority) facts.append(textElement("span", "badge priority", tr(`priority_${ticket.priority}`)));
    if (ticket.transferred) facts.append(textElement("span", "badge transferred", tr("transferred")));
    button.append(facts, textElement("span", "ticket-wait", minutesText(ticket.waiting_seconds + elapsed)));
    item.append(button);
    return item;
  }

  function lineName(serviceId) {
    const line = state.queue.services.find((s) => s.service_id === serviceId);
    return line ? pick(line, "name") : serviceId;
  }

  function renderFigures() {
    const figures = state.figures;
    if (!figures) return;
    const standard = figures.standard_seconds;
    fillFigures($("fig-counter"), figures.counter, standard);
    fillFigures($("fig-officer"), figures.officer, standard);
    $("fig-standard").textContent = standardText(standard);
  }

  function standardText(averageSeconds) {
    const services = state.counter.service_ids.map(serviceById).filter((s) => s && s.standard_minutes);
    if (!services.length || !averageSeconds) return tr("fig_no_standard");
    const minutes = Math.round(averageSeconds / 60);
    if (services.every((s) => s.standard_minutes === services[0].standard_minutes)) {
      return tr("fig_standard", { minutes: services[0].standard_minutes });
    }
    const list = services.map((s) => `${pick(s, "name")} ${tr("minutes_short", { n: s.standard_minutes })}`);
    return tr("fig_standards", { list: list.join(" · "), minutes });
  }

  function fillFigures(row, numbers, standard) {
    row.querySelector(".served").textContent = numbers.served;
    row.querySelector(".no-show").textContent = numbers.no_show;
    const average = row.querySelector(".average");
    const seconds = numbers.average_service_seconds;
    average.replaceChildren(seconds === null ? "—" : clockText(seconds));
    average.className = "average";
    if (seconds !== null && standard) {
      const within = seconds <= standard;
      average.classList.add(within ? "within" : "over");
      average.append(" ", textElement("small", "", tr(within ? "fig_within" : "fig_over")));
    }
  }

  function tick() {
    if (document.body.dataset.view !== "work") return;
    renderTimer();
    if (state.queue) {
      const elapsed = (Date.now() - state.queueFetchedAt) / 1000;
      for (const element of document.querySelectorAll("#ticket-list .queue-ticket")) {
        const ticket = state.queue.tickets.find((t) => t.id === element.dataset.ticketId);
        if (ticket) element.querySelector(".ticket-wait").textContent = minutesText(ticket.waiting_seconds + elapsed);
      }
    }
  }

  // --- transfer dialog -----------------------------------------------------------------------------

  function openTransfer() {
    const current = state.counter.current;
    state.transferChoice = null;
    $("transfer-title").textContent = tr("transfer_title", { number: current.number });
    $("transfer-search").value = "";
    showMessage($("transfer-message"), "");
    renderTransferList();
    $("transfer-dialog").showModal();
    $("transfer-search").focus();
  }

  function transferCandidates() {
    const current = state.counter && state.counter.current;
    const words = normalise($("transfer-search").value).split(" ").filter(Boolean);
    const found = [];
    for (const agency of state.agencies) {
      for (const service of agency.services) {
        if (current && service.id === current.service_id) continue;
        const haystack = normalise([service.name, service.name_en, service.prefix, agency.name, agency.name_en,
          agency.short_name, ...(service.keywords || [])].join(" "));
        if (words.every((word) => haystack.includes(word))) found.push({ service, agency });
      }
    }
    return found;
  }

  function normalise(text) {
    return (text || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/\s+/g, " ").trim();
  }

  function renderTransferList() {
    const found = transferCandidates();
    if (!found.some(({ service }) => service.id === state.transferChoice)) state.transferChoice = null;
    if (state.transferChoice === null && found.length === 1) state.transferChoice = found[0].service.id;
    const list = $("transfer-list");
    list.replaceChildren(...found.map(({ service, agency }) => transferItem(service, agency)));
    if (!found.length) list.append(textElement("li", "hint", tr("transfer_none")));
    $("transfer-confirm").disabled = state.transferChoice === null || state.live !== "up";
  }

  function transferItem(service, agency) {
    const item = document.createElement("li");
    const chosen = service.id === state.transferChoice;
    item.className = "transfer-option" + (chosen ? " chosen" : "");
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", String(chosen));
    item.dataset.serviceId = service.id;
    item.tabIndex = -1;
    item.append(
      textElement("span", "option-name", pick(service, "name")),
      textElement("span", "option-agency", `${agency.short_name} · ${service.prefix}`),
    );
    return item;
  }

  function chooseTransfer(serviceId) {
    state.transferChoice = serviceId;
    renderTransferList();
    const chosen = document.querySelector("#transfer-list .chosen");
    if (chosen) chosen.scrollIntoView({ block: "nearest" });
  }

  function moveTransferChoice(step) {
    const ids = transferCandidates().map(({ service }) => service.id);
    if (!ids.length) return;
    const index = ids.indexOf(state.transferChoice);
    chooseTransfer(ids[Math.min(ids.length - 1, Math.max(0, index + step))] || ids[0]);
  }

  async function confirmTransfer(event) {
    event.preventDefault();
    if (!state.transferChoice) return showMessage($("transfer-message"), tr("transfer_pick"));
    try {
      const answer = await perform("transfer", { service_id: state.transferChoice });
      if (answer) $("transfer-dialog").close();
    } catch (err) {
      showMessage($("transfer-message"), errorText(err));
    }
  }

  // --- keyboard and events -------------------------------------------------------------------------

  function shortcutFor(event) {
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    return SHORTCUTS.find((s) => s.codes.includes(event.code) || s.keys.includes(key)) || null;
  }

  function onKeyDown(event) {
    if (document.body.dataset.view !== "work" || $("transfer-dialog").open) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable], details")) return;
    // Enter and Space on a focused button the officer tabbed to keep their usual meaning.
    const focusedButton = target.closest("button:not([data-action])");
    if (focusedButton && (event.key === "Enter" || event.key === " ")) return;
    const shortcut = shortcutFor(event);
    if (!shortcut) return;
    event.preventDefault();
    if (event.repeat) return; // a held key is one press
    trigger(shortcut.action);
  }

  function onTransferKey(event) {
    if (event.key === "Escape") {
      // A search field would only clear itself on Escape; the officer means "cancel".
      event.preventDefault();
      $("transfer-dialog").close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      moveTransferChoice(event.key === "ArrowDown" ? 1 : -1);
    }
  }

  function bindEvents() {
    $("login-form").addEventListener("submit", login);
    $("logout").addEventListener("click", logout);
    $("lang-switch").addEventListener("click", () => setLanguage(state.lang === "id" ? "en" : "id"));
    $("change-counter").addEventListener("click", () => showChoose());
    $("counter-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-counter-id]");
      if (button) openCounter(button.dataset.counterId);
    });
    $("actions").addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) trigger(button.dataset.action);
    });
    $("ticket-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-ticket-id]");
      if (button) callTicket(button.dataset.ticketId, button.dataset.number);
    });
    $("number-form").addEventListener("submit", callNumber);
    $("transfer-form").addEventListener("submit", confirmTransfer);
    $("transfer-cancel").addEventListener("click", () => $("transfer-dialog").close());
    // Focus must leave the closed dialog at once, or the next shortcut would land in its search field.
    $("transfer-dialog").addEventListener("close", () => {
      if ($("transfer-dialog").contains(document.activeElement)) document.activeElement.blur();
    });
    $("transfer-search").addEventListener("input", () => renderTransferList());
    $("transfer-search").addEventListener("keydown", onTransferKey);
    $("transfer-list").addEventListener("click", (event) => {
      const option = event.target.closest("[data-service-id]");
      if (option) chooseTransfer(option.dataset.serviceId);
    });
    $("transfer-list").addEventListener("dblclick", (event) => {
      const option = event.target.closest("[data-service-id]");
      if (option) $("transfer-form").requestSubmit();
    });
    document.addEventListener("keydown", onKeyDown);
    // A button clicked with the mouse gives focus back, so Enter stays "call next".
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("button, summary");
      if (button && event.detail > 0 && !button.closest("dialog")) button.blur();
    });
  }

  document.addEventListener("DOMContentLoaded", boot);
})();
