// The counter page's work screen: the live connection, the officer's actions and the current
// ticket. Which actions the counter allows now is the server's word (`counter.actions`); the
// page adds only its own guards (connected, one action at a time, a double press calls once).
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, tr } = C;
  const QUEUE_DEBOUNCE_MS = 250;
  const FIGURES_DEBOUNCE_MS = 500;
  // After a call, calling is held this long (the buttons show it): a double press calls one ticket.
  const CALL_SETTLE_MS = 800;
  const CALLS = new Set(["call-next", "call"]);

  C.openCounter = async function openCounter(counterId) {
    C.leaveCounter();
    state.counterId = counterId;
    let counter;
    try {
      counter = await Antrean.api(`/api/v1/counters/${encodeURIComponent(counterId)}`);
    } catch (err) {
      state.counterId = null;
      if (err.code === "unauthenticated") return C.showLogin(tr("err_unauthenticated"));
      return C.showChoose(C.errorText(err, { counter: C.counterName(counterId) }));
    }
    state.counter = counter;
    localStorage.setItem(C.COUNTER_KEY, counterId);
    document.body.dataset.counterId = counterId;
    history.replaceState(null, "", `/counter/${encodeURIComponent(counterId)}`);
    C.notice("info", "");
    C.showView("work");
    C.renderAll();
    connectLive(counterId);
  };

  C.leaveCounter = function leaveCounter() {
    const socket = state.socket;
    state.socket = null;
    if (socket) socket.disconnect();
    for (const timer of Object.values(state.timers)) clearTimeout(timer);
    state.timers = {};
    Object.assign(state, { counterId: null, counter: null, queue: null, figures: null, recent: null, live: "off", busy: null });
    const dialog = $("transfer-dialog");
    if (dialog.open) dialog.close();
  };

  // --- live data -----------------------------------------------------------------------------

  function connectLive(counterId) {
    state.live = "connecting";
    const mine = () => socket !== undefined && state.socket === socket;
    const handlers = {
      "counter.updated": (counter) => mine() && counter.id === state.counterId && applyCounter(counter),
      "queue.updated": (update) => mine() && servesService(update.service_id) && later("queue", C.refreshQueue),
      "ticket.updated": (ticket) => mine() && onTicketUpdated(ticket),
      error: (problem) => mine() && C.notice("error", C.errorText({ code: problem.code, message: problem.message })),
    };
    // Every (re)connect ends with a fresh copy of everything on the screen.
    const socket = Antrean.live([{ counter_id: counterId }], handlers, {
      onStatus: (up) => mine() && onLive(up),
      resync: () => mine() && resync(),
    });
    state.socket = socket;
  }

  function servesService(serviceId) {
    return state.counter !== null && state.counter.service_ids.includes(serviceId);
  }

  function onLive(up) {
    state.live = up ? "up" : "down";
    $("connection-banner").hidden = up;
    C.renderActions();
  }

  async function resync() {
    try {
      await Promise.all([refreshCounter(), C.refreshQueue(), C.refreshFigures(), C.refreshRecent()]);
    } catch (err) {
      C.handleFatal(err);
    }
  }

  function later(kind, fn) {
    clearTimeout(state.timers[kind]);
    const wait = kind === "queue" ? QUEUE_DEBOUNCE_MS : FIGURES_DEBOUNCE_MS;
    state.timers[kind] = setTimeout(() => fn().catch(C.handleFatal), wait);
  }
  C.later = later;

  // Fetch something and apply it only if no newer fetch of the same kind was started meanwhile.
  C.fetchLatest = async function fetchLatest(kind, path) {
    const seq = ++state.fetchSeq[kind];
    const counterId = state.counterId;
    const answer = await Antrean.api(path);
    return seq === state.fetchSeq[kind] && counterId === state.counterId ? answer : null;
  };

  C.refreshCounter = () => refreshCounter();

  async function refreshCounter() {
    if (!state.counterId) return;
    const counter = await C.fetchLatest("counter", `/api/v1/counters/${state.counterId}`);
    if (counter) applyCounter(counter);
  }

  function applyCounter(counter) {
    state.counter = counter;
    C.renderCounter();
    later("figures", C.refreshFigures);
  }

  function onTicketUpdated(ticket) {
    const current = state.counter && state.counter.current;
    if (!current || current.id !== ticket.id) return;
    if (ticket.counter_id === state.counterId && (ticket.status === "called" || ticket.status === "serving")) {
      state.counter = { ...state.counter, current: ticket };
      C.renderCounter();
    } else {
      later("counter", refreshCounter);
    }
  }

  // --- the actions ---------------------------------------------------------------------------

  function callsHeld() {
    return state.callsResumeAt > Date.now();
  }
  C.callsHeld = callsHeld;

  // What a button asks the server: the pause button resumes a paused counter.
  function request(action) {
    const actions = (state.counter && state.counter.actions) || {};
    return action === "pause" && actions.resume ? "resume" : action;
  }

  // Whether a button is lit: the server allows it, and the page is free to send it.
  C.allowed = function allowed(action) {
    if (state.live !== "up" || state.busy || !state.counter) return false;
    const asked = request(action);
    if (CALLS.has(asked) && callsHeld()) return false;
    const actions = state.counter.actions || {};
    return Boolean(actions[asked]);
  };

  // A button or key. An action the counter does not allow now is still sent: the server
  // refuses it with the reason (not called yet, already serving, paused), which the officer reads.
  C.trigger = function trigger(action) {
    if (state.live === "down") return C.notice("error", tr("err_network_error"));
    const dialog = { transfer: "transfer", "add-step": "step" }[action];
    if (!dialog) return perform(request(action)).catch(() => {}); // perform() said what went wrong
    if (C.allowed(action)) return C.openTransfer(dialog);
    if (state.live !== "up" || !state.counter) return;
    if (!state.counter.current) C.notice("error", tr("err_no_current_ticket"));
    else if (action === "add-step") C.notice("error", tr("err_add_step_not_now"));
  };

  // Run one counter action; only one at a time, so a double press cannot call two tickets.
  // A typed number is deliberate, so it skips the hold that stops a double press (`typed`).
  async function perform(action, body, context, typed = false) {
    if (state.busy || state.live !== "up" || !state.counterId) return null;
    if (CALLS.has(action) && callsHeld() && !typed) return null;
    const counterId = state.counterId;
    const before = state.counter.current;
    state.busy = action;
    C.renderActions();
    try {
      const answer = await Antrean.api(`/api/v1/counters/${counterId}/${action}`, { method: "POST", body });
      if (counterId !== state.counterId) return null;
      if (CALLS.has(action)) holdCalls();
      state.counter = answer.counter;
      C.forgetWaiting(answer.ticket);
      C.notice("ok", successText(action, answer, before));
      later("queue", C.refreshQueue);
      later("figures", C.refreshFigures);
      if (CALLS.has(action) || action === "transfer") later("recent", C.refreshRecent);
      return answer;
    } catch (err) {
      if (counterId === state.counterId) actionFailed(err, context);
      throw err;
    } finally {
      if (counterId === state.counterId) {
        state.busy = null;
        C.renderCounter();
      }
    }
  }
  C.perform = perform;

  function holdCalls() {
    state.callsResumeAt = Date.now() + CALL_SETTLE_MS;
    clearTimeout(state.timers.held);
    state.timers.held = setTimeout(C.renderActions, CALL_SETTLE_MS + 20);
  }

  function actionFailed(err, context) {
    if (err.code === "unauthenticated") return C.showLogin(tr("err_unauthenticated"));
    if (err.code === "forbidden" || err.code === "unknown_counter") {
      return C.showChoose(C.errorText(err, { counter: state.counter ? state.counter.name : state.counterId }));
    }
    C.notice("error", C.errorText(err, context));
    // The screen may be behind the server (another counter called that ticket): catch up.
    later("queue", C.refreshQueue);
    later("counter", refreshCounter);
  }

  function successText(action, answer, before) {
    const ticket = answer.ticket;
    const values = ticket ? { number: ticket.number, service: C.pick(ticket, "service_name") } : {};
    const skipped = CALLS.has(action) && before && before.status === "called"; // closed as a no-show
    if (action === "call-next" && !ticket) {
      if (!before) return tr("line_empty");
      return tr(skipped ? "line_empty_no_show" : "line_empty_finished", { number: before.number });
    }
    if (skipped && ticket) return tr("done_called_after_no_show", { ...values, previous: before.number });
    const keys = {
      "call-next": "done_called", call: "done_called", recall: "done_recalled", start: "done_started",
      finish: "done_finished", "no-show": "done_no_show", transfer: "done_transferred",
      pause: "done_paused", resume: "done_resumed",
    };
    return keys[action] ? tr(keys[action], values) : "";
  }

  C.callTicket = function callTicket(ticketId, number) {
    perform("call", { ticket_id: ticketId }, { number }).catch(() => {});
  };

  // A typed number, read as the server reads one (the vocabulary's pattern: A012, IKD007, A1000).
  const NUMBER = new RegExp(`^(?:${Antrean.boot.vocabulary.number_pattern})$`);

  C.callNumber = function callNumber(event) {
    event.preventDefault();
    const input = $("number-input");
    const number = input.value.trim().toUpperCase().replace(/[\s-]+/g, "");
    if (!NUMBER.test(number)) return C.notice("error", tr("err_number_format"));
    if (state.live !== "up") return C.notice("error", tr("err_network_error"));
    perform("call", { number }, { number }, true)
      .then((answer) => { if (answer) input.value = ""; })
      .catch(() => input.select());
  };
})();
