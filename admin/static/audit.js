// The audit log: logins, configuration, account and closure changes, and counter
// actions on tickets, newest first, searchable by text, user, action and period.
(function () {
  "use strict";
  const { el, clear, tr } = AdminUI;
  const $ = Antrean.$;
  const ACTIONS = ["login", "login_failed", "logout", "config_changed", "user_created", "user_changed", "password_reset",
    "login_throttled", "account_locked", "account_unlocked",
    "service_closed", "service_reopened", "counter_closed", "counter_reopened", "called", "recalled", "started", "done",
    "no_show", "transferred", "step_finished", "step_added", "reprint"];
  let last = null;

  function weekAgo() {
    const day = new Date(`${AdminUI.today}T12:00:00Z`);
    day.setUTCDate(day.getUTCDate() - 7);
    return day.toISOString().slice(0, 10);
  }

  function fillActions() {
    const select = $("audit-action");
    const keep = select.value;
    while (select.options.length > 1) select.remove(1);
    for (const action of ACTIONS) select.append(el("option", { value: action, text: tr(`action_${action}`) }));
    select.value = keep;
  }

  function detailText(detail) {
    if (detail === null || detail === undefined) return "";
    const shown = { ...detail };
    delete shown.ticket_id;
    const text = JSON.stringify(shown);
    return text === "{}" ? "" : text.length > 300 ? `${text.slice(0, 300)}…` : text;
  }

  function render() {
    if (!last) return;
    const tbody = clear($("audit-table").tBodies[0]);
    if (!last.entries.length) tbody.append(el("tr", {}, el("td", { colSpan: 6, className: "empty", text: tr("no_entries") })));
    for (const entry of last.entries) {
      tbody.append(el("tr", { dataset: { action: entry.action } },
        el("td", { className: "num", text: AdminUI.dateTime(entry.at) }),
        el("td", { text: entry.actor || "—" }),
        el("td", {}, el("span", { className: `tag ${entry.action.includes("fail") ? "tag-bad" : ""}`, text: tr(`action_${entry.action}`) })),
        el("td", { text: entry.target || "" }),
        el("td", { text: entry.address || "" }),
        el("td", {}, el("pre", { className: "detail", text: detailText(entry.detail) }))));
    }
    $("audit-count").textContent = last.more ? tr("audit_more", { count: last.entries.length }) : tr("audit_count", { count: last.entries.length });
  }

  async function load() {
    const params = {
      q: $("audit-q").value.trim(), actor: $("audit-actor").value.trim(), action: $("audit-action").value,
      from: $("audit-from").value, to: $("audit-to").value, tickets: $("audit-tickets").checked ? "1" : "0", limit: 500,
    };
    try {
      last = await Antrean.api(`/api/v1/admin/audit?${AdminUI.query(params)}`);
      render();
    } catch (err) {
      AdminUI.notify(AdminUI.errorText(err), true);
    }
  }

  $("audit-from").value = weekAgo();
  fillActions();
  $("audit-filters").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  AdminUI.onLang(() => { fillActions(); render(); });
  load();
})();
