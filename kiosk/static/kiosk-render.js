// The kiosk: what each screen shows, drawn from the page state. The start screen's popular
// and agency tiles, an agency's services, search results, the chosen priority, the printer's
// problem line for staff and the hall's "closed" banner; a live change refills tiles in place.
(function () {
  "use strict";

  const K = window.KioskPage;
  const View = window.KioskView;
  const { state, $, tr, view, body } = K;
  const PRINTER_PROBLEMS = ["offline", "paper_out"];

  K.renderTexts = function renderTexts() {
    document.documentElement.lang = state.lang;
    Antrean.translate(tr);
    const switcher = $("lang-switch");
    switcher.lang = state.lang === "id" ? "en" : "id";
    View.relabelKeyboard($("keyboard"), tr);
  };

  function serviceTiles(services, showAgency) {
    return services.map((service) =>
      View.fillServiceTile(document.createElement("button"), service, state.agencyOf.get(service.id), view(showAgency)),
    );
  }

  K.renderStart = function renderStart() {
    const popular = [...state.services.values()].filter((service) => service.popular);
    $("popular").replaceChildren(...serviceTiles(popular, true));
    document.querySelector(".popular-panel").hidden = popular.length === 0;
    $("agencies").replaceChildren(
      ...state.agencies.map((agency) => View.fillAgencyTile(document.createElement("button"), agency, view())),
    );
  };

  K.renderAgency = function renderAgency() {
    const agency = state.agencies.find((item) => item.id === state.agencyId);
    if (!agency) return;
    $("agency-title").textContent = View.agencyName(agency, state.lang);
    const count = tr("agency_services", { count: agency.services.length });
    $("agency-subtitle").textContent = `${agency.short_name} · ${count}`;
    const services = agency.services.map((service) => state.services.get(service.id) || service);
    $("agency-services").replaceChildren(...serviceTiles(services, false));
  };

  // The search: the typed text at once; the results when the server answers (kiosk-search.js).
  // Nothing found: the agencies, so the visitor can still look by office. No answer (the server
  // is out of reach): the last results stay, and the line above them says so.
  const askSearch = KioskSearch.create((answer) => {
    if (answer.query !== state.query) return; // typed on since: its own answer is coming
    state.searchFailed = Boolean(answer.failed);
    if (!answer.failed) state.found = { query: answer.query, serviceIds: answer.serviceIds };
    drawSearchResults();
  }, () => state.screen === "search");

  function drawSearchResults() {
    const found = state.found.serviceIds.map((id) => state.services.get(id)).filter(Boolean);
    const nothing = Boolean(state.found.query) && found.length === 0;
    const results = $("search-results");
    results.classList.toggle("agency-offer", nothing && !state.searchFailed);
    if (nothing && !state.searchFailed) {
      results.replaceChildren(
        ...state.agencies.map((agency) => View.fillAgencyTile(document.createElement("button"), agency, view())),
      );
    } else {
      results.replaceChildren(...serviceTiles(found, true));
    }
    let count = "";
    if (state.searchFailed) count = tr("search_offline");
    else if (nothing) count = tr("search_none", { query: state.found.query });
    else if (state.found.query) count = tr("search_count", { count: found.length });
    $("search-count").textContent = count;
  }

  K.renderSearch = function renderSearch() {
    $("search-text").textContent = state.query;
    $("search-query").classList.toggle("empty", !state.query);
    $("search-query").dataset.placeholder = tr("search_hint");
    if (state.query !== state.found.query || state.searchFailed) askSearch(state.query);
    drawSearchResults();
  };

  K.renderPriority = function renderPriority() {
    for (const button of document.querySelectorAll("[data-priority]")) {
      button.setAttribute("aria-pressed", String(button.dataset.priority === state.priority));
    }
    // On the start screen the priority panel itself says it; elsewhere a banner does.
    const chosen = state.priority ? tr("priority_on", { name: tr(`priority_${state.priority}`) }) : "";
    $("priority-heading").textContent = chosen || tr("priority_title");
    document.querySelector(".priority-cancel").hidden = !state.priority;
    $("priority-banner").hidden = !state.priority || state.screen === "ticket" || state.screen === "start";
    $("priority-banner-text").textContent = chosen;
    body.classList.toggle("priority-mode", Boolean(state.priority));
  };

  K.renderPrinter = function renderPrinter() {
    const problem = PRINTER_PROBLEMS.includes(state.printerStatus);
    $("printer-problem").hidden = !problem || state.screen === "ticket";
    const staff = $("staff-line");
    staff.hidden = !problem;
    if (problem) {
      const printer = state.printerName || state.printerId;
      staff.textContent = tr("staff_printer", { printer, status: tr(`printer_${state.printerStatus}`) });
    }
  };

  // When nothing takes tickets (evening, holiday), say it once, for the whole hall.
  K.renderHallState = function renderHallState() {
    const hall = state.hall;
    const banner = $("hall-closed");
    banner.hidden = hall.open || state.screen === "ticket";
    if (hall.open) return;
    const reason = hall.reason ? View.reasonText({ closed_reason: hall.reason }, tr) : tr("hall_closed");
    const when = View.opensText(hall.opens_at, tr);
    banner.textContent = when ? `${reason}. ${tr("opens_again", { when })}` : reason;
  };

  // A live change refills the tiles in place, so a finger already on a tile keeps it.
  K.refreshTiles = function refreshTiles(serviceId) {
    const service = state.services.get(serviceId);
    if (!service) return;
    for (const button of document.querySelectorAll(`.service-tile[data-service-id="${CSS.escape(serviceId)}"]`)) {
      const showAgency = Boolean(button.querySelector(".tile-agency"));
      View.fillServiceTile(button, service, state.agencyOf.get(serviceId), view(showAgency));
    }
    const agency = state.agencyOf.get(serviceId);
    const tile = agency && document.querySelector(`.agency-tile[data-agency-id="${CSS.escape(agency.id)}"]`);
    if (tile) View.fillAgencyTile(tile, agency, view());
  };
})();
