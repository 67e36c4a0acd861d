// Accounts: list (a supervisor sees their agency's, read-only); an admin creates officers,
// supervisors and admins, assigns counters, resets passwords, disables accounts and lifts the
// lockout after too many wrong passwords.
(function () {
  "use strict";
  const { el, clear, tr, user } = AdminUI;
  const $ = Antrean.$;
  const form = $("user-form");
  const state = { users: [], agencies: [], counters: [], editing: null };

  function counterNames(ids) {
    return ids.map((id) => (state.counters.find((c) => c.id === id) || { name: id }).name).join(", ");
  }

  function renderList() {
    const tbody = clear($("users-table").tBodies[0]);
    const search = $("user-search").value.trim().toLowerCase();
    for (const item of state.users) {
      const text = `${item.username} ${item.display_name || ""} ${item.agency_id || ""}`.toLowerCase();
      if (search && !text.includes(search)) continue;
      const row = el("tr", { className: state.editing === item.username ? "selected" : "", dataset: { username: item.username } },
        el("td", {}, user.may("manage_users")
          ? el("button", { type: "button", className: "button-quiet", text: item.username, on: { click: () => edit(item) } })
          : el("strong", { text: item.username })),
        el("td", { text: item.display_name || "" }),
        el("td", { text: tr(`role_${item.role}`) }),
        el("td", { text: item.agency_id || "" }),
        el("td", { className: "small", text: counterNames(item.counters) }),
        el("td", {}, el("span", { className: `tag ${item.disabled ? "tag-disabled" : "tag-ok"}`,
          text: tr(item.disabled ? "disabled" : "active") }),
        item.locked_until ? el("span", { className: "tag tag-bad user-locked",
          text: tr("locked", { time: AdminUI.timeOf(item.locked_until) }) }) : null));
      tbody.append(row);
    }
  }

  function fillCounters(selected) {
    const box = clear($("user-counters"));
    const agencyId = form.elements.agency_id.value;
    const shown = state.counters.filter((c) => !agencyId || c.agency_id === agencyId || selected.includes(c.id));
    for (const counter of shown) {
      box.append(el("label", { className: "check" },
        el("input", { type: "checkbox", name: "counters", value: counter.id, checked: selected.includes(counter.id) }),
        `${counter.name} · ${counter.agency_id}`));
    }
  }

  function selectedCounters() {
    return [...form.querySelectorAll('input[name="counters"]:checked')].map((box) => box.value);
  }

  function showError(node, err) {
    for (const field of form.querySelectorAll(".invalid")) field.classList.remove("invalid");
    node.textContent = AdminUI.errorText(err);
    node.hidden = false;
    const target = err.field && form.querySelector(`[data-key="${err.field}"]`);
    if (target) target.classList.add("invalid");
  }

  function open(item) {
    state.editing = item ? item.username : null;
    $("user-panel").hidden = false;
    $("user-error").hidden = true;
    $("password-error").hidden = true;
    for (const field of form.querySelectorAll(".invalid")) field.classList.remove("invalid");
    $("user-form-title").textContent = item ? `${tr("edit_user")}: ${item.username}` : tr("new_user");
    form.elements.username.value = item ? item.username : "";
    form.elements.username.readOnly = Boolean(item);
    form.elements.display_name.value = item ? item.display_name || "" : "";
    form.elements.role.value = item ? item.role : "officer";
    form.elements.agency_id.value = item ? item.agency_id || "" : "";
    form.elements.password.value = "";
    $("password-label").hidden = Boolean(item);
    $("password-form").hidden = !item;
    $("password-form").elements.password.value = "";
    $("toggle-disabled").hidden = !item || item.username === user.username;
    if (item) $("toggle-disabled").textContent = tr(item.disabled ? "enable" : "disable");
    $("unlock-user").hidden = !item || !item.locked_until;
    fillCounters(item ? item.counters : []);
    renderList();
  }

  function edit(item) {
    open(item);
  }

  async function save(event) {
    event.preventDefault();
    const values = {
      display_name: form.elements.display_name.value.trim() || null,
      role: form.elements.role.value,
      agency_id: form.elements.agency_id.value || null,
      counters: selectedCounters(),
    };
    try {
      if (state.editing) {
        await Antrean.api(`/api/v1/admin/users/${encodeURIComponent(state.editing)}`, { method: "PATCH", body: values });
      } else {
        const created = await Antrean.api("/api/v1/admin/users", { method: "POST",
          body: { ...values, username: form.elements.username.value.trim(), password: form.elements.password.value } });
        state.editing = created.username;
      }
      AdminUI.notify(tr("saved"));
      await load();
      open(state.users.find((u) => u.username === state.editing));
    } catch (err) {
      showError($("user-error"), err);
    }
  }

  async function toggleDisabled() {
    const item = state.users.find((u) => u.username === state.editing);
    if (!item) return;
    try {
      await Antrean.api(`/api/v1/admin/users/${encodeURIComponent(item.username)}`, { method: "PATCH", body: { disabled: !item.disabled } });
      AdminUI.notify(tr(item.disabled ? "enabled_notice" : "disabled_notice", { name: item.username }));
      await load();
      open(state.users.find((u) => u.username === item.username));
    } catch (err) {
      showError($("user-error"), err);
    }
  }

  async function unlock() {
    const name = state.editing;
    try {
      await Antrean.api(`/api/v1/admin/users/${encodeURIComponent(name)}/unlock`, { method: "POST" });
      AdminUI.notify(tr("unlocked_notice", { name }));
      await load();
      open(state.users.find((u) => u.username === name));
    } catch (err) {
      showError($("user-error"), err);
    }
  }

  async function resetPassword(event) {
    event.preventDefault();
    const field = $("password-form").elements.password;
    try {
      await Antrean.api(`/api/v1/admin/users/${encodeURIComponent(state.editing)}/password`, { method: "POST", body: { password: field.value } });
      field.value = "";
      $("password-error").hidden = true;
      AdminUI.notify(tr("password_set", { name: state.editing }));
    } catch (err) {
      $("password-error").textContent = AdminUI.errorText(err);
      $("password-error").hidden = false;
    }
  }

  async function load() {
    const [users, agencies, counters] = await Promise.all([
      Antrean.api("/api/v1/admin/users"), Antrean.api("/api/v1/agencies"), Antrean.api("/api/v1/counters")]);
    state.users = users.users;
    state.agencies = agencies.agencies;
    state.counters = counters.counters;
    const select = form.elements.agency_id;
    while (select.options.length > 1) select.remove(1);
    for (const agency of state.agencies) select.append(el("option", { value: agency.id, text: agency.short_name }));
    renderList();
  }

  $("read-only").hidden = user.may("manage_users");
  $("new-user").hidden = !user.may("manage_users");
  $("new-user").addEventListener("click", () => open(null));
  $("cancel-user").addEventListener("click", () => { $("user-panel").hidden = true; state.editing = null; renderList(); });
  $("toggle-disabled").addEventListener("click", toggleDisabled);
  $("unlock-user").addEventListener("click", unlock);
  $("user-search").addEventListener("input", renderList);
  form.elements.agency_id.addEventListener("change", () => fillCounters(selectedCounters()));
  form.addEventListener("submit", save);
  $("password-form").addEventListener("submit", resetPassword);
  AdminUI.onLang(() => { renderList(); if (!$("user-panel").hidden) open(state.users.find((u) => u.username === state.editing)); });
  load().catch((err) => AdminUI.notify(AdminUI.errorText(err), true));
})();
