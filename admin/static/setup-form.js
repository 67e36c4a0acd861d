// Building and reading the setup forms from a list of field descriptions, and pointing at
// the field a configuration error names ("agencies[0].services[2].prefix" → the prefix box).
(function () {
  "use strict";
  const { el, tr } = AdminUI;
  const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
  // The keys of a service's `booking:` block (docs/config.md) and their input steps.
  const BOOKING_KEYS = [["slot_minutes", 1], ["capacity", 1], ["quota_share", 0.05], ["horizon_days", 1],
    ["check_in_early_minutes", 1], ["check_in_late_minutes", 1]];

  function options(field) {
    return typeof field.options === "function" ? field.options() : field.options || [];
  }

  function checks(name, choices, selected) {
    return el("div", { className: "checks" }, choices.map((choice) => el("label", { className: "check" },
      el("input", { type: "checkbox", name, value: choice.value, checked: selected.includes(choice.value) }), choice.text)));
  }

  function input(field, value, editing) {
    const name = field.key;
    switch (field.type) {
      case "textarea":
        return el("textarea", { name, value: value ?? "", rows: field.rows || 3 });
      case "number":
        return el("input", { name, type: "number", value: value ?? "", min: field.min, max: field.max, step: 1 });
      case "checkbox":
        return el("input", { name, type: "checkbox", checked: Boolean(value) });
      case "select": {
        const select = el("select", { name }, field.optional ? el("option", { value: "", text: "—" }) : null,
          options(field).map((o) => el("option", { value: o.value, text: o.text })));
        select.value = value ?? "";
        return select;
      }
      case "checks":
        return checks(name, options(field), value || []);
      case "days":
        return checks(name, WEEKDAYS.map((d) => ({ value: d, text: tr(`weekday_${d}`) })), value || []);
      case "all_or_list": {
        const all = value === "all" || value === undefined || value === null;
        return el("div", {}, el("label", { className: "check" }, el("input", { type: "checkbox", name: `${name}__all`, checked: all }),
          tr("all_counters")), checks(name, options(field), all ? [] : value));
      }
      case "time":
        return el("input", { name, type: "time", value: value || "" });
      case "hours":
        return el("div", { className: "form-row" },
          el("label", {}, tr("opens"), el("input", { name: `${name}__open`, type: "time", value: value ? value.open : "" })),
          el("label", {}, tr("closes"), el("input", { name: `${name}__close`, type: "time", value: value ? value.close : "" })));
      case "booking": { // a service's booking: block: on or off, and its numbers (empty: the default)
        const on = el("label", { className: "check" }, el("input", { type: "checkbox", name: `${name}__on`, checked: Boolean(value) }),
          tr("booking_on"));
        return el("div", {}, on, el("div", { className: "form-row" }, BOOKING_KEYS.map(([key, step]) => el("label", {},
          el("span", { text: tr(key) }),
          el("input", { name: `${name}__${key}`, type: "number", step, min: 0, value: value && value[key] !== undefined ? value[key] : "" })))));
      }
      case "list":
        return el("input", { name, value: (value || []).join(", ") });
      case "zone": // a display's zone: all, none, rest, "floor N", or counter ids separated by commas
        return el("input", { name, value: Array.isArray(value) ? value.join(", ") : value ?? "", autocomplete: "off" });
      default:
        return el("input", { name, value: value ?? "", readOnly: Boolean(editing && field.fixedOnEdit), autocomplete: "off" });
    }
  }

  // Fields inside a form; each wrapped in an element carrying data-key, for errors.
  function build(form, fields, value, editing) {
    const groups = ["checks", "days", "all_or_list", "hours", "booking"];
    for (const field of fields) {
      const control = input(field, value[field.key], editing);
      const hint = field.hint ? el("span", { className: "muted small", style: "font-weight: 400", text: tr(field.hint) }) : null;
      if (field.type === "checkbox") {
        form.append(el("label", { className: "check", dataset: { key: field.key } }, control, tr(field.label)));
      } else if (groups.includes(field.type)) {
        form.append(el("div", { className: "group", dataset: { key: field.key } },
          el("div", { className: "group-label", text: tr(field.label) }), control, hint));
      } else {
        form.append(el("label", { dataset: { key: field.key } }, el("span", { text: tr(field.label) }), control, hint));
      }
    }
  }

  function checked(form, name) {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
  }

  function read(form, fields) {
    const value = {};
    for (const field of fields) {
      const name = field.key;
      const control = form.elements[name];
      switch (field.type) {
        case "number": {
          const text = control.value.trim();
          value[name] = text === "" ? null : Number(text);
          break;
        }
        case "checkbox": value[name] = control.checked; break;
        case "select": value[name] = control.value === "" ? null : field.numeric ? Number(control.value) : control.value; break;
        case "checks": case "days": value[name] = checked(form, name); break;
        case "all_or_list":
          value[name] = form.elements[`${name}__all`].checked ? "all" : checked(form, name);
          break;
        case "hours": {
          const open = form.elements[`${name}__open`].value;
          const close = form.elements[`${name}__close`].value;
          value[name] = open || close ? { open, close } : null;
          break;
        }
        case "booking": {
          if (!form.elements[`${name}__on`].checked) { value[name] = null; break; }
          const block = {};
          for (const [key] of BOOKING_KEYS) {
            const text = form.elements[`${name}__${key}`].value.trim();
            if (text !== "") block[key] = Number(text);
          }
          value[name] = block;
          break;
        }
        case "list": value[name] = control.value.split(",").map((s) => s.trim()).filter(Boolean); break;
        case "zone": {
          const text = control.value.trim().replace(/\s+/g, " ");
          const word = text === "" || /^(all|none|rest|floor -?\d+)$/.test(text);
          value[name] = word ? text || "all" : text.split(",").map((s) => s.trim()).filter(Boolean);
          break;
        }
        case "time": value[name] = control.value || null; break;
        default: value[name] = control.value.trim() === "" ? null : control.value.trim();
      }
    }
    return value;
  }

  // The part of an error's key inside one item: "agencies[0].services[2].hours.open" → "hours".
  function fieldOf(path) {
    if (!path) return null;
    const inside = path.replace(/^(site\.)?([a-z_]+\[\d+\]\.)*([a-z_]+\[\d+\])\.?/, "").replace(/^site\.(hours\.)?/, "");
    return inside.split(/[.[]/)[0] || null;
  }

  function clearErrors(root) {
    for (const node of root.querySelectorAll(".invalid")) node.classList.remove("invalid");
    for (const node of root.querySelectorAll(".field-error")) node.remove();
  }

  function markError(root, path, message) {
    const key = fieldOf(path);
    const wrapper = key && root.querySelector(`[data-key="${key}"]`);
    if (!wrapper) return false;
    for (const control of wrapper.querySelectorAll("input, select, textarea, .checks")) control.classList.add("invalid");
    wrapper.append(el("span", { className: "field-error", text: message }));
    const first = wrapper.querySelector("input, select, textarea");
    if (first) first.focus();
    return true;
  }

  function disableAll(root) {
    for (const control of root.querySelectorAll("input, select, textarea, button")) control.disabled = true;
  }

  window.SetupForm = { build, read, fieldOf, clearErrors, markError, disableAll, WEEKDAYS };
})();
