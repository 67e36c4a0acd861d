// The counter page's service dialog, in two modes. "transfer": find another service (of any
// agency) by typing, pick it with the mouse or the arrow keys, confirm; the visitor waits there,
// at the front. "step": the same choice adds a step to the visitor's visit after the current one
// (POST /api/v1/tickets/{id}/steps), optionally "then come back to me": one more step, for this
// counter's service, that only this counter calls.
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, el, tr } = C;

  C.openTransfer = function openTransfer(mode = "transfer") {
    const current = state.counter.current;
    state.transferChoice = null;
    state.dialogMode = mode;
    const step = mode === "step";
    $("transfer-title").textContent = tr(step ? "step_title" : "transfer_title", { number: current.number });
    $("transfer-confirm").dataset.i18n = step ? "step_confirm" : "transfer_confirm";
    $("transfer-confirm").textContent = tr($("transfer-confirm").dataset.i18n);
    $("step-return-row").hidden = !step;
    $("step-return").checked = false;
    $("step-return-text").textContent = tr("step_return", { counter: C.pick(state.counter, "name") });
    $("transfer-search").value = "";
    C.showMessage($("transfer-message"), "");
    C.renderTransferList();
    $("transfer-dialog").showModal();
    $("transfer-search").focus();
  };

  function candidates() {
    const current = state.counter && state.counter.current;
    const words = Antrean.normalize($("transfer-search").value).split(" ").filter(Boolean);
    const found = [];
    for (const agency of state.agencies) {
      for (const service of agency.services) {
        if (current && service.id === current.service_id) continue;
        const haystack = Antrean.normalize([service.name, service.name_en, service.prefix, agency.name,
          agency.name_en, agency.short_name, ...(service.keywords || [])].join(" "));
        if (words.every((word) => haystack.includes(word))) found.push({ service, agency });
      }
    }
    return found;
  }

  C.renderTransferList = function renderTransferList() {
    const found = candidates();
    if (!found.some(({ service }) => service.id === state.transferChoice)) state.transferChoice = null;
    if (state.transferChoice === null && found.length === 1) state.transferChoice = found[0].service.id;
    const list = $("transfer-list");
    list.replaceChildren(...found.map(({ service, agency }) => option(service, agency)));
    if (!found.length) list.append(el("li", "hint", tr("transfer_none")));
    $("transfer-confirm").disabled = state.transferChoice === null || state.live !== "up";
  };

  function option(service, agency) {
    const chosen = service.id === state.transferChoice;
    const item = el("li", {
      className: "transfer-option" + (chosen ? " chosen" : ""),
      role: "option",
      "aria-selected": String(chosen),
      dataset: { serviceId: service.id },
      tabIndex: -1,
    });
    item.append(
      el("span", "option-name", C.pick(service, "name")),
      el("span", "option-agency", `${agency.short_name} · ${service.prefix}`),
    );
    return item;
  }

  C.chooseTransfer = function chooseTransfer(serviceId) {
    state.transferChoice = serviceId;
    C.renderTransferList();
    const chosen = document.querySelector("#transfer-list .chosen");
    if (chosen) chosen.scrollIntoView({ block: "nearest" });
  };

  C.moveTransferChoice = function moveTransferChoice(step) {
    const ids = candidates().map(({ service }) => service.id);
    if (!ids.length) return;
    const index = ids.indexOf(state.transferChoice);
    C.chooseTransfer(ids[Math.min(ids.length - 1, Math.max(0, index + step))] || ids[0]);
  };

  C.confirmTransfer = async function confirmTransfer(event) {
    event.preventDefault();
    if (!state.transferChoice) return C.showMessage($("transfer-message"), tr("transfer_pick"));
    try {
      const answer = state.dialogMode === "step"
        ? await C.addStep(state.transferChoice, $("step-return").checked)
        : await C.perform("transfer", { service_id: state.transferChoice });
      if (answer) $("transfer-dialog").close();
    } catch (err) {
      C.showMessage($("transfer-message"), C.errorText(err));
    }
  };
})();
