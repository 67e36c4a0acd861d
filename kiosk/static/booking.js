// The booking page: choose a service (the kiosk's search, GET /api/v1/services/search), a day and
// a slot (GET /api/v1/services/{id}/slots), book (POST /api/v1/bookings) and get the code and its
// QR; a booking opened by its code (/booking/CODE, the QR's address) can be cancelled (DELETE) or
// moved (POST .../reschedule). Once checked in at the kiosk, the page shows the ticket's number
// and leads to its phone page; it learns of the check-in through the service's `queue.updated`.
(function () {
  "use strict";

  const $ = Antrean.$;
  const el = Antrean.el;
  const View = window.BookingView;
  // ask_phone, ask_nik ("off", "optional", "required") and per service its check-in window.
  const SETTINGS = Antrean.boot.booking || { services: {}, ask_phone: "off", ask_nik: "off" };
  const LOOK_AHEAD_DAYS = 60; // the server answers only the days within its horizon
  const state = {
    lang: Antrean.boot.language === "en" ? "en" : "id",
    services: new Map(), // id -> Service
    service: null,
    slots: [],
    day: null,
    slot: null,
    booking: null,
    ticket: null,
    rescheduling: false,
    busy: false,
    socket: null,
  };
  const tr = (key, values) => Antrean.t(window.BookingText, state.lang, key, values);

  // --- words -------------------------------------------------------------------------------

  function serviceName(service) {
    if (!service) return "";
    return state.lang === "en" ? service.name_en || service.name : service.name;
  }

  function whenText(slot) {
    return `${View.dayLabel(slot.day, tr)}, ${View.slotText(slot)}`;
  }

  function say(text) {
    $("status").textContent = "";
    setTimeout(() => ($("status").textContent = text), 50); // a fresh text is read out even if equal
  }

  function showError(text) {
    $("message").textContent = text;
    $("message").hidden = !text;
  }

  function errorText(err) {
    if (err.status === 0) return tr("error_network");
    if (err.code === "invalid_request") return tr("error_invalid_request", { message: err.message });
    const key = `error_${err.code}`;
    const text = tr(key);
    return text === key ? tr("error_generic") : text;
  }

  function renderTexts() {
    document.documentElement.lang = state.lang;
    Antrean.translate(tr);
    $("lang-switch").textContent = tr("switch_lang");
    $("lang-switch").lang = state.lang === "id" ? "en" : "id";
    $("page-title").textContent = state.booking && !state.rescheduling ? tr("title_booking")
      : tr(state.rescheduling ? "reschedule_title" : "title");
    $("submit").textContent = tr(state.rescheduling ? "submit_reschedule" : "submit");
  }

  function render() {
    renderTexts();
    renderServices();
    renderDays();
    renderSlots();
    renderDetails();
    renderResult();
  }

  // --- 1. the service ----------------------------------------------------------------------------

  let found = null; // the search's service ids for the query shown, or null: every bookable one
  let searchTimer = null;
  let searchSeq = 0;

  function bookable(serviceId) {
    return Object.prototype.hasOwnProperty.call(SETTINGS.services, serviceId) && state.services.has(serviceId);
  }

  function onSearch() {
    clearTimeout(searchTimer);
    const query = $("search").value;
    const mine = ++searchSeq;
    if (!query.trim()) {
      found = null;
      renderServices();
      return;
    }
    searchTimer = setTimeout(async () => {
      try {
        const answer = await Antrean.api(`/api/v1/services/search?q=${encodeURIComponent(query)}`, { timeoutMs: 5000 });
        if (mine !== searchSeq) return;
        found = answer.results.map((result) => result.service_id).filter(bookable);
        renderServices();
        say(found.length ? tr("services_found", { count: found.length }) : tr("search_none", { query }));
      } catch (err) {
        if (mine === searchSeq) say(tr("search_failed"));
      }
    }, 150);
  }

  function renderServices() {
    const list = $("services");
    const chosen = state.service;
    $("search").hidden = Boolean(chosen);
    $("search").labels.forEach((label) => (label.hidden = Boolean(chosen)));
    $("search-hint").hidden = Boolean(chosen);
    $("service-chosen").hidden = !chosen;
    list.replaceChildren();
    if (chosen) {
      $("service-chosen").replaceChildren(
        el("span", "chosen-name", tr("chosen_service", { name: serviceName(chosen) })),
        state.rescheduling ? null : el("button", { type: "button", className: "secondary small", text: tr("choose_other"),
          on: { click: () => chooseService(null) } }));
      return;
    }
    const ids = found === null ? Object.keys(SETTINGS.services).filter(bookable) : found;
    if (found !== null && !ids.length) {
      list.append(el("li", "none", tr("search_none", { query: $("search").value })));
    }
    for (const id of ids) {
      const service = state.services.get(id);
      list.append(el("li", null, el("button", {
        type: "button", className: "choice service-choice", dataset: { serviceId: id },
        on: { click: () => chooseService(service) },
      }, el("span", "choice-name", serviceName(service)))));
    }
  }

  async function chooseService(service) {
    state.service = service;
    state.day = null;
    state.slot = null;
    state.slots = [];
    showError("");
    render();
    if (!service) {
      $("search").focus();
      return;
    }
    await loadSlots();
    $("day-title").focus();
  }

  async function loadSlots() {
    const service = state.service;
    const from = View.today();
    const to = View.addDays(from, LOOK_AHEAD_DAYS);
    try {
      const answer = await Antrean.api(
        `/api/v1/services/${encodeURIComponent(service.id)}/slots?from=${from}&to=${to}`);
      if (state.service !== service) return;
      // Past slots are left out, and so are days the service does not open or beyond the horizon.
      const hidden = ["past", "beyond_horizon", "closed_day", "holiday"];
      state.slots = answer.slots.filter((slot) => !hidden.includes(slot.reason));
      if (state.day && !state.slots.some((slot) => slot.day === state.day)) state.day = null;
      if (state.slot) state.slot = state.slots.find((slot) => slot.id === state.slot.id && slot.available) || null;
    } catch (err) {
      showError(errorText(err));
    }
    renderDays();
    renderSlots();
    renderDetails();
  }

  // --- 2. the day, 3. the slot -----------------------------------------------------------------

  function days() {
    const byDay = new Map();
    for (const slot of state.slots) {
      if (!byDay.has(slot.day)) byDay.set(slot.day, []);
      byDay.get(slot.day).push(slot);
    }
    return byDay;
  }

  function renderDays() {
    const box = $("days");
    box.replaceChildren();
    $("step-day").hidden = !state.service;
    if (!state.service) return;
    const byDay = days();
    if (!byDay.size) {
      box.append(el("p", "none", tr("no_slots")));
      return;
    }
    for (const [day, slots] of byDay) {
      const open = slots.some((slot) => slot.available);
      box.append(el("button", {
        type: "button", className: "choice day-choice", disabled: !open, dataset: { day },
        "aria-pressed": String(state.day === day), on: { click: () => chooseDay(day) },
      }, el("span", "choice-name", View.dayLabel(day, tr)), open ? null : el("span", "choice-note", tr("day_full"))));
    }
  }

  function chooseDay(day) {
    state.day = day;
    state.slot = null;
    renderDays();
    renderSlots();
    renderDetails();
    $("slot-title").focus();
  }

  function renderSlots() {
    const box = $("slots");
    box.replaceChildren();
    $("step-slot").hidden = !state.day;
    if (!state.day) return;
    for (const slot of state.slots.filter((item) => item.day === state.day)) {
      const left = Math.max(0, slot.capacity - slot.booked);
      const current = state.rescheduling && state.booking && state.booking.slot.id === slot.id;
      box.append(el("button", {
        type: "button", className: "choice slot-choice", disabled: !slot.available || current,
        dataset: { slotId: slot.id }, "aria-pressed": String(Boolean(state.slot && state.slot.id === slot.id)),
        on: { click: () => chooseSlot(slot) },
      }, el("span", "choice-name", View.slotText(slot)),
      el("span", "choice-note", slot.available ? tr("slot_free", { n: left }) : slotRefusal(slot))));
    }
  }

  // Why a slot shown cannot be taken: full (itself, or the day's bookable share), or closed.
  function slotRefusal(slot) {
    return tr(["full", "day_full"].includes(slot.reason) || !slot.reason ? "slot_full" : "slot_closed");
  }

  function chooseSlot(slot) {
    state.slot = slot;
    renderSlots();
    renderDetails();
    say(tr("summary", { service: serviceName(state.service), when: whenText(slot) }));
    const first = [$("phone"), $("nik")].find((input) => !input.closest(".field").hidden);
    (first || $("submit")).focus();
  }

  // --- 4. the details the site asks for, and booking ---------------------------------------------

  function asks(serviceId) {
    return SETTINGS.services[serviceId] || {};
  }

  const asked = (name) => SETTINGS[name] === "optional" || SETTINGS[name] === "required";
  const required = (name) => SETTINGS[name] === "required";

  function renderDetails() {
    const chosen = Boolean(state.slot);
    const fields = !state.rescheduling && chosen;
    $("phone-field").hidden = !(fields && asked("ask_phone"));
    $("nik-field").hidden = !(fields && asked("ask_nik"));
    $("phone").required = required("ask_phone");
    $("nik").required = required("ask_nik");
    $("step-details").hidden = $("phone-field").hidden && $("nik-field").hidden;
    $("submit-row").hidden = !chosen;
    $("reschedule-back").hidden = !state.rescheduling;
    $("summary").hidden = !chosen;
    if (chosen) $("summary").textContent = tr("summary", { service: serviceName(state.service), when: whenText(state.slot) });
    if (state.rescheduling) {
      $("submit-row").hidden = false;
      $("submit").hidden = !chosen;
    } else {
      $("submit").hidden = false;
    }
  }

  function fieldError(name, key) {
    const input = $(name);
    const error = $(`${name}-error`);
    error.textContent = key ? tr(key) : "";
    error.hidden = !key;
    input.setAttribute("aria-invalid", key ? "true" : "false");
    return Boolean(key);
  }

  // The fields the site asks for, checked here first (the server checks again): an optional
  // one may stay empty, a given one must be right.
  function details() {
    const phone = $("phone").value.replace(/[\s-]/g, "");
    const nik = $("nik").value.trim();
    const wrongPhone = asked("ask_phone") && (phone || required("ask_phone")) && !/^\+?[0-9]{9,15}$/.test(phone);
    const wrongNik = asked("ask_nik") && (nik || required("ask_nik")) && !/^[0-9]{4}$/.test(nik);
    const badPhone = fieldError("phone", wrongPhone ? "phone_bad" : null);
    const badNik = fieldError("nik", wrongNik ? "nik_bad" : null);
    if (badPhone || badNik) {
      showError(tr(badPhone ? "phone_bad" : "nik_bad"));
      $(badPhone ? "phone" : "nik").focus();
      return null;
    }
    return { phone: asked("ask_phone") && phone ? phone : null, nik_last4: asked("ask_nik") && nik ? nik : null };
  }

  async function submit(event) {
    event.preventDefault();
    if (state.busy || !state.slot) return;
    showError("");
    let request;
    if (state.rescheduling) {
      request = { path: `/api/v1/bookings/${state.booking.code}/reschedule`, body: { slot_id: state.slot.id } };
    } else {
      const given = details();
      if (!given) return;
      request = { path: "/api/v1/bookings", body: { slot_id: state.slot.id, ...given, lang: state.lang } };
    }
    state.busy = true;
    $("submit").disabled = true;
    say(tr("booking"));
    try {
      const booking = await Antrean.api(request.path, { method: "POST", body: request.body, timeoutMs: 15000 });
      const moved = state.rescheduling;
      state.rescheduling = false;
      showBooking(booking);
      say(tr(moved ? "rescheduled" : "booked", { code: booking.code }));
    } catch (err) {
      showError(errorText(err));
      if (err.field === "phone" || err.field === "nik_last4") $(err.field === "phone" ? "phone" : "nik").focus();
      if (["slot_full", "unknown_slot", "slot_unavailable"].includes(err.code)) {
        state.slot = null;
        await loadSlots();
        $("slot-title").focus();
      }
    } finally {
      state.busy = false;
      $("submit").disabled = false;
    }
  }

  // --- a booking, shown by its code -----------------------------------------------------------

  function showBooking(booking) {
    state.booking = booking;
    state.service = state.services.get(booking.service_id) || { id: booking.service_id, name: booking.service_id };
    state.slot = null;
    state.day = null;
    if (window.location.pathname !== `/booking/${booking.code}`) {
      window.history.pushState({ code: booking.code }, "", `/booking/${booking.code}`);
    }
    render();
    follow();
    loadTicket();
    $("result-title").focus();
  }

  function windowText(booking) {
    if (booking.check_in_from && booking.check_in_until) {
      return tr("window_text", { from: View.clock(booking.check_in_from), to: View.clock(booking.check_in_until) });
    }
    const setting = asks(booking.service_id);
    if (setting.early_minutes === undefined) return "";
    return tr("window_text", { from: View.shifted(booking.slot.start, -setting.early_minutes),
      to: View.shifted(booking.slot.start, setting.late_minutes || 0) });
  }

  function renderResult() {
    const booking = state.booking;
    const showing = Boolean(booking) && !state.rescheduling;
    $("result").hidden = !showing;
    $("book").hidden = showing;
    $("lookup").hidden = Boolean(booking);
    if (!booking) return;
    const code = booking.code;
    $("code").textContent = code;
    $("code-spelled").textContent = tr("code_spelled", { letters: code.split("").join(" ") });
    $("qr").src = `/booking/qr/${encodeURIComponent(code)}.svg`;
    $("qr").alt = tr("qr_caption");
    $("result-service").textContent = serviceName(state.services.get(booking.service_id)) || booking.service_id;
    $("result-when").textContent = whenText({ ...booking.slot, day: booking.slot.day });
    const span = windowText(booking);
    $("result-window-row").hidden = !span || booking.status !== "booked";
    $("result-window").textContent = span;
    const number = state.ticket ? state.ticket.number : null;
    $("result-status").textContent = booking.status === "checked_in"
      ? (number ? tr("status_checked_in", { number }) : tr("status_checked_in_plain"))
      : tr(`status_${booking.status}`);
    $("result").dataset.status = booking.status;
    const active = booking.status === "booked";
    $("manage").hidden = !active;
    $("qr-figure").hidden = !active;
    $("save").hidden = !active;
    if (!active) $("cancel-confirm").hidden = true;
    $("ticket-link").hidden = !(booking.status === "checked_in" && state.ticket);
    if (state.ticket) $("ticket-anchor").href = state.ticket.status_url;
    $("result-title").textContent = booking.status === "checked_in" && number ? number : tr("title_booking");
    $("result-title").tabIndex = -1;
  }

  async function loadTicket() {
    const booking = state.booking;
    if (!booking || !booking.ticket_id) return;
    try {
      state.ticket = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(booking.ticket_id)}`);
      renderResult();
    } catch (err) {
      // the booking's status still says it is checked in
    }
  }

  async function refreshBooking() {
    if (!state.booking) return;
    try {
      const booking = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(state.booking.code)}`);
      const checkedIn = booking.status === "checked_in" && state.booking.status !== "checked_in";
      state.booking = booking;
      renderResult();
      await loadTicket();
      if (checkedIn) say(tr("status_checked_in", { number: state.ticket ? state.ticket.number : "" }));
    } catch (err) {
      // the next update or reconnect asks again
    }
  }

  // A check-in at the kiosk issues a ticket in the booking's service: its line's update
  // (or a reconnect) fetches the booking again. Nothing polls.
  let refreshTimer = null;
  function follow() {
    if (state.socket || !state.booking || !window.io) return;
    state.socket = Antrean.live([{ service_id: state.booking.service_id }], {
      "queue.updated": () => {
        if (!state.booking || state.booking.status !== "booked") return;
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(refreshBooking, 300);
      },
    }, { resync: refreshBooking });
  }

  async function openCode(code) {
    try {
      const booking = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(code)}`);
      state.booking = null;
      showBooking(booking);
    } catch (err) {
      showError(errorText(err));
      $("lookup-code").value = code;
      $("lookup-code").focus();
    }
  }

  // --- cancel, reschedule, look up -----------------------------------------------------------------

  function askCancel(asking) {
    $("cancel-confirm").hidden = !asking;
    $("manage").hidden = asking;
    (asking ? $("cancel-no") : $("cancel-button")).focus();
  }

  async function cancelBooking() {
    $("cancel-yes").disabled = true;
    try {
      const booking = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(state.booking.code)}`, { method: "DELETE" });
      $("cancel-confirm").hidden = true;
      state.booking = booking;
      renderResult();
      showError("");
      say(tr("cancelled_now"));
      $("result-title").focus();
    } catch (err) {
      showError(errorText(err));
      await refreshBooking();
    } finally {
      $("cancel-yes").disabled = false;
    }
  }

  async function startReschedule() {
    state.rescheduling = true;
    state.day = null;
    state.slot = null;
    showError("");
    render();
    await loadSlots();
    $("page-title").focus();
  }

  function stopReschedule() {
    state.rescheduling = false;
    state.slot = null;
    state.day = null;
    render();
    $("result-title").focus();
  }

  function lookup(event) {
    event.preventDefault();
    const code = View.codeFrom($("lookup-code").value);
    if (!code) {
      fieldError("lookup-code", "lookup_bad");
      $("lookup-code").focus();
      return;
    }
    fieldError("lookup-code", null);
    window.location.assign(`/booking/${code}`);
  }

  function switchLanguage() {
    state.lang = state.lang === "en" ? "id" : "en";
    render();
  }

  async function start() {
    $("page-title").tabIndex = -1;
    $("day-title").tabIndex = -1;
    $("slot-title").tabIndex = -1;
    render();
    try {
      const answer = await Antrean.api("/api/v1/services");
      for (const service of answer.services) state.services.set(service.id, service);
    } catch (err) {
      showError(tr("error_network"));
      setTimeout(start, 5000); // a weak signal: try again by itself
      return;
    }
    const code = document.body.dataset.code;
    if (code) await openCode(code);
    render();
  }

  $("lang-switch").addEventListener("click", switchLanguage);
  $("search").addEventListener("input", onSearch);
  $("book").addEventListener("submit", submit);
  $("lookup").addEventListener("submit", lookup);
  $("cancel-button").addEventListener("click", () => askCancel(true));
  $("cancel-no").addEventListener("click", () => askCancel(false));
  $("cancel-yes").addEventListener("click", cancelBooking);
  $("reschedule-button").addEventListener("click", startReschedule);
  $("reschedule-back").addEventListener("click", stopReschedule);
  window.addEventListener("popstate", () => window.location.reload());
  start();
})();
