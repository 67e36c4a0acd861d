// The report page: figures of a period from /api/v1/reports/summary, three charts
// (Chart.js, served locally), the tables by service, counter and officer, and the visits of
// several steps and the bookings of the period (/api/v1/reports/visits, /reports/bookings).
(function () {
  "use strict";
  const { el, clear, tr, duration, percent } = AdminUI;
  const $ = Antrean.$;
  const charts = {};
  let last = null;
  let lastQueue = null;
  let lastVisits = null;
  let lastBookings = null;

  Chart.defaults.font.family = '"Atkinson Hyperlegible", "DejaVu Sans", sans-serif';
  Chart.defaults.font.size = 13;
  Chart.defaults.animation = false;  // reports are read, not watched
  const BRAND = "#0b5cab";
  const ACCENT = "#e08a00";

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    charts[id] = new Chart($(id), config);
  }

  function serviceName(item) {
    return AdminUI.lang === "en" ? item.name_en || item.name : item.name;
  }

  function minutes(seconds) {
    return seconds === null ? null : Math.round(seconds / 6) / 10;
  }

  function renderCards(data) {
    $("fig-issued").textContent = AdminUI.number(data.issued);
    $("fig-days").textContent = tr("n_days", { count: data.days });
    $("fig-served").textContent = AdminUI.number(data.served);
    $("fig-in-progress").textContent = data.in_progress ? tr("still_in_line", { count: data.in_progress }) : "";
    $("fig-no_show").textContent = AdminUI.number(data.no_show);
    $("fig-cancelled").textContent = `${data.cancelled} / ${data.expired}`;
    $("fig-within").textContent = percent(data.within_standard);
    $("fig-within-sub").textContent = data.within_standard_measured
      ? tr("within_of", { met: data.within_standard_met, measured: data.within_standard_measured }) : tr("no_standard_data");
  }

  function renderDurations(data) {
    const tbody = clear($("durations-table").tBodies[0]);
    for (const [key, label] of [["wait", "wait"], ["walk", "walk"], ["service", "service_time"]]) {
      const stats = data[key];
      tbody.append(el("tr", {}, el("th", { text: tr(label) }),
        el("td", { className: "num", text: duration(stats.avg) }),
        el("td", { className: "num", text: duration(stats.median) }),
        el("td", { className: "num", text: duration(stats.p90) })));
    }
  }

  function renderCharts(data) {
    draw("chart-hours", {
      type: "bar",
      data: { labels: data.by_hour.map((h) => `${String(h.hour).padStart(2, "0")}:00`),
        datasets: [{ label: tr("arrivals"), data: data.by_hour.map((h) => h.arrivals), backgroundColor: BRAND }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: tr("tickets") } } } },
    });
    const services = data.by_service.filter((s) => s.wait.avg !== null)
      .sort((a, b) => b.issued - a.issued).slice(0, 12);
    draw("chart-wait", {
      type: "bar",
      data: { labels: services.map(serviceName), datasets: [
        { label: tr("avg"), data: services.map((s) => minutes(s.wait.avg)), backgroundColor: BRAND },
        { label: tr("p90"), data: services.map((s) => minutes(s.wait.p90)), backgroundColor: ACCENT },
      ] },
      options: { indexAxis: "y", maintainAspectRatio: false,
        scales: { x: { beginAtZero: true, title: { display: true, text: tr("minutes") } } } },
    });
  }

  function renderQueue(data) {
    lastQueue = data;
    draw("chart-queue", {
      type: "line",
      data: { labels: data.points.map((p) => p.at), datasets: [{ label: tr("waiting"), data: data.points.map((p) => p.waiting),
        borderColor: BRAND, backgroundColor: "rgba(11, 92, 171, 0.15)", fill: true, stepped: true, pointRadius: 0 }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: tr("people_waiting") } },
          x: { ticks: { maxTicksLimit: 12 } } } },
    });
    $("queue-peak").textContent = data.peak
      ? tr("queue_peak", { count: data.peak.waiting, time: AdminUI.timeOf(data.peak.at) }) : tr("no_data");
  }

  function table(id, headings, rows) {
    const node = $(id);
    clear(node.tHead).append(el("tr", {}, headings.map(([text, num]) => el("th", { className: num ? "num" : "", text }))));
    const tbody = clear(node.tBodies[0]);
    if (!rows.length) tbody.append(el("tr", {}, el("td", { colSpan: headings.length, className: "empty", text: tr("no_data") })));
    for (const row of rows) {
      tbody.append(el("tr", { className: row.total ? "total" : "" },
        row.cells.map((cell, index) => el("td", { className: headings[index][1] ? "num" : "", text: cell }))));
    }
  }

  function figureCells(item) {
    return [item.issued, item.served, item.no_show, duration(item.wait.avg), duration(item.wait.p90),
      duration(item.service.avg), duration(item.service.p90), percent(item.within_standard)];
  }

  function renderTables(data) {
    const figureHeadings = [[tr("issued"), 1], [tr("served"), 1], [tr("no_show"), 1], [tr("wait_avg"), 1],
      [tr("wait_p90"), 1], [tr("service_avg"), 1], [tr("service_p90"), 1], [tr("within_standard_short"), 1]];
    table("by-service", [[tr("service")], ...figureHeadings, [tr("standard_minutes"), 1]], [
      ...data.by_service.map((s) => ({ cells: [serviceName(s), ...figureCells(s), s.standard_minutes ?? "—"] })),
      { total: true, cells: [tr("all_services"), ...figureCells(data), ""] },
    ]);
    table("by-counter", [[tr("counter")], ...figureHeadings],
      data.by_counter.map((c) => ({ cells: [c.name, ...figureCells(c)] })));
    table("by-officer", [[tr("officer")], ...figureHeadings],
      data.by_officer.map((o) => ({ cells: [o.officer, ...figureCells(o)] })));
  }

  // Visits of several steps (/api/v1/reports/visits): per-step times, between agencies, whole visit.
  function renderVisits(data) {
    $("visits-count").textContent = tr("visits_count", { visits: AdminUI.number(data.visits),
      completed: AdminUI.number(data.completed), steps: AdminUI.number(data.step.served) });
    const tbody = clear($("visits-table").tBodies[0]);
    for (const [label, stats] of [["step_wait", data.step.wait], ["step_service", data.step.service],
      ["between_wait", data.between.wait], ["between_walk", data.between.walk], ["between_total", data.between.total],
      ["whole_visit", data.visit]]) {
      tbody.append(el("tr", {}, el("th", { text: tr(label) }),
        ...[stats.avg, stats.median, stats.p90].map((value) => el("td", { className: "num", text: duration(value) }))));
    }
  }

  // Bookings per service (/api/v1/reports/bookings), with the period's total.
  function renderBookings(data) {
    const counts = (item) => [item.booked, item.checked_in, item.cancelled, item.expired, item.open];
    table("bookings-table", [[tr("service")], [tr("booked"), 1], [tr("checked_in"), 1], [tr("booking_cancelled"), 1],
      [tr("booking_expired"), 1], [tr("booking_open"), 1]], [
      ...data.services.map((s) => ({ cells: [serviceName(s), ...counts(s)] })),
      ...(data.services.length ? [{ total: true, cells: [tr("all_bookings"), ...counts(data.total)] }] : []),
    ]);
  }

  function render() {
    if (!last) return;
    renderCards(last);
    renderDurations(last);
    renderCharts(last);
    renderTables(last);
    if (lastQueue) renderQueue(lastQueue);
    if (lastVisits) renderVisits(lastVisits);
    if (lastBookings) renderBookings(lastBookings);
  }

  async function load(params) {
    $("report-error").hidden = true;
    try {
      last = await Antrean.api(`/api/v1/reports/summary?${AdminUI.query(params)}`);
      render();
    } catch (err) {
      $("report-error").textContent = AdminUI.errorText(err);
      $("report-error").hidden = false;
    }
    if (params.to) $("queue-day").value = params.to;
    await Promise.all([loadQueue(params), loadVisits(params)]);
  }

  async function loadVisits(params) {
    const period = AdminUI.query({ from: params.from, to: params.to, agency_id: params.agency_id,
      service_id: params.service_id });
    try {
      [lastVisits, lastBookings] = await Promise.all([Antrean.api(`/api/v1/reports/visits?${period}`),
        Antrean.api(`/api/v1/reports/bookings?${period}`)]);
      render();
    } catch (err) {
      $("visits-count").textContent = AdminUI.errorText(err);
    }
  }

  async function loadQueue(params) {
    try {
      renderQueue(await Antrean.api(`/api/v1/reports/queue?${AdminUI.query({ date: $("queue-day").value,
        agency_id: params.agency_id, service_id: params.service_id })}`));
    } catch (err) {
      $("queue-peak").textContent = AdminUI.errorText(err);
    }
  }

  const filters = ReportFilters.mount({ onChange: load,
    downloads: { "download-csv": "/api/v1/reports/summary.csv", "download-xlsx": "/api/v1/reports/summary.xlsx" } });
  $("queue-day").addEventListener("change", () => loadQueue(filters.params()));
  AdminUI.onLang(render);
  filters.ready.then(() => load(filters.params()));
})();
