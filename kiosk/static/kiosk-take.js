// The kiosk: taking a ticket (one per touch), the confirmation that follows it, and the
// notice that explains why a closed service gives none or why taking one failed.
(function () {
  "use strict";

  const K = window.KioskPage;
  const View = window.KioskView;
  const { state, $, tr, body } = K;

  K.explainClosed = function explainClosed(service) {
    const name = View.serviceName(service, state.lang);
    $("notice-title").textContent = tr("closed_explain", { service: name });
    $("notice-reason").textContent = View.reasonText(service, tr);
    $("notice-note").textContent = service.closed_note || "";
    const when = View.opensText(service.opens_at, tr);
    $("notice-opens").textContent = when ? tr("opens_again", { when }) : "";
    $("notice").hidden = false;
  };

  function notice(message) {
    $("notice-title").textContent = message;
    for (const id of ["notice-reason", "notice-note", "notice-opens"]) $(id).textContent = "";
    $("notice").hidden = false;
  }

  K.takeTicket = async function takeTicket(button) {
    // One ticket per touch: the guard is set before anything can yield.
    if (state.busy) return;
    const service = state.services.get(button.dataset.serviceId);
    if (!service) return;
    if (!service.open) {
      K.explainClosed(service);
      return;
    }
    state.busy = true;
    button.disabled = true;
    body.classList.add("busy");
    $("taking").hidden = false;
    try {
      const ticket = await Antrean.api("/api/v1/tickets", {
        method: "POST",
        body: { service_id: service.id, priority: state.priority, kiosk_id: K.KIOSK_ID, lang: state.lang },
        timeoutMs: 20000,
      });
      showTicket(ticket);
    } catch (err) {
      await failedTicket(err, service);
    } finally {
      state.busy = false;
      button.disabled = false;
      body.classList.remove("busy");
      $("taking").hidden = true;
    }
  };

  async function failedTicket(err, service) {
    if (err.code === "service_closed" || err.code === "quota_reached") {
      await K.loadCatalog(); // the server's fresh word on why, and on the whole hall
      K.explainClosed(state.services.get(service.id) || service);
    } else {
      notice(err.status === 0 ? tr("error_network") : tr("error_generic"));
    }
  }

  function showTicket(ticket) {
    const agency = state.agencies.find((item) => item.id === ticket.agency_id);
    const printed = KioskTicket.fill(ticket, { lang: state.lang, tr, agency });
    body.dataset.ticketId = ticket.id;
    K.show("ticket");
    K.startBackCountdown(printed ? K.TIMING.back : K.TIMING.backProblem);
  }
})();
