// The counter page's keyboard shortcuts (a keyboard's letters, a numeric keypad's operator
// keys) and the handlers of its buttons, forms and dialog.
(function () {
  "use strict";

  const C = window.CounterPage;
  const { $, el, tr } = C;

  // `codes` match the keypad whatever the layout (a decimal key may type "," in some layouts).
  const SHORTCUTS = [
    { action: "call-next", keys: ["Enter", "+"], codes: ["NumpadEnter", "NumpadAdd"], show: ["Enter", "+"] },
    { action: "recall", keys: [".", "r"], codes: ["NumpadDecimal"], show: [".", "R"] },
    { action: "start", keys: ["*", "s"], codes: ["NumpadMultiply"], show: ["*", "S"] },
    { action: "finish", keys: ["/", "f"], codes: ["NumpadDivide"], show: ["/", "F"] },
    { action: "no-show", keys: ["-", "n"], codes: ["NumpadSubtract"], show: ["-", "N"] },
    { action: "transfer", keys: ["t"], codes: [], show: ["T"] },
    { action: "add-step", keys: ["l"], codes: [], show: ["L"] },
    { action: "pause", keys: ["p"], codes: [], show: ["P"] },
  ];

  C.renderShortcuts = function renderShortcuts() {
    const help = $("shortcut-list");
    help.replaceChildren();
    for (const shortcut of SHORTCUTS) {
      const button = document.querySelector(`#work-view [data-action="${shortcut.action}"] .keys`);
      if (button) button.replaceChildren(...shortcut.show.map((key) => el("kbd", "", key)));
      const term = document.createElement("dt");
      shortcut.show.forEach((key, index) => {
        if (index) term.append(` ${tr("keys_or")} `);
        term.append(el("kbd", "", key));
      });
      const pause = shortcut.action === "pause";
      const label = pause ? `${tr("act_pause")} / ${tr("act_resume")}` : tr(`act_${shortcut.action.replace("-", "_")}`);
      help.append(term, el("dd", "", label));
    }
  };

  function shortcutFor(event) {
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    return SHORTCUTS.find((s) => s.codes.includes(event.code) || s.keys.includes(key)) || null;
  }

  function onKeyDown(event) {
    if (document.body.dataset.view !== "work" || $("transfer-dialog").open) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    // Chrome fires a dialog's "close" (where focus leaves it) a moment after close(): a key
    // typed in that moment still targets the closed dialog's search field, and is a shortcut.
    const closedDialog = target.closest("dialog:not([open])");
    if (!closedDialog && target.closest("input, textarea, select, [contenteditable], details")) return;
    // Enter and Space on a focused button the officer tabbed to keep their usual meaning.
    const focusedButton = target.closest("button:not([data-action])");
    if (focusedButton && (event.key === "Enter" || event.key === " ")) return;
    const shortcut = shortcutFor(event);
    if (!shortcut) return;
    event.preventDefault();
    if (event.repeat) return; // a held key is one press
    C.trigger(shortcut.action);
  }

  function onTransferKey(event) {
    if (event.key === "Escape") {
      // A search field would only clear itself on Escape; the officer means "cancel".
      event.preventDefault();
      $("transfer-dialog").close();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      C.moveTransferChoice(event.key === "ArrowDown" ? 1 : -1);
    }
  }

  C.bindEvents = function bindEvents() {
    $("login-form").addEventListener("submit", C.login);
    $("logout").addEventListener("click", C.logout);
    $("lang-switch").addEventListener("click", () => C.setLanguage(C.state.lang === "id" ? "en" : "id"));
    $("change-counter").addEventListener("click", () => C.showChoose());
    $("counter-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-counter-id]");
      if (button) C.openCounter(button.dataset.counterId);
    });
    $("actions").addEventListener("click", (event) => {
      const button = event.target.closest("[data-action]");
      if (button) C.trigger(button.dataset.action);
    });
    $("ticket-list").addEventListener("click", (event) => {
      const button = event.target.closest("[data-ticket-id]");
      if (button) C.callTicket(button.dataset.ticketId, button.dataset.number);
    });
    $("add-step").addEventListener("click", () => C.trigger("add-step"));
    $("number-form").addEventListener("submit", C.callNumber);
    $("reprint-form").addEventListener("submit", C.reprint);
    $("reprint-ticket").addEventListener("change", () => C.renderPrinters());
    $("transfer-form").addEventListener("submit", C.confirmTransfer);
    $("transfer-cancel").addEventListener("click", () => $("transfer-dialog").close());
    // Focus must leave the closed dialog at once, or the next shortcut would land in its search field.
    $("transfer-dialog").addEventListener("close", () => {
      if ($("transfer-dialog").contains(document.activeElement)) document.activeElement.blur();
    });
    $("transfer-search").addEventListener("input", () => C.renderTransferList());
    $("transfer-search").addEventListener("keydown", onTransferKey);
    $("transfer-list").addEventListener("click", (event) => {
      const option = event.target.closest("[data-service-id]");
      if (option) C.chooseTransfer(option.dataset.serviceId);
    });
    $("transfer-list").addEventListener("dblclick", (event) => {
      const option = event.target.closest("[data-service-id]");
      if (option) $("transfer-form").requestSubmit();
    });
    document.addEventListener("keydown", onKeyDown);
    // A button clicked with the mouse gives focus back, so Enter stays "call next".
    document.addEventListener("click", (event) => {
      const button = event.target.closest && event.target.closest("button, summary");
      if (button && event.detail > 0 && !button.closest("dialog")) button.blur();
    });
  };
})();
