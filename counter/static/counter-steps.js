// The counter page and visits of several steps: the current visitor's steps on the card (so the
// officer sees where they go next), and adding a step (the dialog is counter-transfer.js's,
// in its "step" mode). The button is lit only when the server's `actions` allow it.
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, el, tr } = C;
  const PAST = ["done", "no_show", "skipped"];
  const NOW = ["waiting", "called", "serving"];

  function serviceName(serviceId, fallback) {
    const service = C.serviceById(serviceId);
    return service ? C.pick(service, "name") : fallback || serviceId;
  }

  function agencyShort(serviceId) {
    const agency = state.agencies.find((item) => item.services.some((service) => service.id === serviceId));
    return agency ? agency.short_name : "";
  }

  // Every step in order: done, here now, next; a return step names its counter.
  C.renderSteps = function renderSteps(ticket) {
    const steps = (ticket && ticket.steps) || [];
    const box = $("current-steps");
    box.hidden = steps.length < 2;
    if (box.hidden) return $("current-step-list").replaceChildren();
    const current = steps.findIndex((step) => NOW.includes(step.status));
    $("current-step-list").replaceChildren(...steps.map((step, index) => {
      const phase = PAST.includes(step.status) ? "done" : index === current ? "now" : "next";
      const item = el("li", { className: `step step-${phase}`, dataset: { phase, serviceId: step.service_id } });
      if (phase === "now") item.setAttribute("aria-current", "step");
      const short = step.agency_short_name || agencyShort(step.service_id);
      const label = `${index + 1}. ${serviceName(step.service_id, step.service_name)}`;
      item.append(el("span", { className: "step-name", title: label, text: label }));
      if (short) item.append(el("span", "step-agency", short));
      // A step only one counter calls (a return): say which, so the officer knows it comes back.
      const only = step.return_counter_id;
      if (phase !== "done" && only) {
        const name = only === state.counterId ? tr("step_back_here") : tr("step_at_counter", { counter: C.counterName(only) });
        item.append(el("span", "step-counter", name));
      }
      item.append(el("span", `step-badge badge-${phase}`, tr(`step_${phase}`)));
      return item;
    }));
  };

  // Add a step after the current one. One request at a time, like every other action.
  C.addStep = async function addStep(serviceId, returnToCounter) {
    const current = state.counter && state.counter.current;
    if (state.busy || state.live !== "up" || !current) return null;
    const counterId = state.counterId;
    state.busy = "add-step";
    C.renderActions();
    try {
      // The same key when the officer sends the same step again after a lost answer (the page
      // still shows as many steps): the server answers the visit as it is, with no second step.
      const seen = (current.steps || []).length;
      const key = `step-${current.id}-${seen}-${serviceId}-${returnToCounter ? 1 : 0}`.slice(0, 128);
      const ticket = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(current.id)}/steps`,
        { method: "POST", body: { service_id: serviceId, return_to_counter: returnToCounter },
          headers: { "Idempotency-Key": key } });
      if (counterId !== state.counterId) return null;
      if (state.counter.current && state.counter.current.id === ticket.id) {
        state.counter = { ...state.counter, current: ticket };
      }
      const values = { number: ticket.number, service: serviceName(serviceId) };
      C.notice("ok", tr(returnToCounter ? "done_step_added_return" : "done_step_added", values));
      return ticket;
    } catch (err) {
      if (err.code === "unauthenticated") C.showLogin(tr("err_unauthenticated"));
      throw err;
    } finally {
      if (counterId === state.counterId) {
        state.busy = null;
        C.renderCounter();
        C.later("counter", C.refreshCounter); // the server's word on the actions after it
      }
    }
  };
})();
