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
    await issue(button, { service_id: service.id }, [service.id]);
  };

  // The planned steps, in their order, on one ticket (one service planned: a plain ticket).
  K.takePlan = async function takePlan(button) {
    if (state.busy || !state.plan || !state.plan.length) return;
    const ids = [...state.plan];
    const closed = ids.map((id) => state.services.get(id)).find((service) => service && !service.open);
    if (closed) return K.explainClosed(closed);
    await issue(button, ids.length > 1 ? { service_ids: ids } : { service_id: ids[0] }, ids);
  };

  async function issue(button, which, serviceIds) {
    state.busy = true;
    button.disabled = true;
    body.classList.add("busy");
    $("taking-text").textContent = tr("taking");
    $("taking").hidden = false;
    try {
      const ticket = await requestTicket({ ...which, priority: state.priority, kiosk_id: K.KIOSK_ID, lang: state.lang });
      showTicket(ticket);
    } catch (err) {
      await failedTicket(err, serviceIds);
    } finally {
      state.busy = false;
      button.disabled = false;
      body.classList.remove("busy");
      $("taking").hidden = true;
    }
  }

  // A request whose answer never came (no connection, a dropped one, 20 s of silence) may
  // still have issued the ticket: it is sent again with the same Idempotency-Key, and the
  // server answers the ticket it issued the first time instead of a second one.
  const RETRY_DELAYS_MS = [1000, 2000, 4000];

  async function requestTicket(request) {
    const headers = { "Idempotency-Key": Antrean.newKey() }; // one key per touch, the same on its retries
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await Antrean.api("/api/v1/tickets", { method: "POST", body: request, timeoutMs: 20000, headers });
      } catch (err) {
        if (err.status !== 0 || attempt >= RETRY_DELAYS_MS.length) throw err;
        $("taking-text").textContent = tr("retrying", { n: attempt + 1, of: RETRY_DELAYS_MS.length });
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  async function failedTicket(err, serviceIds) {
    if (err.code === "service_closed" || err.code === "quota_reached") {
      await K.loadCatalog(); // the server's fresh word on why, and on the whole hall
      // Of several steps, the one that closed meanwhile (else the first) is the one explained.
      const services = serviceIds.map((id) => state.services.get(id)).filter(Boolean);
      const service = services.find((item) => !item.open) || services[0];
      if (service) K.explainClosed(service);
      else notice(tr("error_generic"));
    } else if (err.code === "disk_full") {
      notice(tr("error_disk_full"));
    } else {
      notice(err.status === 0 ? tr("error_network") : tr("error_generic"));
    }
  }

  function showTicket(ticket) {
    const agency = state.agencies.find((item) => item.id === ticket.agency_id);
    const printed = KioskTicket.fill(ticket, { lang: state.lang, tr, agency, services: state.services, agencyOf: state.agencyOf });
    body.dataset.ticketId = ticket.id;
    K.show("ticket");
    K.startBackCountdown(printed ? K.TIMING.back : K.TIMING.backProblem);
  }
})();
