// The setup page: edit config.yaml section by section through /api/v1/admin/config.
// Every save is validated on the server exactly like config.yaml; a refusal names the
// key, and the form points at that field. A change made elsewhere arrives as config.updated.
(function () {
  "use strict";
  const { el, clear, tr, user } = AdminUI;
  const $ = Antrean.$;
  const ctx = { sections: null, version: null, editable: false, tab: "services", agencyId: null, editing: null,
    mode: "item", formAgency: null, formServices: [], printerStatus: {}, printerTypes: [], fields: {}, confirmDelete: false };
  let sections = SetupSections.build(ctx); // built again with each answer: its fields follow the server's
  const canEdit = () => user.may("edit_config") && ctx.editable;

  // --- loading and saving ------------------------------------------------------------------

  function take(answer) {
    ctx.sections = answer.sections;
    ctx.version = answer.version;
    ctx.editable = answer.editable;
    ctx.printerTypes = answer.printer_types; // the server's table: type, label, label_en, needs
    ctx.fields = answer.fields; // each field's type, bounds and choices, from the models that validate the file
    sections = SetupSections.build(ctx);
    $("config-path").textContent = answer.path || tr("no_config_file");
    if (!ctx.agencyId || !ctx.sections.agencies.some((a) => a.id === ctx.agencyId)) {
      ctx.agencyId = (ctx.sections.agencies.find((a) => a.id === user.agencyId) || ctx.sections.agencies[0] || {}).id;
    }
    const note = $("read-only");
    note.hidden = canEdit();
    note.textContent = !user.may("edit_config") ? tr("read_only_supervisor") : tr("read_only_no_file");
  }

  async function load() {
    take(await Antrean.api("/api/v1/admin/config"));
    try {
      const printers = await Antrean.api("/api/v1/printers");
      ctx.printerStatus = Object.fromEntries(printers.printers.map((p) => [p.id, p.status]));
    } catch (err) {
      ctx.printerStatus = {};
    }
    render();
  }

  // Save through the API; on refusal show the message and point at the field (rows editors
  // pass no `root` and mark the row themselves from ctx.errorField).
  async function put(url, value, errorNode, root, method) {
    errorNode.hidden = true;
    ctx.errorField = null;
    if (root) SetupForm.clearErrors(root);
    ctx.saving = true;
    try {
      const answer = await Antrean.api(method === "DELETE" ? `${url}?${AdminUI.query({ version: ctx.version })}` : url,
        { method: method || "PUT", body: method === "DELETE" ? undefined : { value, version: ctx.version } });
      take(answer);
      AdminUI.notify(tr("saved_live"));
      return true;
    } catch (err) {
      AdminUI.hideNotice();
      errorNode.textContent = err.code === "config_changed" ? tr("config_changed") : AdminUI.errorText(err);
      errorNode.hidden = false;
      ctx.errorField = err.field || null;
      if (err.field && root) SetupForm.markError(root, err.field, tr("check_this"));
      return false;
    } finally {
      ctx.saving = false;
      // Our own save's config.updated can arrive before its answer: only a version other
      // than the one we now hold means somebody else changed the file.
      const heard = ctx.heardWhileSaving;
      ctx.heardWhileSaving = null;
      if (heard && heard !== ctx.version) configChanged(heard);
    }
  }

  function configChanged(version) {
    if (ctx.saving) {
      ctx.heardWhileSaving = version;
      return;
    }
    if (version !== ctx.version) {
      AdminUI.notify(tr("changed_elsewhere"));
      load();
    }
  }

  // --- list sections --------------------------------------------------------------------------

  function renderAgencyPicker() {
    const picker = $("agency-picker");
    picker.hidden = ctx.tab !== "services";
    $("edit-agency").hidden = ctx.tab !== "services" || !canEdit();
    $("add-agency").hidden = ctx.tab !== "services" || !canEdit();
    clear(picker);
    for (const agency of ctx.sections.agencies) {
      picker.append(el("option", { value: agency.id, text: `${agency.short_name} (${(agency.services || []).length})` }));
    }
    picker.value = ctx.agencyId;
  }

  function renderList() {
    const spec = sections[ctx.tab];
    renderAgencyPicker();
    $("add-item").hidden = !canEdit();
    const table = $("items-table");
    clear(table.tHead).append(el("tr", {}, spec.columns.map(([label]) => el("th", { text: tr(label) }))));
    const tbody = clear(table.tBodies[0]);
    const search = $("list-search").value.trim().toLowerCase();
    for (const item of spec.items()) {
      if (search && !JSON.stringify(item).toLowerCase().includes(search)) continue;
      tbody.append(el("tr", { className: ctx.editing === item.id && ctx.mode === "item" ? "selected" : "",
        dataset: { id: item.id }, style: "cursor: pointer", on: { click: () => openItem(item) } },
        spec.columns.map(([, cell]) => el("td", { text: cell(item) }))));
    }
  }

  function openPanel(title) {
    $("item-panel").hidden = false;
    $("item-error").hidden = true;
    $("item-title").textContent = title;
    ctx.confirmDelete = false;
    $("delete-item").textContent = tr("delete");
    return clear($("item-form"));
  }

  function openItem(item) {
    const spec = sections[ctx.tab];
    ctx.mode = "item";
    ctx.editing = item ? item.id : null;
    const value = item ? { ...item, ...(ctx.tab === "services" ? { agency_id: ctx.agencyId } : {}) } : spec.blank();
    ctx.formAgency = value.agency;
    ctx.formServices = value.services || [];
    const form = openPanel(item ? `${tr("edit")}: ${spec.title(item)}` : tr(`new_${ctx.tab}`));
    SetupForm.build(form, spec.fields, value, Boolean(item));
    if (ctx.tab === "counters") form.elements.agency.addEventListener("change", () => rebuildCounterServices(form));
    $("delete-item").hidden = !item || !canEdit();
    $("save-item").hidden = !canEdit();
    if (!canEdit()) SetupForm.disableAll(form);
    renderList();
  }

  // A counter's service choices follow its agency (services already chosen stay listed).
  function rebuildCounterServices(form) {
    const spec = sections.counters;
    ctx.formServices = SetupForm.read(form, spec.fields).services;
    ctx.formAgency = form.elements.agency.value;
    const wrapper = form.querySelector('[data-key="services"]');
    const fresh = el("form");
    SetupForm.build(fresh, [spec.fields.find((f) => f.key === "services")], { services: ctx.formServices }, true);
    wrapper.replaceWith(fresh.firstChild);
  }

  function openAgency(agency) {
    const spec = sections.agency;
    ctx.mode = agency ? "agency" : "new-agency";
    ctx.editing = agency ? agency.id : null;
    const form = openPanel(agency ? `${tr("edit_agency")}: ${agency.short_name}` : tr("add_agency"));
    SetupForm.build(form, agency ? spec.fields : [...spec.fields, ...spec.newFields], agency || {}, Boolean(agency));
    $("delete-item").hidden = !agency || !canEdit();
    renderList();
  }

  async function saveItem(event) {
    event.preventDefault();
    const form = $("item-form");
    if (ctx.mode !== "item") return saveAgency(form);
    const spec = sections[ctx.tab];
    const original = ctx.editing ? spec.items().find((i) => i.id === ctx.editing) || {} : {};
    let value = { ...original, ...SetupForm.read(form, spec.fields) };
    if (spec.prepare) value = spec.prepare(value);
    const id = ctx.editing || value.id;
    if (!id) {
      SetupForm.markError(form, "id", tr("id_required"));
      return;
    }
    delete value.id;
    if (await put(spec.url(id), value, $("item-error"), form)) {
      if (ctx.tab === "services" && value.agency_id) ctx.agencyId = value.agency_id;
      const fresh = sections[ctx.tab].items().find((i) => i.id === id);
      if (fresh) openItem(fresh); else renderList();
    }
  }

  async function saveAgency(form) {
    const spec = sections.agency;
    const creating = ctx.mode === "new-agency";
    const values = SetupForm.read(form, creating ? [...spec.fields, ...spec.newFields] : spec.fields);
    const id = ctx.editing || values.id;
    if (!id) {
      SetupForm.markError(form, "id", tr("id_required"));
      return;
    }
    const original = ctx.sections.agencies.find((a) => a.id === id) || {};
    const value = { ...original, name: values.name, short_name: values.short_name, name_en: values.name_en };
    delete value.id;
    if (creating) {
      value.services = [{ id: values.service_id, name: values.service_name, prefix: values.service_prefix,
        counters: values.counters || [] }];
    }
    if (await put(spec.url(id), value, $("item-error"), form)) {
      ctx.agencyId = id;
      openAgency(ctx.sections.agencies.find((a) => a.id === id));
    }
  }

  // Deleting asks twice, on the same button (no pop-up dialogs).
  async function deleteItem() {
    if (!ctx.confirmDelete) {
      ctx.confirmDelete = true;
      $("delete-item").textContent = tr("delete_confirm");
      return;
    }
    const url = ctx.mode === "item" ? sections[ctx.tab].url(ctx.editing) : sections.agency.url(ctx.editing);
    if (await put(url, null, $("item-error"), $("item-form"), "DELETE")) {
      $("item-panel").hidden = true;
      ctx.editing = null;
      renderList();
    }
  }

  // --- whole sections: running text; hours, holidays and breaks --------------------------------

  // A section's defaults, as the server describes its fields: what config.yaml leaves unsaid.
  function defaults(section) {
    return Object.fromEntries(Object.entries(ctx.fields[section] || {}).filter(([, f]) => "default" in f)
      .map(([key, f]) => [key, f.default]));
  }

  function wholePanel(title, fields, value, url, prepare) {
    const form = el("form", { className: "form", novalidate: true });
    SetupForm.build(form, fields, value, false);
    const error = el("p", { className: "form-error", role: "alert", hidden: true });
    const save = el("button", { type: "submit", className: "button", text: tr("save") });
    form.append(error, el("div", { className: "actions" }, save));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const read = SetupForm.read(form, fields);
      if (await put(url, prepare ? prepare(read) : read, error, form)) renderWhole();
    });
    if (!canEdit()) { SetupForm.disableAll(form); save.hidden = true; }
    return el("section", { className: "panel", dataset: { section: url.split("/").pop() } }, el("h2", { text: tr(title) }), form);
  }

  // Rows of inputs (holidays, breaks): add, remove, save the whole list.
  function rowsPanel(title, name, columns, rows, blank) {
    const table = el("table", { className: "data rows-editor" },
      el("thead", {}, el("tr", {}, columns.map((c) => el("th", { text: tr(c.label) })), el("th"))), el("tbody"));
    const error = el("p", { className: "form-error", role: "alert", hidden: true });
    const panel = el("section", { className: "panel", dataset: { section: name } }, el("h2", { text: tr(title) }), table, error);

    function addRow(row) {
      const tr_ = el("tr", {}, columns.map((c) => {
        const cell = el("td", { dataset: { key: c.key } });
        if (c.type === "days") {
          const form = el("div");
          SetupForm.build(form, [{ key: c.key, label: c.label, type: "days" }], row, false);
          cell.append(form.querySelector(".checks"));
        } else {
          cell.append(el("input", { name: c.key, type: c.type || "text", value: row[c.key] ?? "" }));
        }
        return cell;
      }), el("td", {}, el("button", { type: "button", className: "button-quiet", text: tr("remove"),
        on: { click: () => tr_.remove() } })));
      table.tBodies[0].append(tr_);
    }

    function read() {
      return [...table.tBodies[0].rows].map((row) => {
        const value = {};
        for (const c of columns) {
          const cell = row.querySelector(`td[data-key="${c.key}"]`);
          value[c.key] = c.type === "days" ? [...cell.querySelectorAll("input:checked")].map((i) => i.value)
            : cell.querySelector("input").value.trim() || null;
        }
        return value;
      });
    }

    for (const row of rows) addRow(row);
    const add = el("button", { type: "button", className: "button-light", text: tr("add_row"), on: { click: () => addRow(blank()) } });
    const save = el("button", { type: "button", className: "button", text: tr("save"), on: { click: async () => {
      error.hidden = true;
      for (const node of table.querySelectorAll(".invalid")) node.classList.remove("invalid");
      if (await put(`/api/v1/admin/config/${name}`, read(), error, null)) renderWhole();
      else markRowError(table, ctx.errorField);
    } } });
    panel.append(el("div", { className: "actions" }, add, save));
    if (!canEdit()) { SetupForm.disableAll(panel); add.hidden = true; save.hidden = true; }
    return panel;
  }

  function markRowError(table, path) {
    const match = /\[(\d+)\](?:\.([a-z_]+))?/.exec(path || "");
    if (!match) return;
    const row = table.tBodies[0].rows[Number(match[1])];
    if (!row) return;
    const targets = match[2] ? row.querySelectorAll(`td[data-key="${match[2]}"] input`) : row.querySelectorAll("input");
    for (const node of targets) node.classList.add("invalid");
  }

  function renderWhole() {
    const body = clear($("whole-body"));
    if (ctx.tab === "running_text") {
      body.append(wholePanel("tab_running_text", [
        { key: "running_text", label: "running_text", type: "textarea", rows: 4 },
        { key: "running_text_en", label: "running_text_en", type: "textarea", rows: 4 },
      ], ctx.sections.running_text, "/api/v1/admin/config/running_text"));
      return;
    }
    if (ctx.tab === "booking") { // site.booking: the same for every service that takes bookings
      const asks = (v) => tr(`ask_${v}`);
      body.append(wholePanel("tab_booking", SetupSections.described(ctx, "booking", [
        { key: "placement", label: "placement", choiceText: (v) => tr(`placement_${v}`) },
        { key: "ask_phone", label: "ask_phone", choiceText: asks },
        { key: "ask_nik", label: "ask_nik", choiceText: asks },
        { key: "per_phone_per_day", label: "per_phone_per_day", hint: "limit_hint" },
        { key: "per_address_per_day", label: "per_address_per_day", hint: "limit_hint" },
        { key: "keep_contact_days", label: "keep_contact_days", hint: "keep_contact_hint" },
      ]), { ...defaults("booking"), ...(ctx.sections.booking || {}) }, "/api/v1/admin/config/booking"));
      return;
    }
    const hours = ctx.sections.hours;
    body.append(el("div", { className: "grid-2" },
      wholePanel("hall_hours", [
        { key: "open", label: "opens", type: "time" }, { key: "close", label: "closes", type: "time" },
        { key: "days", label: "open_days", type: "days" },
        { key: "ticket_cutoff_minutes", label: "cutoff", type: "number", min: 0, hint: "cutoff_hint" },
      ], { ...(hours.hours || {}), ticket_cutoff_minutes: hours.ticket_cutoff_minutes }, "/api/v1/admin/config/hours",
      (read) => ({ hours: { ...(hours.hours || {}), open: read.open, close: read.close, days: read.days },
        ticket_cutoff_minutes: read.ticket_cutoff_minutes })),
      rowsPanel("breaks", "breaks", [{ key: "name", label: "name" }, { key: "days", label: "days", type: "days" },
        { key: "start", label: "starts", type: "time" }, { key: "end", label: "ends", type: "time" }],
      ctx.sections.breaks, () => ({ name: "Istirahat", days: ["mon", "tue", "wed", "thu", "fri"] }))));
    body.append(rowsPanel("holidays", "holidays", [{ key: "date", label: "date", type: "date" }, { key: "name", label: "name" }],
      ctx.sections.holidays, () => ({})));
    if (hours.hours && hours.hours.by_day && Object.keys(hours.hours.by_day).length) {
      const text = Object.entries(hours.hours.by_day).map(([day, h]) => `${tr(`weekday_${day}`)} ${h.open}–${h.close}`).join("; ");
      body.firstChild.firstChild.append(el("p", { className: "muted small", text: `${tr("by_day_note")} ${text}` }));
    }
  }

  // --- tabs ----------------------------------------------------------------------------------

  function render() {
    if (!ctx.sections) return;
    for (const button of $("tabs").querySelectorAll("button")) button.setAttribute("aria-selected", button.dataset.tab === ctx.tab);
    const whole = ["running_text", "hours", "booking"].includes(ctx.tab);
    $("list-editor").hidden = whole;
    $("whole-editor").hidden = !whole;
    if (whole) renderWhole(); else renderList();
  }

  function selectTab(tab) {
    ctx.tab = tab;
    ctx.editing = null;
    $("item-panel").hidden = true;
    $("list-search").value = "";
    history.replaceState(null, "", `#${tab}`);
    render();
  }

  $("whole-actions").remove();
  for (const button of $("tabs").querySelectorAll("button")) button.addEventListener("click", () => selectTab(button.dataset.tab));
  $("agency-picker").addEventListener("change", (event) => { ctx.agencyId = event.target.value; $("item-panel").hidden = true; renderList(); });
  $("list-search").addEventListener("input", renderList);
  $("add-item").addEventListener("click", () => openItem(null));
  $("edit-agency").addEventListener("click", () => openAgency(ctx.sections.agencies.find((a) => a.id === ctx.agencyId)));
  $("add-agency").addEventListener("click", () => openAgency(null));
  $("item-form").addEventListener("submit", saveItem);
  $("delete-item").addEventListener("click", deleteItem);
  $("cancel-item").addEventListener("click", () => { $("item-panel").hidden = true; ctx.editing = null; renderList(); });
  AdminUI.onLang(() => { render(); if (!$("item-panel").hidden) $("item-panel").hidden = true; });
  const hash = window.location.hash.slice(1);
  if (["services", "counters", "kiosks", "displays", "printers", "running_text", "hours", "booking"].includes(hash)) ctx.tab = hash;
  load().catch((err) => AdminUI.notify(AdminUI.errorText(err), true));
  Antrean.live([], {
    "config.updated": (change) => configChanged(change.version),
  }, { onStatus: AdminUI.connectionBanner });
})();
