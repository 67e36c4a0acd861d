// The counter page's current-ticket card and its action buttons: what the counter holds,
// how long it has been held, and which actions are lit (C.allowed, from the server's `actions`).
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, tr } = C;

  C.renderCounter = function renderCounter() {
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
    C.renderActions();
  };

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
    const paused = state.counter.state === "paused"; // then the pause note says what to do
    const last = state.counter.last_called;
    const idle = paused ? "" : last
      ? tr("last_called", { number: last.number, status: tr(`last_status_${last.status}`) })
      : tr("no_current");
    // Call next over a visitor only called (never started) records a no-show: say it before.
    const warning = $("call-next-warning");
    warning.hidden = !(ticket && ticket.status === "called");
    warning.textContent = warning.hidden ? "" : tr("call_next_no_show", { number: ticket.number });
    $("current-service").textContent = ticket ? `${C.pick(ticket, "service_name")} · ${ticket.agency_short_name}` : idle;
    const priority = $("current-priority");
    priority.hidden = !(ticket && ticket.priority);
    if (ticket && ticket.priority) priority.textContent = `${tr("priority")}: ${tr(`priority_${ticket.priority}`)}`;
    C.renderSteps(ticket);
    C.renderTimer();
  }

  C.renderTimer = function renderTimer() {
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
    const seconds = Number.isNaN(since) ? 0 : (Antrean.clock.now() - since) / 1000;
    label.textContent = tr(serving ? "timer_serving" : "timer_called");
    const service = C.serviceById(ticket.service_id);
    const standard = service && service.standard_minutes;
    const over = serving && standard && seconds > standard * 60;
    timer.textContent = C.clockText(seconds) + (over ? ` (${tr("over_standard", { minutes: standard })})` : "");
    timer.classList.toggle("over", Boolean(over));
  };

  C.renderActions = function renderActions() {
    const actions = (state.counter && state.counter.actions) || {};
    for (const button of document.querySelectorAll("#actions [data-action]")) {
      const action = button.dataset.action;
      button.disabled = !C.allowed(action);
      const asked = action === "pause" && actions.resume ? "resume" : action;
      button.classList.toggle("working", state.busy !== null && asked === state.busy);
    }
    // "Add step": there while the server says a step may be added (else where the transfer may).
    $("add-step").hidden = !(state.counter && state.counter.current && actions["add-step"]);
    $("add-step").disabled = !C.allowed("add-step");
    $("add-step").classList.toggle("working", state.busy === "add-step");
    const paused = Boolean(actions.resume);
    const pauseLabel = $("pause-button").querySelector(".label");
    pauseLabel.dataset.i18n = paused ? "act_resume" : "act_pause";
    pauseLabel.textContent = tr(pauseLabel.dataset.i18n);
    $("pause-button").classList.toggle("active", paused);
    const noCalls = state.live !== "up" || state.busy !== null || !actions.call;
    $("number-submit").disabled = noCalls;
    for (const button of document.querySelectorAll("#ticket-list button")) button.disabled = noCalls || C.callsHeld();
    $("work-view").classList.toggle("offline", state.live === "down");
  };
})();
