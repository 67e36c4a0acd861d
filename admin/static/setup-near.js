// The setup page's "your turn is near" panel (site.near_alert): a waiting visitor is told on the
// phone page, and by SMS where the hall sends them, once at most `places` tickets are ahead or
// the estimated wait is at most `minutes`. Each test has a switch: off is `null` in config.yaml.
// Bounds and defaults come from the model that validates the file (the config answer's
// `fields.near_alert`), so a file without the section shows what the server really uses.
(function () {
  "use strict";
  const { el, tr } = AdminUI;
  const KEYS = ["places", "minutes"];

  function schemaOf(ctx, key) {
    return (ctx.fields.near_alert || {})[key] || {};
  }

  // What runs now: the file's value, or the model's default where the file says nothing.
  function current(ctx, key) {
    const section = ctx.sections.near_alert || {};
    return key in section ? section[key] : schemaOf(ctx, key).default ?? null;
  }

  function range(ctx, key) {
    const schema = schemaOf(ctx, key);
    return { min: schema.minimum, max: schema.maximum };
  }

  function rule(ctx, key) {
    const value = current(ctx, key);
    const on = value !== null && value !== undefined;
    const schema = schemaOf(ctx, key);
    const ids = { on: `near-${key}-on`, number: `near-${key}`, hint: `near-${key}-hint` };
    const number = el("input", { type: "number", id: ids.number, name: key, min: schema.minimum, max: schema.maximum,
      step: 1, inputMode: "numeric", value: on ? value : schema.default ?? "", disabled: !on, "aria-describedby": ids.hint });
    const box = el("input", { type: "checkbox", id: ids.on, name: `${key}__on`, checked: on });
    return el("fieldset", { className: "group near-rule", dataset: { key } },
      el("legend", { className: "group-label", text: tr(`near_${key}_title`) }),
      el("label", { className: "check", htmlFor: ids.on }, box, tr(`near_${key}_on`)),
      el("label", { htmlFor: ids.number }, el("span", { text: tr(`near_${key}`) }), number),
      el("span", { id: ids.hint, className: "muted small", text: tr(`near_${key}_hint`, range(ctx, key)) }));
  }

  function read(form) {
    const value = {};
    for (const key of KEYS) {
      const number = form.elements[key];
      const text = number.value.trim();
      value[key] = !form.elements[`${key}__on`].checked ? null : text === "" ? "" : Number(text);
    }
    return value;
  }

  // The error beside its field, in the page's language, tied to the box for screen readers.
  function markField(ctx, form, key) {
    const wrapper = form.querySelector(`[data-key="${key}"]`);
    const number = form.elements[key];
    if (!wrapper || !number) return;
    const id = `near-${key}-error`;
    number.classList.add("invalid");
    number.setAttribute("aria-invalid", "true");
    number.setAttribute("aria-describedby", `near-${key}-hint ${id}`);
    wrapper.append(el("span", { id, className: "field-error", text: tr("near_range", range(ctx, key)) }));
    number.focus();
  }

  function clearFields(form) {
    SetupForm.clearErrors(form);
    for (const key of KEYS) {
      form.elements[key].removeAttribute("aria-invalid");
      form.elements[key].setAttribute("aria-describedby", `near-${key}-hint`);
    }
  }

  function summary(value) {
    if (value.places === null && value.minutes === null) return tr("near_both_off");
    const parts = [];
    if (value.places !== null) parts.push(tr("near_summary_places", { n: value.places === "" ? "…" : value.places }));
    if (value.minutes !== null) parts.push(tr("near_summary_minutes", { n: value.minutes === "" ? "…" : value.minutes }));
    return tr("near_summary", { rules: parts.join(tr("near_or")) });
  }

  // `put(url, value, errorNode, root)` is the setup page's save (true when saved); `saved` redraws.
  function panel(ctx, { put, canEdit, saved }) {
    const form = el("form", { className: "form", novalidate: true });
    const error = el("p", { className: "form-error", role: "alert", hidden: true });
    const said = el("p", { className: "near-summary", id: "near-summary", "aria-live": "polite" });
    const save = el("button", { type: "submit", className: "button", text: tr("save") });
    for (const key of KEYS) form.append(rule(ctx, key));
    form.append(said, error, el("div", { className: "actions" }, save));
    const refresh = () => { said.textContent = summary(read(form)); };
    form.addEventListener("change", (event) => {
      const key = event.target.name.endsWith("__on") ? event.target.name.slice(0, -4) : null;
      if (key) {
        form.elements[key].disabled = !event.target.checked;
        if (event.target.checked) form.elements[key].focus();
      }
      refresh();
    });
    form.addEventListener("input", refresh);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearFields(form);
      error.hidden = true;
      const value = read(form);
      const empty = KEYS.find((key) => value[key] === "" || Number.isNaN(value[key]));
      if (empty) { // nothing to send: say so here rather than save a switched-on test without a number
        markField(ctx, form, empty);
        return;
      }
      if (await put("/api/v1/admin/config/near_alert", value, error, form)) {
        saved();
        return;
      }
      const key = KEYS.find((k) => (ctx.errorField || "").endsWith(`.${k}`));
      if (key) markField(ctx, form, key);
    });
    refresh();
    if (!canEdit()) { SetupForm.disableAll(form); save.hidden = true; }
    return el("section", { className: "panel", dataset: { section: "near_alert" } },
      el("h2", { text: tr("tab_near_alert") }), el("p", { className: "muted small", text: tr("near_intro") }), form);
  }

  window.SetupNear = { panel };
})();
