// The counter's reprint card: the tickets this counter called today (GET .../recent) and a
// printer (by default the kiosk printer that printed the ticket). The server decides which
// tickets may be reprinted (`printable`) and refuses the rest with the reason.
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, tr, el } = C;

  C.refreshRecent = async function refreshRecent() {
    if (!state.counterId) return;
    const [recent, printers] = await Promise.all([
      C.fetchLatest("recent", `/api/v1/counters/${state.counterId}/recent`),
      state.printers ? Promise.resolve(null) : Antrean.api("/api/v1/printers"),
    ]);
    if (printers) state.printers = printers.printers;
    if (!recent) return;
    state.recent = recent.tickets.filter((t) => t.printable);
    C.renderRecent();
  };

  function printerName(printerId) {
    const printer = (state.printers || []).find((p) => p.id === printerId);
    return printer ? printer.name : printerId;
  }

  C.renderRecent = function renderRecent() {
    const tickets = state.recent || [];
    const select = $("reprint-ticket");
    const chosen = select.value;
    select.replaceChildren(...tickets.map((t) => el("option", { value: t.ticket_id, textContent: t.number })));
    if (tickets.some((t) => t.ticket_id === chosen)) select.value = chosen;
    $("reprint-empty").hidden = tickets.length > 0;
    $("reprint-form").hidden = tickets.length === 0;
    renderPrinters();
  };

  // "The kiosk printer that printed it" first (when it had one), then every printer.
  function renderPrinters() {
    const ticket = (state.recent || []).find((t) => t.ticket_id === $("reprint-ticket").value);
    const select = $("reprint-printer");
    const chosen = select.value;
    const options = [];
    if (ticket && ticket.kiosk_printer_id) {
      options.push(el("option", { value: "", textContent: tr("reprint_kiosk_printer", { printer: printerName(ticket.kiosk_printer_id) }) }));
    }
    for (const printer of state.printers || []) options.push(el("option", { value: printer.id, textContent: printer.name }));
    select.replaceChildren(...options);
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }
  C.renderPrinters = renderPrinters;

  C.reprint = async function reprint(event) {
    event.preventDefault();
    const ticket = (state.recent || []).find((t) => t.ticket_id === $("reprint-ticket").value);
    if (!ticket || !state.counterId) return;
    const printerId = $("reprint-printer").value || null;
    const message = $("reprint-message");
    $("reprint-submit").disabled = true;
    try {
      const answer = await Antrean.api(`/api/v1/counters/${state.counterId}/reprint`, {
        method: "POST", body: { ticket_id: ticket.ticket_id, printer_id: printerId },
      });
      const job = answer.print || {};
      const values = { number: answer.number, printer: printerName(job.printer_id), error: job.error || "" };
      const key = job.status === "printed" ? "reprint_sent" : job.status === "failed" ? "reprint_failed" : "reprint_queued";
      C.showMessage(message, tr(key, values));
    } catch (err) {
      if (err.code === "unauthenticated") return C.showLogin(tr("err_unauthenticated"));
      C.showMessage(message, C.errorText(err, { number: ticket.number }));
      C.later("recent", C.refreshRecent);
    } finally {
      $("reprint-submit").disabled = false;
    }
  };
})();
