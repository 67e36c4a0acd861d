// The phone page's steps of a visit through several services (the Ticket's `steps`): each one
// done, now or next, in order; the current one with the people ahead while it waits and the
// counter once called. No page state: phone.js calls PhoneSteps.render with the ticket.
(function () {
  "use strict";

  const el = Antrean.el;
  const PAST = ["done", "no_show", "skipped"];
  const NOW = ["waiting", "called", "serving"];

  // Which step the visitor is at: the server marks it (`current`); else the first one waiting,
  // called or being served (none once the visit is over).
  function currentIndex(steps) {
    const marked = steps.findIndex((step) => step.current);
    if (marked >= 0 && NOW.includes(steps[marked].status)) return marked;
    return steps.findIndex((step) => NOW.includes(step.status));
  }

  function phase(step, index, current) {
    if (PAST.includes(step.status)) return step.status === "done" ? "done" : "missed";
    return index === current ? "now" : "next";
  }

  // What the current step's line says: people ahead, the counter it was called to, or served there.
  function nowText(step, ticket, { tr, place }) {
    if (step.status === "called") return tr("step_called", { counter: place });
    if (step.status === "serving") return tr("step_serving", { counter: place });
    const ahead = step.ahead !== undefined && step.ahead !== null ? step.ahead : ticket.ahead;
    return ahead ? tr("step_ahead", { count: ahead }) : tr("step_next_in_line");
  }

  // The step's service in the visitor's language and its agency, as the Ticket words them.
  function render(container, ticket, { tr, lang, place }) {
    const steps = ticket.steps || [];
    const list = container.querySelector("ol");
    container.hidden = steps.length < 2;
    if (container.hidden) return list.replaceChildren();
    const current = currentIndex(steps);
    list.replaceChildren(...steps.map((step, index) => {
      const name = (lang === "en" && step.service_name_en) || step.service_name || step.service_id;
      const where = phase(step, index, current);
      const item = el("li", { className: `step step-${where}`, dataset: { phase: where, serviceId: step.service_id } });
      if (where === "now") item.setAttribute("aria-current", "step");
      const head = el("p", "step-head");
      head.append(el("span", "step-position", tr("step_n", { n: index + 1 })),
        el("span", `step-badge badge-${where}`, tr(`step_${where}`)));
      item.append(head, el("p", "step-name", name));
      if (step.agency_short_name) item.append(el("p", "step-agency", step.agency_short_name));
      if (where === "now") item.append(el("p", "step-detail", nowText(step, ticket, { tr, place })));
      // Where a later step is served, so the visitor can find it ("Loket 22–23, Lantai 1").
      const there = (lang === "en" && step.place_en) || step.place;
      if (where === "next" && there) item.append(el("p", "step-where", tr("step_where", { place: there })));
      return item;
    }));
  }

  window.PhoneSteps = { render, currentIndex };
})();
