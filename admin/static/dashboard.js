// The live overview: fetched from /api/v1/admin/overview whenever the hall changes
// (Socket.IO `overview.changed` in room "admin"); waiting times tick on in the page.
(function () {
  "use strict";
  const { el, clear, tr, duration, user } = AdminUI;
  const $ = Antrean.$;
  const state = { data: null, fetchedAt: 0, agencyId: user.seesAllAgencies ? "" : user.agencyId, names: {} };

  function serviceName(item) {
    return AdminUI.lang === "en" ? item.name_en || item.name : item.name;
  }

  function elapsed() {
    return (performance.now() - state.fetchedAt) / 1000;
  }

  function renderCards(data) {
    $("waiting-total").textContent = AdminUI.number(data.waiting);
    const lines = data.services.filter((s) => s.waiting > 0).length;
    $("waiting-sub").textContent = tr("in_n_services", { count: lines });
    const longest = data.longest_wait;
    $("longest-value").dataset.base = longest ? longest.seconds : "";
    const service = longest && data.services.find((s) => s.service_id === longest.service_id);
    $("longest-sub").textContent = longest ? `${longest.number} · ${service ? serviceName(service) : longest.service_id}` : tr("nobody_waiting");
    const totals = data.counters.totals;
    $("counters-open").textContent = `${totals.open} / ${data.counters.items.length}`;
    $("counters-sub").textContent = tr("counter_totals", totals);
    const served = data.served_today;
    $("served-today").textContent = AdminUI.number(served.served);
    $("served-sub").textContent = served.usual === null
      ? tr("usual_unknown")
      : tr("usual_by_now", { usual: AdminUI.number(served.usual, 1), day: tr(`weekday_${served.weekday}`) });
    $("card-served").className = `card ${served.usual !== null && served.served < served.usual * 0.8 ? "warn" : "ok"}`;
    $("updated").textContent = AdminUI.timeOf(data.at) + data.at.slice(16, 19);
  }

  function statusTag(service) {
    if (service.open) return el("span", { className: "tag tag-open", text: tr("open") });
    const text = tr(`closed_${service.closed_reason}`) + (service.closed_note ? `: ${service.closed_note}` : "");
    return el("span", { className: service.closed_reason === "closed_today" ? "tag tag-closed" : "tag tag-warn", text });
  }

  function renderServices(data) {
    const tbody = clear($("services-table").tBodies[0]);
    const showAll = $("show-all-services").checked;
    const most = Math.max(1, ...data.services.map((s) => s.waiting));
    const shown = data.services
      .filter((s) => showAll || s.waiting > 0 || s.closed_reason === "closed_today" || s.closed_reason === "quota_reached")
      .sort((a, b) => b.waiting - a.waiting || (b.longest_wait_seconds || 0) - (a.longest_wait_seconds || 0));
    for (const service of shown) {
      const level = service.waiting >= most * 0.75 && service.waiting >= 10 ? "bad" : service.waiting >= 5 ? "warn" : "";
      tbody.append(el("tr", { dataset: { serviceId: service.service_id } },
        el("td", {}, el("strong", { text: serviceName(service) }), " ", el("span", { className: "muted small", text: service.prefix })),
        el("td", { text: state.names[service.agency_id] || service.agency_id }),
        el("td", { className: "num" }, el("div", { className: "actions", style: "justify-content: flex-end" },
          el("span", { text: String(service.waiting) }),
          el("div", { className: `bar ${level}` }, el("span", { style: `width: ${(service.waiting / most) * 100}%` })))),
        el("td", { className: "num tick", dataset: { base: service.longest_wait_seconds === null ? "" : service.longest_wait_seconds } }),
        el("td", {}, statusTag(service))));
    }
    $("services-empty").hidden = shown.length > 0;
  }

  function renderCounters(data) {
    const grid = clear($("counter-grid"));
    for (const counter of data.counters.items) {
      const meta = counter.activity === "closed" ? counter.closed_note : counter.officer || "";
      grid.append(el("div", { className: `counter-tile ${counter.activity}`, dataset: { counterId: counter.counter_id },
        title: `${counter.name}: ${tr(`activity_${counter.activity}`)}` },
        el("div", { className: "name", text: counter.name }),
        el("div", { className: "number", text: counter.current_number || "—" }),
        el("div", { className: "meta", text: `${tr(`activity_${counter.activity}`)}${meta ? ` · ${meta}` : ""}` }),
        el("div", { className: "meta", text: tr("served_n", { count: counter.served_today }) })));
    }
  }

  // Waiting times grow every second without asking the server again.
  function tick() {
    if (!state.data) return;
    const extra = elapsed();
    const longest = $("longest-value");
    longest.textContent = longest.dataset.base === "" ? "—" : duration(Number(longest.dataset.base) + extra);
    $("card-longest").className = `card ${Number(longest.dataset.base) + extra > 3600 ? "bad" : Number(longest.dataset.base) + extra > 1800 ? "warn" : ""}`;
    for (const cell of document.querySelectorAll("td.tick")) {
      cell.textContent = cell.dataset.base === "" ? "—" : duration(Number(cell.dataset.base) + extra);
    }
  }

  function render() {
    if (!state.data) return;
    renderCards(state.data);
    renderServices(state.data);
    renderCounters(state.data);
    tick();
  }

  async function load() {
    try {
      const data = await Antrean.api(`/api/v1/admin/overview?${AdminUI.query({ agency_id: state.agencyId })}`);
      state.data = data;
      state.fetchedAt = performance.now();
      render();
    } catch (err) {
      AdminUI.notify(AdminUI.errorText(err), true);
    }
  }

  async function loadAgencies() {
    const data = await Antrean.api("/api/v1/agencies");
    const select = $("agency-filter");
    while (select.options.length > 1) select.remove(1);
    for (const agency of data.agencies) {
      state.names[agency.id] = agency.short_name;
      if (user.seesAllAgencies) select.append(el("option", { value: agency.id, text: agency.short_name }));
    }
    $("agency-filter-label").hidden = !user.seesAllAgencies;
  }

  // Admins only: whether last night's backup of the database was made, and where they are.
  const backups = { data: null };

  function renderBackups() {
    const data = backups.data;
    if (!data) return;
    const status = $("backups-status");
    status.className = data.problem ? "tag tag-warn" : "";
    if (data.problem) status.textContent = tr("backup_failed", { problem: data.problem });
    else if (data.keep === 0) status.textContent = tr("backups_off");
    else if (!data.backups.length) status.textContent = tr("no_backups_yet");
    else {
      status.textContent = tr("backup_latest", {
        when: AdminUI.dateTime(data.backups[0].taken_at), count: data.backups.length, keep: data.keep });
    }
    $("backups-folder").textContent = tr("backups_folder", { folder: data.folder });
    $("backups-panel").hidden = false;
  }

  async function loadBackups() {
    if (!user.may("read_backups")) return;
    try {
      backups.data = await Antrean.api("/api/v1/admin/backups");
      renderBackups();
    } catch (err) {
      AdminUI.notify(AdminUI.errorText(err), true);
    }
  }

  const reload = AdminUI.debounce(load, 400);
  const printers = AdminPrinters.mount(document.querySelector("#printers-table tbody"));
  const sms = AdminSms.mount(); // admins: asks every few seconds itself; again when the setup changes
  $("agency-filter").addEventListener("change", (event) => { state.agencyId = event.target.value; load(); });
  $("show-all-services").addEventListener("change", render);
  AdminUI.onLang(render);
  AdminUI.onLang(renderBackups);
  setInterval(tick, 1000);
  loadBackups();
  loadAgencies().catch(() => {}).finally(load);
  Antrean.live([{ admin: true }], {
    "overview.changed": reload,
    "config.updated": () => { loadAgencies().catch(() => {}); reload(); printers.load(); loadBackups(); sms.load(); },
    "printer.updated": (change) => printers.update(change),
  }, {
    onStatus: AdminUI.connectionBanner,
    resync: () => { if (state.data) reload(); sms.load(); },  // after a reconnect, catch up with what we missed
  });
})();
