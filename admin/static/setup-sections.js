// What each list section of the setup page shows and edits: table columns, form fields
// and the API address of one item. `ctx` is the setup page's state (config sections, ...).
(function () {
  "use strict";
  const { tr } = AdminUI;

  function serviceOptions(ctx, agencyId, selected) {
    const result = [];
    for (const agency of ctx.sections.agencies) {
      for (const service of agency.services || []) {
        if (agency.id === agencyId || (selected || []).includes(service.id)) {
          result.push({ value: service.id, text: `${service.name} (${service.prefix})` });
        }
      }
    }
    return result;
  }

  // Every counter, for "served at": a service must have one (the server refuses it otherwise).
  function counterOptions(ctx) {
    return ctx.sections.counters.map((c) => ({ value: c.id, text: c.name }));
  }

  // A service with the counters that serve it now (`counters`: the form's field, not a key of config.yaml).
  function withCounters(ctx, service) {
    return { ...service, counters: ctx.sections.counters.filter((c) => (c.services || []).includes(service.id)).map((c) => c.id) };
  }

  function agencyOptions(ctx) {
    return ctx.sections.agencies.map((a) => ({ value: a.id, text: a.short_name }));
  }

  function prefixes(ctx, serviceIds) {
    const prefixOf = {};
    for (const agency of ctx.sections.agencies) for (const s of agency.services || []) prefixOf[s.id] = s.prefix;
    return serviceIds.map((id) => prefixOf[id] || id).join(", ");
  }

  function hoursText(hours) {
    return hours ? `${hours.open}–${hours.close}` : "—";
  }

  // A field's input follows what the server says of it (the models that validate config.yaml):
  // a whole number with its bounds, one of a fixed set of values, yes/no, a list. The page only
  // chooses the input itself where it offers other sections' items (agencies, services, ...).
  function described(ctx, section, fields) {
    const known = ctx.fields[section] || {};
    return fields.map((field) => {
      const schema = known[field.key];
      if (!schema || field.type) return field;
      if (schema.enum) {
        const text = field.choiceText || String;
        return { ...field, type: "select", numeric: schema.type === "integer",
          options: () => schema.enum.map((v) => ({ value: String(v), text: text(v) })) };
      }
      if (schema.type === "integer") return { ...field, type: "number", min: schema.minimum, max: schema.maximum };
      if (schema.type === "boolean") return { ...field, type: "checkbox" };
      if (schema.type === "array") return { ...field, type: "list" };
      return field;
    });
  }

  function build(ctx) {
    const spec = {
      services: {
        items: () => ((ctx.sections.agencies.find((a) => a.id === ctx.agencyId) || {}).services || [])
          .map((s) => withCounters(ctx, s)),
        columns: [["prefix", (s) => s.prefix], ["name", (s) => s.name], ["quota", (s) => s.quota ?? "—"],
          ["standard_minutes", (s) => s.standard_minutes ?? "—"], ["service_hours", (s) => hoursText(s.hours)]],
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "name_en", label: "name_en" },
          { key: "prefix", label: "prefix", hint: "prefix_hint" },
          { key: "agency_id", label: "agency", type: "select", options: () => agencyOptions(ctx) },
          { key: "quota", label: "quota", hint: "quota_hint" },
          { key: "standard_minutes", label: "standard_minutes", hint: "standard_hint" },
          { key: "hours", label: "service_hours", type: "hours", hint: "service_hours_hint" },
          { key: "keywords", label: "keywords", hint: "keywords_hint" },
          { key: "popular", label: "popular" },
          { key: "booking", label: "booking", type: "booking", hint: "booking_hint" },
          { key: "counters", label: "served_at", type: "checks", options: () => counterOptions(ctx), hint: "served_at_hint" },
        ],
        blank: () => ({ agency_id: ctx.agencyId }),
        url: (id) => `/api/v1/admin/config/services/${encodeURIComponent(id)}`,
        title: (item) => item.name,
      },
      agency: {
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "short_name", label: "short_name" },
          { key: "name_en", label: "name_en" },
        ],
        newFields: [
          { key: "service_id", label: "first_service_id", hint: "id_hint" },
          { key: "service_name", label: "first_service_name" },
          { key: "service_prefix", label: "prefix", hint: "prefix_hint" },
          { key: "counters", label: "served_at", type: "checks", options: () => counterOptions(ctx), hint: "served_at_hint" },
        ],
        url: (id) => `/api/v1/admin/config/agencies/${encodeURIComponent(id)}`,
      },
      counters: {
        items: () => ctx.sections.counters,
        columns: [["id", (c) => c.id], ["name", (c) => c.name], ["agency", (c) => c.agency], ["floor", (c) => c.floor ?? "—"],
          ["services", (c) => prefixes(ctx, c.services)]],
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "agency", label: "agency", type: "select", options: () => agencyOptions(ctx) },
          { key: "floor", label: "floor" },
          { key: "services", label: "services", type: "checks",
            options: () => serviceOptions(ctx, ctx.formAgency, ctx.formServices) },
        ],
        blank: () => ({ agency: ctx.sections.agencies[0] && ctx.sections.agencies[0].id, services: [] }),
        url: (id) => `/api/v1/admin/config/counters/${encodeURIComponent(id)}`,
        title: (item) => item.name,
      },
      kiosks: {
        items: () => ctx.sections.kiosks,
        columns: [["id", (k) => k.id], ["name", (k) => k.name], ["printer", (k) => k.printer || "—"]],
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "printer", label: "printer", type: "select", optional: true,
            options: () => ctx.sections.printers.map((p) => ({ value: p.id, text: p.name || p.id })) },
        ],
        blank: () => ({}),
        url: (id) => `/api/v1/admin/config/kiosks/${encodeURIComponent(id)}`,
        title: (item) => item.name,
      },
      displays: {
        items: () => ctx.sections.displays,
        columns: [["id", (d) => d.id], ["name", (d) => d.name],
          ["counters", (d) => (d.counters === "all" || !d.counters ? tr("all_counters") : d.counters.length)],
          ["sound", (d) => tr(`sound_${d.sound || "voice"}`)]],
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "counters", label: "counters", type: "all_or_list",
            options: () => ctx.sections.counters.map((c) => ({ value: c.id, text: c.name })) },
          { key: "sound", label: "sound", choiceText: (s) => tr(`sound_${s}`) },
          { key: "speaks", label: "speaks", type: "zone", hint: "speaks_hint" },
          { key: "media_folder", label: "media_folder" },
        ],
        blank: () => ({ counters: "all", sound: "voice", speaks: "all" }),
        url: (id) => `/api/v1/admin/config/displays/${encodeURIComponent(id)}`,
        title: (item) => item.name,
      },
      printers: {
        items: () => ctx.sections.printers,
        columns: [["id", (p) => p.id], ["name", (p) => p.name || ""], ["type", (p) => p.type],
          ["width_mm", (p) => p.width_mm || 80], ["status", (p) => tr(`printer_${(ctx.printerStatus[p.id] || "unknown")}`)]],
        fields: [
          { key: "id", label: "id", fixedOnEdit: true, hint: "id_hint" },
          { key: "name", label: "name" },
          { key: "type", label: "type", type: "select",
            options: () => ctx.printerTypes.map((t) => ({ value: t.type, text: AdminUI.lang === "en" ? t.label_en : t.label })) },
          { key: "width_mm", label: "width_mm", choiceText: (mm) => `${mm} mm` },
          { key: "profile", label: "profile" },
          { key: "host", label: "host", hint: "host_hint" },
          { key: "port", label: "port" },
          { key: "vendor_id", label: "vendor_id" },
          { key: "product_id", label: "product_id" },
          { key: "device", label: "device", hint: "device_hint" },
          { key: "baudrate", label: "baudrate" },
          { key: "cups_name", label: "cups_name" },
        ],
        blank: () => ({ type: "virtual", width_mm: 80 }),
        url: (id) => `/api/v1/admin/config/printers/${encodeURIComponent(id)}`,
        title: (item) => item.name || item.id,
      },
    };
    const models = { services: "services", agency: "agencies", counters: "counters", kiosks: "kiosks",
      displays: "displays", printers: "printers" };
    for (const [name, section] of Object.entries(models)) spec[name].fields = described(ctx, section, spec[name].fields);
    return spec;
  }

  window.SetupSections = { build, serviceOptions, described };
})();
