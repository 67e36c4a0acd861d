// The counter page's waiting list (the lines of its services, the tickets to call out of
// turn) and today's figures for the counter and the officer.
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, el, tr } = C;

  C.refreshQueue = async function refreshQueue() {
    if (!state.counterId) return;
    const queue = await C.fetchLatest("queue", `/api/v1/counters/${state.counterId}/queue`);
    if (!queue) return;
    state.queue = queue;
    state.queueFetchedAt = Date.now();
    C.renderQueue();
  };

  C.refreshFigures = async function refreshFigures() {
    if (!state.counterId) return;
    const figures = await C.fetchLatest("figures", `/api/v1/counters/${state.counterId}/figures`);
    if (!figures) return;
    state.figures = figures;
    C.renderFigures();
  };

  // The ticket an action just took is no longer waiting here; the refetch that follows
  // confirms it, but the list must not show it meanwhile (or when the line drops).
  C.forgetWaiting = function forgetWaiting(ticket) {
    if (!ticket || !state.queue || ticket.status === "waiting") return;
    if (!state.queue.tickets.some((t) => t.id === ticket.id)) return;
    state.queue.tickets = state.queue.tickets.filter((t) => t.id !== ticket.id);
    const line = state.queue.services.find((s) => s.service_id === ticket.service_id);
    if (line) {
      line.waiting = Math.max(0, line.waiting - 1);
      if (ticket.priority) line.priority_waiting = Math.max(0, line.priority_waiting - 1);
    }
    C.renderQueue();
  };

  C.renderQueue = function renderQueue() {
    const queue = state.queue;
    if (!queue) return;
    const elapsed = (Date.now() - state.queueFetchedAt) / 1000;
    $("service-lines").replaceChildren(...queue.services.map((line) => serviceLine(line, elapsed)));
    const many = queue.services.length > 1;
    const tickets = queue.tickets.slice(0, C.MAX_LISTED);
    $("ticket-list").replaceChildren(...tickets.map((ticket) => ticketItem(ticket, many, elapsed)));
    $("queue-empty").hidden = queue.tickets.length > 0;
    C.renderActions();
  };

  function serviceLine(line, elapsed) {
    const item = el("li", { className: "service-line", dataset: { serviceId: line.service_id } });
    item.append(el("span", "line-name", C.pick(line, "name")));
    item.append(el("span", "line-count", tr("queue_waiting", { count: line.waiting })));
    if (line.priority_waiting) {
      item.append(el("span", "line-priority", tr("queue_priority", { count: line.priority_waiting })));
    }
    if (line.oldest_wait_seconds !== null) {
      const wait = C.minutesText(line.oldest_wait_seconds + elapsed);
      item.append(el("span", "line-oldest", tr("queue_oldest", { wait })));
    }
    return item;
  }

  function ticketItem(ticket, many, elapsed) {
    const button = el("button", {
      type: "button",
      className: "queue-ticket" + (ticket.priority ? " priority" : ""),
      dataset: { ticketId: ticket.id, number: ticket.number },
      "aria-label": tr("queue_call_ticket", { number: ticket.number }),
    });
    button.append(el("span", "ticket-number", ticket.number));
    const facts = el("span", "ticket-facts");
    if (many) facts.append(el("span", "ticket-service", lineName(ticket.service_id)));
    if (ticket.priority) facts.append(el("span", "badge priority", tr(`priority_${ticket.priority}`)));
    if (ticket.transferred) facts.append(el("span", "badge transferred", tr("transferred")));
    button.append(facts, el("span", "ticket-wait", C.minutesText(ticket.waiting_seconds + elapsed)));
    return el("li", {}, button);
  }

  function lineName(serviceId) {
    const line = state.queue.services.find((s) => s.service_id === serviceId);
    return line ? C.pick(line, "name") : serviceId;
  }

  // --- today's figures --------------------------------------------------------------------------

  C.renderFigures = function renderFigures() {
    const figures = state.figures;
    if (!figures) return;
    const standard = figures.standard_seconds;
    fillFigures($("fig-counter"), figures.counter, standard);
    fillFigures($("fig-officer"), figures.officer, standard);
    $("fig-standard").textContent = standardText(standard);
  };

  function standardText(averageSeconds) {
    const services = state.counter.service_ids.map(C.serviceById).filter((s) => s && s.standard_minutes);
    if (!services.length || !averageSeconds) return tr("fig_no_standard");
    const minutes = Math.round(averageSeconds / 60);
    if (services.every((s) => s.standard_minutes === services[0].standard_minutes)) {
      return tr("fig_standard", { minutes: services[0].standard_minutes });
    }
    const list = services.map((s) => `${C.pick(s, "name")} ${tr("minutes_short", { n: s.standard_minutes })}`);
    return tr("fig_standards", { list: list.join(" · "), minutes });
  }

  function fillFigures(row, numbers, standard) {
    row.querySelector(".served").textContent = numbers.served;
    row.querySelector(".no-show").textContent = numbers.no_show;
    const average = row.querySelector(".average");
    const seconds = numbers.average_service_seconds;
    average.replaceChildren(seconds === null ? "—" : C.clockText(seconds));
    average.className = "average";
    if (seconds !== null && standard) {
      const within = seconds <= standard;
      average.classList.add(within ? "within" : "over");
      average.append(" ", el("small", "", tr(within ? "fig_within" : "fig_over")));
    }
  }

  // Every second: the current ticket's timer and the waits in the list run on.
  C.tick = function tick() {
    if (document.body.dataset.view !== "work") return;
    C.renderTimer();
    if (!state.queue) return;
    const elapsed = (Date.now() - state.queueFetchedAt) / 1000;
    for (const element of document.querySelectorAll("#ticket-list .queue-ticket")) {
      const ticket = state.queue.tickets.find((t) => t.id === element.dataset.ticketId);
      if (ticket) element.querySelector(".ticket-wait").textContent = C.minutesText(ticket.waiting_seconds + elapsed);
    }
  };
})();
