// The printers' health table (dashboard and operations): GET /api/v1/printers, then printer.updated.
(function () {
  "use strict";
  const { el, clear, tr } = AdminUI;

  // The server sends a printer's detail in both languages (printers/messages.py).
  function detailText(printer) {
    return (AdminUI.lang === "id" && printer.detail_id) || printer.detail || "";
  }

  function mount(tbody) {
    const printers = new Map();
    // An admin's table has a test print button per printer (POST /api/v1/printers/{id}/test).
    const canTest = Boolean(tbody.closest("table").dataset.canTest);
    const tested = new Map(); // printer id → what its last test print said

    function render() {
      clear(tbody);
      if (!printers.size) {
        tbody.append(el("tr", {}, el("td", { colSpan: canTest ? 5 : 4, className: "empty", text: tr("no_printers") })));
        return;
      }
      for (const printer of printers.values()) {
        tbody.append(el("tr", { dataset: { printerId: printer.id } },
          el("td", {}, el("strong", { text: printer.name }), el("div", { className: "muted small", text: printer.id })),
          el("td", { text: `${printer.type} · ${printer.width_mm} mm` }),
          el("td", {}, el("span", { className: `tag tag-${printer.status}`, text: tr(`printer_${printer.status}`) })),
          el("td", { className: "small", text: detailText(printer) }),
          canTest ? testCell(printer) : null));
      }
    }

    function testCell(printer) {
      const button = el("button", { type: "button", className: "button-quiet", text: tr("test_print"),
        dataset: { testPrinter: printer.id }, on: { click: () => testPrint(printer, button) } });
      const said = tested.get(printer.id);
      return el("td", {}, button, said ? el("div", { className: "small", role: "status", text: said }) : null);
    }

    async function testPrint(printer, button) {
      button.disabled = true;
      try {
        const answer = await Antrean.api(`/api/v1/printers/${encodeURIComponent(printer.id)}/test`, { method: "POST" });
        const job = answer.print;
        tested.set(printer.id, job.status === "printed" ? tr("test_printed")
          : job.status === "failed" ? tr("test_failed", { error: job.error || "" }) : tr("test_queued"));
      } catch (err) {
        tested.set(printer.id, AdminUI.errorText(err));
      }
      render();
    }

    async function load() {
      try {
        const data = await Antrean.api("/api/v1/printers");
        printers.clear();
        for (const printer of data.printers) printers.set(printer.id, printer);
        render();
      } catch (err) {
        AdminUI.notify(AdminUI.errorText(err), true);
      }
    }

    function update(change) {
      const printer = printers.get(change.id);
      if (!printer) return load();
      printers.set(change.id, { ...printer, status: change.status, detail: change.detail,
        detail_code: change.detail_code, detail_id: change.detail_id });
      render();
    }

    AdminUI.onLang(render);
    load();
    return { load, update };
  }

  window.AdminPrinters = { mount };
})();
