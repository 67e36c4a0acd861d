// The kiosk's touches: every button carries a data-action, handled here in one place;
// the on-screen keyboard and a physical one (handy when setting up a kiosk) type the search.
(function () {
  "use strict";

  const K = window.KioskPage;
  const { state, $ } = K;

  function typeKey(key) {
    if (key === "backspace") state.query = state.query.slice(0, -1);
    else if (key === "clear") state.query = "";
    else if (key === "space") state.query = state.query && !state.query.endsWith(" ") ? `${state.query} ` : state.query;
    else if (state.query.length < 40) state.query += key;
    K.renderSearch();
  }

  const ACTIONS = {
    // Planning several services, a tile adds a step; otherwise it takes the ticket at once.
    service: (button) => (state.plan ? K.addToPlan(button) : K.takeTicket(button)),
    "plan-start": () => K.startPlan(),
    "plan-cancel": () => K.cancelPlan(),
    "plan-view": () => K.show("plan"),
    "plan-add": () => K.show("start"),
    "plan-up": (button) => K.movePlanStep(Number(button.dataset.planIndex), -1),
    "plan-down": (button) => K.movePlanStep(Number(button.dataset.planIndex), 1),
    "plan-remove": (button) => K.removePlanStep(Number(button.dataset.planIndex)),
    "plan-take": (button) => K.takePlan(button),
    agency: (button) => {
      state.agencyId = button.dataset.agencyId;
      K.renderAgency();
      K.show("agency");
    },
    "search-open": () => {
      K.renderSearch();
      K.show("search");
    },
    key: (button) => typeKey(button.dataset.key),
    back: () => K.show("start"),
    done: () => K.resetToStart(),
    lang: () => {
      state.lang = state.lang === "id" ? "en" : "id";
      K.render();
    },
    priority: (button) => {
      state.priority = state.priority === button.dataset.priority ? null : button.dataset.priority;
      K.renderPriority();
    },
    "priority-cancel": () => {
      state.priority = null;
      K.renderPriority();
    },
    "notice-ok": () => {
      $("notice").hidden = true;
    },
  };

  function onClick(event) {
    const button = event.target.closest("[data-action]");
    if (!button || button.disabled) return;
    const action = ACTIONS[button.dataset.action];
    if (action) action(button);
  }

  // A physical keyboard also types into the search (handy when setting up a kiosk).
  function onKeyDown(event) {
    if (state.screen !== "search") return;
    if (/^[a-z0-9]$/i.test(event.key)) typeKey(event.key.toLowerCase());
    else if (event.key === "Backspace") typeKey("backspace");
    else if (event.key === " ") typeKey("space");
    else return;
    event.preventDefault();
  }

  // Every touch (or key) counts against the idle timeout, before any handler runs.
  K.bindTouches = function bindTouches() {
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKeyDown);
    const touched = () => (state.lastTouch = Date.now());
    for (const name of ["pointerdown", "keydown"]) document.addEventListener(name, touched, true);
  };
})();
