// The kiosk's live data: the catalog (agencies, services, the hall's open state) from
// GET /api/v1/agencies, the kiosk's printer and its state, the live updates of room
// kiosk:ID, and the "reconnecting" cover while the line or the first catalog is missing.
(function () {
  "use strict";

  const K = window.KioskPage;
  const { state, $, body } = K;

  // --- the catalog ---------------------------------------------------------------

  function setCatalog(agencies) {
    state.agencies = agencies;
    state.services = new Map();
    state.agencyOf = new Map();
    for (const agency of agencies) {
      for (const service of agency.services) {
        state.services.set(service.id, service);
        state.agencyOf.set(service.id, agency);
      }
    }
    state.loaded = true;
  }

  function catalogShape(agencies) {
    return agencies.map((agency) => `${agency.id}:${agency.services.map((service) => service.id)}`).join(";");
  }

  // A fresh catalog with the same agencies and services refills the tiles in place.
  function applyCatalog(agencies) {
    const shape = catalogShape(agencies);
    if (state.loaded && shape === state.shape) {
      for (const agency of agencies) {
        for (const service of agency.services) Object.assign(state.services.get(service.id), service);
      }
      for (const serviceId of state.services.keys()) K.refreshTiles(serviceId);
      K.renderHallState();
      return;
    }
    setCatalog(agencies);
    state.shape = shape;
    K.render();
  }

  K.loadCatalog = async function loadCatalog() {
    try {
      const answer = await Antrean.api("/api/v1/agencies");
      state.hall = answer.hall || state.hall;
      applyCatalog(answer.agencies);
    } catch (err) {
      if (!state.loaded) setTimeout(K.loadCatalog, 3000); // the first load must succeed by itself
    }
    showReconnecting();
  };

  // Sent by the server on every (re)subscription: the kiosk's printer and how it is.
  function onKioskState(snapshot) {
    const printer = snapshot.printer;
    state.printerId = printer ? printer.id : null;
    state.printerStatus = printer ? printer.status : null;
    state.printerName = printer ? printer.name : null;
    K.renderPrinter();
  }

  // A service opened or closed (by the clock, a quota, an admin): the hall's state may have
  // changed with it, and only the server says so; several changes in a row fetch once.
  let catalogTimer = null;
  function onQueue(update) {
    const service = state.services.get(update.service_id);
    if (!service) return;
    const wasOpen = service.open;
    Object.assign(service, update);
    K.refreshTiles(update.service_id);
    if (update.open !== undefined && update.open !== wasOpen) {
      clearTimeout(catalogTimer);
      catalogTimer = setTimeout(K.loadCatalog, 300);
    }
  }

  function onPrinter(update) {
    if (update.id !== state.printerId) return;
    state.printerStatus = update.status;
    K.renderPrinter();
  }

  // --- connection ------------------------------------------------------------------

  let reconnectTimer = null;

  function showReconnecting() {
    const down = !state.connected || !state.loaded;
    clearTimeout(reconnectTimer);
    if (!down) {
      $("reconnecting").hidden = true;
      body.classList.remove("offline");
      return;
    }
    reconnectTimer = setTimeout(() => {
      // The confirmation screen keeps its number visible: only a thin banner there.
      $("reconnecting").hidden = false;
      body.classList.add("offline");
    }, K.TIMING.reconnectGrace * 1000);
  }

  function onStatus(connected) {
    state.connected = connected;
    showReconnecting();
  }

  // Every (re)connect: the catalog and the printer again (the kiosk room has no snapshot).
  function resync() {
    K.loadCatalog();
  }

  K.connect = function connect() {
    // config.updated: an admin renamed, added or removed services; read the catalog again.
    Antrean.live(
      [{ kiosk_id: K.KIOSK_ID }],
      { "kiosk.state": onKioskState, "queue.updated": onQueue, "printer.updated": onPrinter,
        "config.updated": () => K.loadCatalog() },
      { onStatus, resync },
    );
  };
})();
