// The confirmation screen: fills in the ticket just issued and what the printer did.
(function () {
  "use strict";

  const $ = Antrean.$;

  // What the printer did; returns whether the visitor holds a paper ticket.
  function fillPrintStatus(print, tr) {
    const status = ["printed", "queued", "failed"].includes(print.status) ? print.status : "not_requested";
    const box = $("print-status");
    box.className = `print-status print-${status}`;
    box.dataset.status = status;
    $("print-message").textContent = tr(`print_${status}`);
    const printed = status === "printed";
    $("print-photo").hidden = printed; // no paper: the visitor photographs the screen
    $("print-staff").hidden = printed || status === "not_requested";
    return printed;
  }

  // A visit of several steps: every step in order, the first one marked "now" (one number for all).
  function fillSteps(ticket, { lang, tr, services, agencyOf }) {
    const View = window.KioskView;
    const steps = ticket.steps || [];
    const box = $("ticket-steps");
    box.hidden = steps.length < 2;
    if (box.hidden) return $("ticket-step-list").replaceChildren();
    const current = steps.findIndex((step) => !["done", "no_show", "skipped"].includes(step.status));
    $("ticket-step-list").replaceChildren(...steps.map((step, index) => {
      const service = services && services.get(step.service_id);
      const agency = agencyOf && agencyOf.get(step.service_id);
      const name = service ? View.serviceName(service, lang)
        : (lang === "en" && step.service_name_en) || step.service_name || step.service_id;
      const item = Antrean.el("li", { className: `ticket-step${index === current ? " now" : ""}` });
      item.append(
        Antrean.el("span", "ticket-step-name", `${index + 1}. ${name}`),
        Antrean.el("span", "ticket-step-agency", agency ? agency.short_name : step.agency_short_name || ""),
      );
      if (index === current) item.append(Antrean.el("span", "ticket-step-now", tr("step_first")));
      return item;
    }));
  }

  // Number, service, agency, place in line, where to go (counters and floor), QR; returns whether it printed.
  function fill(ticket, { lang, tr, agency, services = null, agencyOf = null }) {
    const View = window.KioskView;
    $("ticket-number").textContent = ticket.number;
    const priority = $("ticket-priority");
    priority.hidden = !ticket.priority;
    priority.textContent = ticket.priority ? tr("priority_badge", { name: tr(`priority_${ticket.priority}`) }) : "";
    const serviceName = lang === "en" ? ticket.service_name_en || ticket.service_name : ticket.service_name;
    $("ticket-service").textContent = serviceName;
    $("ticket-agency").textContent = agency ? View.agencyName(agency, lang) : ticket.agency_name || "";
    $("ticket-ahead").textContent = ticket.ahead ? tr("ahead_count", { count: ticket.ahead }) : tr("ahead_none");
    $("ticket-wait").textContent = ticket.ahead
      ? Antrean.waitText(ticket, tr) || tr("wait_unknown")
      : tr("wait_soon");
    // Where to go, with the floor, as the server words it ("Loket 1–4, Lantai 1").
    const place = (lang === "en" && ticket.place_en) || ticket.place;
    const counters = (lang === "en" && ticket.counter_names_en) || ticket.counter_names || [];
    $("ticket-counters").textContent = place || counters.join(", ") || "—";
    // The issuing answer's qr_url carries the survey secret (?k=): the QR shown here carries it too.
    fillSteps(ticket, { lang, tr, services, agencyOf });
    const key = ticket.qr_url ? new URL(ticket.qr_url, window.location.href).searchParams.get("k") : null;
    $("ticket-qr").src = `/kiosk/qr/${encodeURIComponent(ticket.id)}.svg${key ? `?k=${encodeURIComponent(key)}` : ""}`;
    return fillPrintStatus(ticket.print || { status: "not_requested" }, tr);
  }

  window.KioskTicket = { fill };
})();
