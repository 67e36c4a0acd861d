// The dashboard's SMS panel (admins): whether the "your turn is near" SMS go out through
// gammu-smsd and, when not, why, in words; today's counts and the latest 20 messages, the
// number masked as the API gives it. No event tells the hall's pages about SMS, so the panel
// asks again every round of the server's SMS worker (5 s), only while the page is seen.
(function () {
  "use strict";
  const { el, clear, tr, user } = AdminUI;
  const $ = Antrean.$;
  const EVERY_MS = 5000;
  const STATUSES = ["pending", "written", "sent", "error", "skipped"];
  const TAGS = { off: "tag", ok: "tag tag-ok", no_outbox: "tag tag-bad", stalled: "tag tag-warn" };

  function renderState(data) {
    const state = $("sms-state");
    state.className = TAGS[data.state] || "tag";
    state.textContent = tr(`sms_state_${data.state}`);
    state.dataset.state = data.state;
    $("sms-why").textContent = tr(`sms_why_${data.state}`);
    const detail = $("sms-detail");
    detail.hidden = !data.detail || data.state === "off";
    detail.textContent = data.detail ? tr("sms_server_said", { detail: data.detail }) : "";
    $("sms-how").hidden = data.state !== "off";
    $("sms-gammu").textContent = tr(data.gammu_installed ? "sms_gammu_yes" : "sms_gammu_no");
    $("sms-gammu").dataset.installed = data.gammu_installed ? "yes" : "no";
    $("sms-outbox").textContent = tr("sms_outbox", { folder: data.outbox });
  }

  function renderCounts(data) {
    const list = clear($("sms-counts"));
    for (const status of STATUSES) {
      list.append(el("div", { className: "sms-count", dataset: { status } },
        el("dt", { text: tr(`sms_status_${status}`) }), el("dd", { text: AdminUI.number(data.today[status] || 0) })));
    }
  }

  function renderRecent(data) {
    const tbody = clear($("sms-table").tBodies[0]);
    if (!data.recent.length) tbody.append(el("tr", {}, el("td", { colSpan: 5, className: "empty", text: tr("sms_no_messages") })));
    for (const message of data.recent) {
      const step = message.step ? ` · ${tr("sms_step", { n: message.step + 1 })}` : "";
      const bad = message.status === "error" ? "tag-bad" : message.status === "sent" ? "tag-ok" : "tag-warn";
      tbody.append(el("tr", { dataset: { ticketId: message.ticket_id, status: message.status } },
        el("td", { text: AdminUI.timeOf(message.reported_at || message.written_at || message.created_at) }),
        el("td", {}, el("strong", { text: message.number }), step),
        el("td", { className: "sms-phone", text: message.phone || tr("sms_phone_erased") }),
        el("td", {}, el("span", { className: `tag ${bad}`, text: tr(`sms_status_${message.status}`) })),
        el("td", { className: "small", text: message.detail || "" })));
    }
  }

  function mount() {
    const panel = $("sms-panel");
    const state = { data: null, timer: null };
    if (!panel || !user.may("read_sms")) return { load() {} };

    function render() {
      const data = state.data;
      if (!data) return;
      renderState(data);
      renderCounts(data);
      renderRecent(data);
      // No clock here: the browser's may be wrong on an offline LAN, and the answer carries none.
      $("sms-checked").textContent = tr("sms_checked", { n: EVERY_MS / 1000 });
      panel.hidden = false;
    }

    async function load() {
      try {
        state.data = await Antrean.api("/api/v1/admin/sms");
        render();
      } catch (err) {
        $("sms-checked").textContent = AdminUI.errorText(err);
      }
    }

    function schedule() {
      clearInterval(state.timer);
      state.timer = document.hidden ? null : setInterval(load, EVERY_MS);
    }

    document.addEventListener("visibilitychange", () => { schedule(); if (!document.hidden) load(); });
    AdminUI.onLang(render);
    schedule();
    load();
    return { load };
  }

  window.AdminSms = { mount };
})();
