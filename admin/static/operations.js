// Today's operations: close or reopen a service or counter (with a reason the kiosk
// shows), the list of today's closures, and the printers' health (live).
(function () {
  "use strict";
  const { el, clear, tr, user } = AdminUI;
  const $ = Antrean.$;
  const state = { agencies: [], counters: [], closures: [] };

  function mine(agencyId) {
    return user.seesAllAgencies || agencyId === user.agencyId;
  }

  function fillTargets() {
    const select = clear($("close-target"));
    if ($("close-kind").value === "service") {
      for (const agency of state.agencies.filter((a) => mine(a.id))) {
        const group = el("optgroup", { label: agency.short_name });
        for (const service of agency.services) {
          const name = AdminUI.lang === "en" ? service.name_en || service.name : service.name;
          group.append(el("option", { value: service.id, text: `${name} (${service.prefix})` }));
        }
        select.append(group);
      }
    } else {
      for (const counter of state.counters.filter((c) => mine(c.agency_id))) {
        select.append(el("option", { value: counter.id, text: `${counter.name} · ${counter.agency_id}` }));
      }
    }
  }

  function renderClosures() {
    const tbody = clear($("closures-table").tBodies[0]);
    if (!state.closures.length) {
      tbody.append(el("tr", {}, el("td", { colSpan: 5, className: "empty", text: tr("no_closures") })));
    }
    for (const closure of state.closures) {
      const reopen = closure.active
        ? el("button", { type: "button", className: "button-light", text: tr("reopen"),
          dataset: { closureId: closure.id }, on: { click: () => reopenClosure(closure) } })
        : el("span", { className: "muted small", text: `${tr("reopened_at")} ${AdminUI.timeOf(closure.reopened_at)}` });
      tbody.append(el("tr", { dataset: { target: closure.target_id } },
        el("td", {}, el("span", { className: `tag ${closure.active ? "tag-closed" : ""}`, text: tr(`kind_${closure.kind}`) }),
          " ", el("strong", { text: closure.target_name })),
        el("td", { text: closure.reason }),
        el("td", { text: closure.actor || "" }),
        el("td", { text: AdminUI.timeOf(closure.at) }),
        el("td", {}, reopen)));
    }
  }

  async function loadClosures() {
    const data = await Antrean.api("/api/v1/admin/closures");
    state.closures = data.closures;
    renderClosures();
  }

  async function reopenClosure(closure) {
    try {
      await Antrean.api(`/api/v1/admin/closures/${closure.id}/reopen`, { method: "POST" });
      AdminUI.notify(tr("reopened_notice", { name: closure.target_name }));
      await loadClosures();
    } catch (err) {
      AdminUI.notify(AdminUI.errorText(err), true);
    }
  }

  async function submit(event) {
    event.preventDefault();
    const error = $("close-error");
    error.hidden = true;
    const body = { kind: $("close-kind").value, target_id: $("close-target").value, reason: $("close-reason").value.trim() };
    if (!body.reason) {
      error.textContent = tr("reason_required");
      error.hidden = false;
      $("close-reason").focus();
      return;
    }
    try {
      const closure = await Antrean.api("/api/v1/admin/closures", { method: "POST", body });
      AdminUI.notify(tr("closed_notice", { name: closure.target_name }));
      $("close-reason").value = "";
      await loadClosures();
    } catch (err) {
      error.textContent = AdminUI.errorText(err);
      error.hidden = false;
    }
  }

  async function loadCatalog() {
    const [agencies, counters] = await Promise.all([Antrean.api("/api/v1/agencies"), Antrean.api("/api/v1/counters")]);
    state.agencies = agencies.agencies;
    state.counters = counters.counters;
    fillTargets();
  }

  const printers = AdminPrinters.mount(document.querySelector("#printers-table tbody"));
  $("close-kind").addEventListener("change", fillTargets);
  $("close-form").addEventListener("submit", submit);
  AdminUI.onLang(() => { fillTargets(); renderClosures(); });
  loadCatalog().catch((err) => AdminUI.notify(AdminUI.errorText(err), true));
  loadClosures().catch((err) => AdminUI.notify(AdminUI.errorText(err), true));
  Antrean.live([{ admin: true }], {
    "printer.updated": (change) => printers.update(change),
    "config.updated": () => { loadCatalog(); printers.load(); },
  }, { onStatus: AdminUI.connectionBanner });
})();
