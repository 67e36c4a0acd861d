// The period and agency/service filters shared by the report and IKM pages. A supervisor's
// agency is fixed (the API answers only their agency anyway); the download links follow the filters.
(function () {
  "use strict";
  const { el, clear, tr, user } = AdminUI;
  const $ = Antrean.$;

  function mount({ onChange, downloads }) {
    let agencies = [];

    function params() {
      return {
        from: $("from").value,
        to: $("to").value,
        agency_id: user.seesAllAgencies ? $("agency").value : user.agencyId,
        service_id: $("service").value,
      };
    }

    function fillServices() {
      const select = $("service");
      const keep = select.value;
      while (select.options.length > 1) select.remove(1);
      const agencyId = params().agency_id;
      for (const agency of agencies.filter((a) => !agencyId || a.id === agencyId)) {
        const group = el("optgroup", { label: agency.short_name });
        for (const service of agency.services) {
          group.append(el("option", { value: service.id, text: AdminUI.lang === "en" ? service.name_en || service.name : service.name }));
        }
        select.append(group);
      }
      select.value = [...select.options].some((o) => o.value === keep) ? keep : "";
    }

    function updateDownloads() {
      const search = AdminUI.query({ ...params(), lang: AdminUI.lang });
      for (const [id, path] of Object.entries(downloads)) $(id).href = `${path}?${search}`;
    }

    async function load() {
      const data = await Antrean.api("/api/v1/agencies");
      agencies = data.agencies;
      const select = $("agency");
      while (select.options.length > 1) select.remove(1);
      for (const agency of agencies) select.append(el("option", { value: agency.id, text: agency.short_name }));
      if (!user.seesAllAgencies) {
        select.value = user.agencyId;
        select.disabled = true;
      }
      fillServices();
      updateDownloads();
    }

    $("agency").addEventListener("change", () => { fillServices(); updateDownloads(); });
    for (const id of ["from", "to", "service"]) $(id).addEventListener("change", updateDownloads);
    $("filters").addEventListener("submit", (event) => {
      event.preventDefault();
      if ($("to").value < $("from").value) $("to").value = $("from").value;
      updateDownloads();
      onChange(params());
    });
    AdminUI.onLang(() => { fillServices(); updateDownloads(); });
    const ready = load().catch((err) => AdminUI.notify(AdminUI.errorText(err), true));
    return { params, ready, agencyName: (id) => (agencies.find((a) => a.id === id) || {}).short_name || id };
  }

  window.ReportFilters = { mount };
})();
