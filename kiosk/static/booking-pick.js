// The booking page, choosing: the service (the kiosk's search), the day, the slot, the fields the
// site asks for, and booking (or moving a booking to the slot chosen). Part of BookingPage (booking.js).
(function () {
  "use strict";

  const B = window.BookingPage;
  const { state, $, el, View, SETTINGS, tr } = B;
  const { LOOK_AHEAD_DAYS } = B;

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
      B.renderServices();
      return;
    }
    searchTimer = setTimeout(async () => {
      try {
        const answer = await Antrean.api(`/api/v1/services/search?q=${encodeURIComponent(query)}`, { timeoutMs: 5000 });
        if (mine !== searchSeq) return;
        found = answer.results.map((result) => result.service_id).filter(bookable);
        B.renderServices();
        B.say(found.length ? tr("services_found", { count: found.length }) : tr("search_none", { query }));
      } catch (err) {
        if (mine === searchSeq) B.say(tr("search_failed"));
      }
    }, 150);
  }

  B.renderServices = function renderServices() {
    const list = $("services");
    const chosen = state.service;
    $("search").hidden = Boolean(chosen);
    $("search").labels.forEach((label) => (label.hidden = Boolean(chosen)));
    $("search-hint").hidden = Boolean(chosen);
    $("service-chosen").hidden = !chosen;
    list.replaceChildren();
    if (chosen) {
      $("service-chosen").replaceChildren(
        el("span", "chosen-name", tr("chosen_service", { name: B.serviceName(chosen) })),
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
      }, el("span", "choice-name", B.serviceName(service)))));
    }
  };

  async function chooseService(service) {
    state.service = service;
    state.day = null;
    state.slot = null;
    state.slots = [];
    B.showError("");
    B.render();
    if (!service) {
      $("search").focus();
      return;
    }
    await B.loadSlots();
    $("day-title").focus();
    B.watch(service.id, { "slots.updated": onSlots }, slotsAgain);
  }

  function choosing() {
    return Boolean(state.service) && (!state.booking || state.rescheduling);
  }

  function slotsAgain() {
    if (choosing()) B.loadSlots();
  }

  // Someone booked, cancelled or moved a booking: "sisa" and "Penuh" follow, without a reload.
  let slotsTimer = null;
  function onSlots(update) {
    if (!choosing() || update.service_id !== state.service.id) return;
    clearTimeout(slotsTimer);
    slotsTimer = setTimeout(B.loadSlots, 300);
  }

  B.loadSlots = async function loadSlots() {
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
      B.showError(B.errorText(err));
    }
    B.renderDays();
    B.renderSlots();
    B.renderDetails();
  };

  // --- 2. the day, 3. the slot -----------------------------------------------------------------

  function days() {
    const byDay = new Map();
    for (const slot of state.slots) {
      if (!byDay.has(slot.day)) byDay.set(slot.day, []);
      byDay.get(slot.day).push(slot);
    }
    return byDay;
  }

  B.renderDays = function renderDays() {
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
  };

  function chooseDay(day) {
    state.day = day;
    state.slot = null;
    B.renderDays();
    B.renderSlots();
    B.renderDetails();
    $("slot-title").focus();
  }

  B.renderSlots = function renderSlots() {
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
  };

  // Why a slot shown cannot be taken: full (itself, or the day's bookable share), or closed.
  function slotRefusal(slot) {
    return tr(["full", "day_full"].includes(slot.reason) || !slot.reason ? "slot_full" : "slot_closed");
  }

  function chooseSlot(slot) {
    state.slot = slot;
    B.renderSlots();
    B.renderDetails();
    B.say(tr("summary", { service: B.serviceName(state.service), when: B.whenText(slot) }));
    const first = [$("phone"), $("nik")].find((input) => !input.closest(".field").hidden);
    (first || $("submit")).focus();
  }

  // --- 4. the details the site asks for, and booking ---------------------------------------------

  B.asks = function asks(serviceId) {
    return SETTINGS.services[serviceId] || {};
  };

  const asked = (name) => SETTINGS[name] === "optional" || SETTINGS[name] === "required";
  const required = (name) => SETTINGS[name] === "required";

  B.renderDetails = function renderDetails() {
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
    if (chosen) $("summary").textContent = tr("summary", { service: B.serviceName(state.service), when: B.whenText(state.slot) });
    if (state.rescheduling) {
      $("submit-row").hidden = false;
      $("submit").hidden = !chosen;
    } else {
      $("submit").hidden = false;
    }
  };

  B.fieldError = function fieldError(name, key) {
    const input = $(name);
    const error = $(`${name}-error`);
    error.textContent = key ? tr(key) : "";
    error.hidden = !key;
    input.setAttribute("aria-invalid", key ? "true" : "false");
    return Boolean(key);
  };

  // The fields the site asks for, checked here first (the server checks again): an optional
  // one may stay empty, a given one must be right.
  function details() {
    const phone = $("phone").value.replace(/[\s-]/g, "");
    const nik = $("nik").value.trim();
    const wrongPhone = asked("ask_phone") && (phone || required("ask_phone")) && !/^\+?[0-9]{9,15}$/.test(phone);
    const wrongNik = asked("ask_nik") && (nik || required("ask_nik")) && !/^[0-9]{4}$/.test(nik);
    const badPhone = B.fieldError("phone", wrongPhone ? "phone_bad" : null);
    const badNik = B.fieldError("nik", wrongNik ? "nik_bad" : null);
    if (badPhone || badNik) {
      B.showError(tr(badPhone ? "phone_bad" : "nik_bad"));
      $(badPhone ? "phone" : "nik").focus();
      return null;
    }
    return { phone: asked("ask_phone") && phone ? phone : null, nik_last4: asked("ask_nik") && nik ? nik : null };
  }

  // One Idempotency-Key per booking asked for: the same request sent again (its answer lost,
  // the visitor touching "Pesan" once more) answers the same booking instead of a second one.
  let lastKey = null;
  function keyFor(body) {
    const text = JSON.stringify(body);
    if (!lastKey || lastKey.body !== text) lastKey = { body: text, key: View.newKey() };
    return lastKey.key;
  }

  async function submit(event) {
    event.preventDefault();
    if (state.busy || !state.slot) return;
    B.showError("");
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
    B.say(tr("booking"));
    try {
      const booking = state.rescheduling
        ? await Antrean.api(request.path, { method: "POST", body: request.body, timeoutMs: 15000 })
        : await View.postBooking(request.body, keyFor(request.body));
      lastKey = null;
      const moved = state.rescheduling;
      state.rescheduling = false;
      B.showBooking(booking);
      B.say(tr(moved ? "rescheduled" : "booked", { code: booking.code }));
    } catch (err) {
      B.showError(B.errorText(err));
      if (err.field === "phone" || err.field === "nik_last4") $(err.field === "phone" ? "phone" : "nik").focus();
      if (["slot_full", "unknown_slot", "slot_unavailable"].includes(err.code)) {
        state.slot = null;
        await B.loadSlots();
        $("slot-title").focus();
      }
    } finally {
      state.busy = false;
      $("submit").disabled = false;
    }
  }

  $("search").addEventListener("input", onSearch);
  $("book").addEventListener("submit", submit);
})();
