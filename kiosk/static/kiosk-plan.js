// The kiosk: several services on one ticket (a visit with steps, POST /api/v1/tickets with
// `service_ids`). A visitor who needs only one service never sees any of this: a service tile
// still takes a ticket at the first touch. "Perlu beberapa layanan?" in the top bar starts a
// plan; from then on a service tile adds a step instead, and the plan screen lists the steps
// in order, each with large "up", "down" and "remove" buttons, "Tambah layanan lain" and one
// button that takes the one ticket. The plan is forgotten with everything else at a fresh start.
(function () {
  "use strict";

  const K = window.KioskPage;
  const View = window.KioskView;
  const { state, $, tr, body } = K;
  const el = Antrean.el;
  K.PLAN_MAX = 5; // the contract's limit: two to five services on one ticket

  function name(serviceId) {
    const service = state.services.get(serviceId);
    return service ? View.serviceName(service, state.lang) : serviceId;
  }

  // A short sentence for screen readers after every change (the list itself is redrawn).
  function say(text) {
    $("plan-said").textContent = text;
  }

  K.startPlan = function startPlan() {
    if (!state.plan) state.plan = [];
    K.renderPlan();
    K.show(state.plan.length ? "plan" : "start");
  };

  K.cancelPlan = function cancelPlan() {
    state.plan = null;
    K.renderPlan();
    K.show("start");
  };

  // A service tile touched while planning: a step more, unless it is closed (the touch says
  // why, as it does outside a plan), already chosen, or the plan is full.
  K.addToPlan = function addToPlan(button) {
    const service = state.services.get(button.dataset.serviceId);
    if (!service) return;
    if (!service.open) return K.explainClosed(service);
    if (state.plan.includes(service.id)) return K.planNotice(tr("plan_already", { service: name(service.id) }));
    if (state.plan.length >= K.PLAN_MAX) return K.planNotice(tr("plan_full", { max: K.PLAN_MAX }));
    state.plan.push(service.id);
    K.renderPlan();
    K.show("plan");
    say(tr("plan_added", { service: name(service.id), position: state.plan.length }));
    focusLater(".plan-take");
  };

  K.planNotice = function planNotice(message) {
    $("notice-title").textContent = message;
    for (const id of ["notice-reason", "notice-note", "notice-opens"]) $(id).textContent = "";
    $("notice").hidden = false;
  };

  K.movePlanStep = function movePlanStep(index, by) {
    const to = index + by;
    if (to < 0 || to >= state.plan.length) return;
    const [moved] = state.plan.splice(index, 1);
    state.plan.splice(to, 0, moved);
    K.renderPlan();
    say(tr("plan_moved", { service: name(moved), position: to + 1 }));
    // Focus follows the step that moved: the same button, or at the end of the list (where
    // that button is off) the other direction's, so a keyboard user never loses their place.
    const same = by < 0 ? "plan-up" : "plan-down";
    const atEdge = by < 0 ? to === 0 : to === state.plan.length - 1;
    const action = atEdge ? (by < 0 ? "plan-down" : "plan-up") : same;
    focusLater(`[data-plan-index="${to}"][data-action="${action}"]`);
  };

  K.removePlanStep = function removePlanStep(index) {
    const [removed] = state.plan.splice(index, 1);
    K.renderPlan();
    say(tr("plan_removed", { service: name(removed) }));
    if (!state.plan.length) return K.show("start"); // nothing left to list: choose again
    focusLater(`[data-plan-index="${Math.min(index, state.plan.length - 1)}"][data-action="plan-remove"]`);
  };

  function focusLater(selector) {
    requestAnimationFrame(() => {
      const target = document.querySelector(selector);
      if (target) target.focus();
    });
  }

  function stepButton(action, index, label, text, disabled) {
    const button = el("button", { type: "button", className: `plan-button plan-${action.slice(5)}`,
      dataset: { action, planIndex: String(index) }, "aria-label": label, disabled });
    button.append(el("span", { "aria-hidden": "true", text: text.symbol }), el("span", "plan-button-text", text.word));
    return button;
  }

  function stepItem(serviceId, index, count) {
    const service = state.services.get(serviceId);
    const agency = state.agencyOf.get(serviceId);
    const item = el("li", { className: "plan-step", dataset: { serviceId } });
    const words = el("div", "plan-words");
    words.append(
      el("span", "plan-position", tr("plan_step", { n: index + 1 })),
      el("span", "plan-name", name(serviceId)),
      el("span", "plan-agency", agency ? `${agency.short_name} · ${View.agencyName(agency, state.lang)}` : ""),
    );
    if (service && !service.open) words.append(el("span", "plan-closed", `${tr("closed")} · ${View.reasonText(service, tr)}`));
    const buttons = el("div", "plan-buttons");
    const what = name(serviceId);
    buttons.append(
      stepButton("plan-up", index, tr("plan_up_label", { service: what }), { symbol: "▲", word: tr("plan_up") }, index === 0),
      stepButton("plan-down", index, tr("plan_down_label", { service: what }), { symbol: "▼", word: tr("plan_down") },
        index === count - 1),
      stepButton("plan-remove", index, tr("plan_remove_label", { service: what }), { symbol: "✕", word: tr("plan_remove") }),
    );
    item.append(words, buttons);
    return item;
  }

  // The plan screen and the banner that says a plan is on while the visitor picks services.
  K.renderPlan = function renderPlan() {
    const plan = state.plan;
    body.classList.toggle("plan-mode", Boolean(plan));
    $("plan-toggle").hidden = Boolean(plan) || state.screen === "ticket";
    const banner = $("plan-banner");
    banner.hidden = !plan || state.screen === "plan" || state.screen === "ticket";
    if (!plan) return;
    $("plan-banner-text").textContent = plan.length
      ? tr("plan_banner_count", { count: plan.length, max: K.PLAN_MAX })
      : tr("plan_banner_empty", { max: K.PLAN_MAX });
    $("plan-banner-view").hidden = !plan.length;
    $("plan-steps").replaceChildren(...plan.map((id, index) => stepItem(id, index, plan.length)));
    $("plan-count").textContent = tr("plan_count", { count: plan.length, max: K.PLAN_MAX });
    const full = plan.length >= K.PLAN_MAX;
    $("plan-add").disabled = full;
    $("plan-add-note").textContent = full ? tr("plan_full", { max: K.PLAN_MAX }) : "";
    $("plan-take-text").textContent = plan.length > 1
      ? tr("plan_take_many", { count: plan.length })
      : tr("plan_take_one");
  };
})();
