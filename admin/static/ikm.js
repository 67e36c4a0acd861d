// The IKM page: the index with its grade, the nine element means (table and chart),
// and the index by service, agency and month, with the visitors' comments.
(function () {
  "use strict";
  const { el, clear, tr } = AdminUI;
  const $ = Antrean.$;
  const ELEMENTS = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];
  let chart = null;
  let last = null;

  Chart.defaults.font.family = '"Atkinson Hyperlegible", "DejaVu Sans", sans-serif';
  Chart.defaults.animation = false;

  function elementName(element) {
    const names = last.element_names[element];
    return `${element.toUpperCase()} ${AdminUI.lang === "en" ? names.en : names.id}`;
  }

  function label(item) {
    return AdminUI.lang === "en" ? item.label_en : item.label;
  }

  function ikmText(value) {
    return value === null ? "—" : AdminUI.number(value, 2);
  }

  function renderHead() {
    $("ikm-value").textContent = ikmText(last.ikm);
    $("ikm-grade").textContent = last.grade || "–";
    $("ikm-grade").className = `grade grade-${last.grade || "none"}`;
    $("ikm-label").textContent = last.grade ? label(last) : tr("no_respondents");
    $("ikm-respondents").textContent = AdminUI.number(last.respondents);
    const tbody = clear($("elements-table").tBodies[0]);
    for (const element of ELEMENTS) {
      const value = last.elements[element];
      tbody.append(el("tr", {}, el("td", { text: elementName(element) }),
        el("td", { className: "num", text: value === null ? "—" : AdminUI.number(value, 2) })));
    }
  }

  function renderChart() {
    if (chart) chart.destroy();
    chart = new Chart($("chart-elements"), {
      type: "bar",
      data: { labels: ELEMENTS.map(elementName), datasets: [{ label: tr("mean_score"),
        data: ELEMENTS.map((e) => last.elements[e]), backgroundColor: ELEMENTS.map((e) => color(last.elements[e])) }] },
      options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { x: { min: 1, max: 4, ticks: { stepSize: 0.5 } } } },
    });
  }

  function color(mean) {
    // The same thresholds as the grades, on the 1-4 scale (IKM / 25).
    if (mean === null) return "#9fb0bb";
    if (mean * 25 >= 88.31) return "#11793a";
    if (mean * 25 >= 76.61) return "#2f7d32";
    if (mean * 25 >= 65) return "#b35c00";
    return "#b3261e";
  }

  function table(id, first, rows) {
    const node = $(id);
    const headings = [first, tr("respondents"), ...ELEMENTS.map((e) => e.toUpperCase()), "IKM", tr("grade")];
    clear(node.tHead).append(el("tr", {}, headings.map((text, i) => el("th", { className: i ? "num" : "", text }))));
    const tbody = clear(node.tBodies[0]);
    if (!rows.length) tbody.append(el("tr", {}, el("td", { colSpan: headings.length, className: "empty", text: tr("no_respondents") })));
    for (const [name, item] of rows) {
      tbody.append(el("tr", {}, el("td", { text: name }), el("td", { className: "num", text: item.respondents }),
        ELEMENTS.map((e) => el("td", { className: "num", text: item.elements[e] === null ? "—" : AdminUI.number(item.elements[e], 2) })),
        el("td", { className: "num", text: ikmText(item.ikm) }),
        el("td", { className: "num" }, item.grade ? el("span", { className: "tag", title: label(item), text: `${item.grade} · ${label(item)}` }) : "—")));
    }
  }

  function render() {
    if (!last) return;
    renderHead();
    renderChart();
    table("ikm-by-service", tr("service"), last.by_service.map((s) => [s.name, s]));
    table("ikm-by-agency", tr("agency"), last.by_agency.map((a) => [a.name, a]));
    table("ikm-by-month", tr("month"), last.by_month.map((m) => [m.month, m]));
    const list = clear($("comments"));
    if (!last.comments.length) list.append(el("li", { className: "muted", text: tr("no_comments") }));
    for (const comment of last.comments) {
      list.append(el("li", {}, el("div", { className: "muted small", text: `${AdminUI.dateTime(comment.at)} · ${comment.service_name}` }),
        el("div", { text: comment.comment })));
    }
  }

  async function load(params) {
    $("report-error").hidden = true;
    try {
      last = await Antrean.api(`/api/v1/reports/ikm?${AdminUI.query(params)}`);
      render();
    } catch (err) {
      $("report-error").textContent = AdminUI.errorText(err);
      $("report-error").hidden = false;
    }
  }

  const filters = ReportFilters.mount({ onChange: load,
    downloads: { "download-csv": "/api/v1/reports/ikm.csv", "download-xlsx": "/api/v1/reports/ikm.xlsx" } });
  AdminUI.onLang(render);
  filters.ready.then(() => load(filters.params()));
})();
