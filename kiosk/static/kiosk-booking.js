// The kiosk and bookings: check-in by scanning a booking's QR code or typing its code, and the
// offer of the next open slots when a service is full or closed for today, with a booking slip.
//
// A barcode scanner types like a keyboard: on the start screen, keys that come fast (under
// SCAN_GAP_MS apart) and end with Enter are a scan, anywhere on the page. The QR holds the
// address /booking/CODE or the bare code; the code is the last six code characters after the
// final "/" (BookingView.codeFrom). "Saya sudah pesan" opens a field for the typed code.
// POST /api/v1/bookings/{code}/check-in answers 201 with a new ticket (printed like any ticket)
// and 200 with the same ticket again: the kiosk then says so, and prints nothing.
(function () {
  "use strict";

  const K = window.KioskPage;
  const View = window.KioskView;
  const Booking = window.BookingView;
  const { state, $, body } = K;
  const tr = (key, values) => K.tr(key, values);
  const SETTINGS = (Antrean.boot.booking || { services: {} }).services;
  const SCAN_GAP_MS = 60; // a person types slower than this between keys; a scanner much faster
  const OFFER_SLOTS = 3;
  const booking = { scan: "", lastKey: 0, busy: false, offer: null };

  const MODALS = ["checkin", "booking-offer", "booking-slip"];

  function closeAll() {
    for (const id of MODALS) $(id).hidden = true;
  }

  function anyOpen() {
    return MODALS.some((id) => !$(id).hidden);
  }

  function notice(title, lead, extra) {
    $("notice-title").textContent = title;
    $("notice-reason").textContent = lead || "";
    $("notice-note").textContent = "";
    $("notice-opens").textContent = extra || "";
    $("notice").hidden = false;
    document.querySelector("#notice [data-action=notice-ok]").focus();
  }

  function busy(on, text) {
    booking.busy = on;
    state.busy = on; // the kiosk's own guard: no ticket touch meanwhile, no idle reset
    body.classList.toggle("busy", on);
    $("taking-text").textContent = text || "";
    $("taking").hidden = !on;
  }

  // fetch with the status kept: 201 (a new check-in) and 200 (the same one again) differ.
  async function post(path, payload) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload), credentials: "same-origin",
      });
    } catch (err) {
      throw new Antrean.ApiError(0, "network_error", "No connection to the server.");
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new Antrean.ApiError(response.status, error.code || "http_error", error.message || "", error.field);
    }
    return { status: response.status, data };
  }

  // --- check-in -------------------------------------------------------------------------------

  function showTicket(ticket) {
    const agency = state.agencies.find((item) => item.id === ticket.agency_id);
    const printed = KioskTicket.fill(ticket, { lang: state.lang, tr, agency });
    body.dataset.ticketId = ticket.id;
    K.show("ticket");
    K.startBackCountdown(printed ? K.TIMING.back : K.TIMING.backProblem);
  }

  // When a booking opens for check-in: its own window if the answer gives it, else its slot's
  // start less the service's "early" minutes.
  async function opensAt(code) {
    try {
      const found = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(code)}`);
      if (found.check_in_from) return Booking.clock(found.check_in_from);
      const early = (SETTINGS[found.service_id] || {}).early_minutes;
      return early === undefined || early === null ? null : Booking.shifted(found.slot.start, -early);
    } catch (err) {
      return null;
    }
  }

  async function checkIn(code) {
    if (booking.busy) return;
    closeAll();
    $("notice").hidden = true;
    busy(true, tr("checking_in"));
    try {
      const answer = await post(`/api/v1/bookings/${encodeURIComponent(code)}/check-in`, { kiosk_id: K.KIOSK_ID });
      busy(false);
      const { ticket } = answer.data;
      if (answer.status === 201) showTicket(ticket);
      else notice(tr("checked_in_before", { number: ticket.number }), tr("checked_in_before_lead"));
    } catch (err) {
      const when = err.code === "too_early" ? await opensAt(code) : null;
      busy(false);
      if (err.code === "too_early") {
        notice(tr("too_early"), when ? tr("too_early_when", { time: when }) : tr("too_early_plain"));
      } else if (err.code === "too_late") notice(tr("too_late"), tr("too_late_lead"));
      else if (err.code === "booking_cancelled") notice(tr("booking_cancelled"), tr("booking_cancelled_lead"));
      else if (err.code === "booking_not_found") {
        notice(tr("booking_not_found", { code }), tr("booking_not_found_lead"));
      } else notice(err.status === 0 ? tr("error_network") : tr("error_generic"));
    } finally {
      if (booking.busy) busy(false);
    }
  }

  function openCheckin() {
    closeAll();
    $("checkin-code").value = "";
    $("checkin-error").hidden = true;
    $("checkin").hidden = false;
    $("checkin-code").focus();
  }

  function submitCheckin(event) {
    event.preventDefault();
    const code = Booking.codeFrom($("checkin-code").value);
    if (!code) {
      $("checkin-error").textContent = tr("checkin_bad");
      $("checkin-error").hidden = false;
      $("checkin-code").setAttribute("aria-invalid", "true");
      $("checkin-code").focus();
      return;
    }
    $("checkin-code").setAttribute("aria-invalid", "false");
    checkIn(code);
  }

  function typeCode(key) {
    const input = $("checkin-code");
    if (key === "backspace") input.value = input.value.slice(0, -1);
    else if (input.value.length < 6) input.value += key;
    input.focus();
  }

  // A scanner: fast keys ending with Enter, on the start screen, an agency's services or the
  // previous visitor's confirmation (not the search, where a keyboard types). Keys typed into a
  // field (the code field, when open) are the field's.
  const SCAN_SCREENS = ["start", "agency", "ticket"];
  function onKey(event) {
    if (!SCAN_SCREENS.includes(state.screen) || anyOpen() || !$("notice").hidden
      || event.target.closest("input")) return;
    const now = performance.now();
    if (now - booking.lastKey > SCAN_GAP_MS * 3) booking.scan = "";
    booking.lastKey = now;
    if (event.key === "Enter") {
      const code = booking.scan.length >= 6 ? Booking.codeFrom(booking.scan) : null;
      booking.scan = "";
      if (code) {
        event.preventDefault();
        checkIn(code);
      }
    } else if (event.key.length === 1) {
      booking.scan += event.key;
    }
  }

  // --- the offer of later slots for a full or closed service ------------------------------------------

  const explainClosed = K.explainClosed;

  async function offerOrExplain(service) {
    // A site that requires a phone number or NIK digits takes bookings on the booking page only.
    const asks = Antrean.boot.booking || {};
    const needsMore = asks.ask_phone === "required" || asks.ask_nik === "required";
    if (!Object.prototype.hasOwnProperty.call(SETTINGS, service.id) || needsMore || booking.busy) {
      explainClosed(service);
      return;
    }
    let slots = [];
    try {
      const answer = await Antrean.api(
        `/api/v1/services/${encodeURIComponent(service.id)}/slots/next?limit=${OFFER_SLOTS}`, { timeoutMs: 5000 });
      slots = answer.slots.filter((slot) => slot.available !== false);
    } catch (err) {
      slots = [];
    }
    if (!slots.length) {
      explainClosed(service);
      return;
    }
    booking.offer = { service, slots };
    renderOffer();
    $("booking-offer").hidden = false;
    $("offer-title").focus();
  }

  function renderOffer() {
    const { service, slots } = booking.offer;
    // As the first slot offered is: "... Pesan untuk besok?", a time later today (the bookable
    // share of today's quota), or another day.
    const today = Booking.today();
    const first = slots[0].day;
    const when = first === Booking.addDays(today, 1) ? "" : first === today ? "_today" : "_later";
    const quota = service.closed_reason === "quota_reached";
    $("offer-title").textContent = tr(`${quota ? "offer_quota" : "offer_closed"}${when}`);
    $("offer-service").textContent = View.serviceName(service, state.lang);
    const list = $("offer-slots");
    list.replaceChildren();
    for (const slot of slots) {
      list.append(Antrean.el("button", {
        type: "button", className: "offer-slot", dataset: { slotId: slot.id },
        on: { click: () => bookSlot(slot) },
      }, tr("offer_slot", { day: Booking.dayLabel(slot.day, tr), time: Booking.slotText(slot) })));
    }
  }

  async function bookSlot(slot) {
    if (booking.busy) return;
    const { service } = booking.offer;
    busy(true, tr("booking_now"));
    let made;
    try {
      // One key per touch, the same on its retries: a lost answer never books twice.
      const request = { slot_id: slot.id, phone: null, nik_last4: null, lang: state.lang, kiosk_id: K.KIOSK_ID };
      made = await Booking.postBooking(request, Booking.newKey());
    } catch (err) {
      busy(false);
      if (["slot_full", "unknown_slot", "slot_unavailable"].includes(err.code)) {
        $("booking-offer").hidden = true;
        notice(tr("error_slot_full"));
        offerOrExplain(service);
      } else {
        $("booking-offer").hidden = true;
        notice(err.code === "invalid_request" ? tr("error_booking_fields")
          : err.status === 0 ? tr("error_network") : tr("error_booking"));
      }
      return;
    }
    let print = { status: "not_requested" };
    try {
      const printed = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(made.code)}/print`, {
        method: "POST", body: { kiosk_id: K.KIOSK_ID }, timeoutMs: 15000,
      });
      print = printed.print || print;
    } catch (err) {
      print = { status: err.code === "no_printer" ? "not_requested" : "failed" };
    }
    busy(false);
    showSlip(made, service, print);
  }

  function showSlip(made, service, print) {
    closeAll();
    $("slip-code").textContent = made.code;
    $("slip-qr").src = `/booking/qr/${encodeURIComponent(made.code)}.svg`;
    $("slip-service").textContent = View.serviceName(service, state.lang);
    $("slip-when").textContent = `${Booking.dayLabel(made.slot.day, tr)}, ${Booking.slotText(made.slot)}`;
    const setting = SETTINGS[made.service_id] || {};
    let span = "";
    if (made.check_in_from && made.check_in_until) {
      span = `${Booking.clock(made.check_in_from)}–${Booking.clock(made.check_in_until)}`;
    } else if (setting.early_minutes !== undefined && setting.early_minutes !== null) {
      span = `${Booking.shifted(made.slot.start, -setting.early_minutes)}–${Booking.shifted(made.slot.start, setting.late_minutes || 0)}`;
    }
    $("slip-window-row").hidden = !span;
    $("slip-window").textContent = span;
    const status = ["printed", "queued", "failed"].includes(print.status) ? print.status : "not_requested";
    $("slip-print").textContent = tr(`slip_${status}`);
    $("slip-print").dataset.status = status;
    $("booking-slip").dataset.code = made.code;
    $("booking-slip").hidden = false;
    $("slip-done").focus();
  }

  // --- wiring -----------------------------------------------------------------------------------------

  K.explainClosed = (service) => {
    offerOrExplain(service);
  };
  const resetToStart = K.resetToStart;
  K.resetToStart = function resetWithBookings() {
    closeAll();
    booking.offer = null;
    booking.scan = "";
    resetToStart();
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-booking]");
    if (!button || button.disabled) return;
    const action = button.dataset.booking;
    if (action === "open") openCheckin();
    else if (action === "close") closeAll();
    else if (action === "key") typeCode(button.dataset.codeKey);
    else if (action === "done") K.resetToStart();
  });
  document.addEventListener("keydown", onKey);
  $("checkin-form").addEventListener("submit", submitCheckin);
  // An open booking dialog left alone goes back to a fresh start like any screen.
  setInterval(() => {
    if (anyOpen() && !booking.busy && Date.now() - state.lastTouch >= K.TIMING.idle * 1000) K.resetToStart();
  }, 1000);

  document.addEventListener("DOMContentLoaded", () => {
    const keys = $("checkin-keys");
    for (const char of Booking.CODE_LETTERS) {
      keys.append(Antrean.el("button", { type: "button", className: "code-key", dataset: { booking: "key", codeKey: char } }, char));
    }
    keys.append(Antrean.el("button", {
      type: "button", className: "code-key code-key-wide", dataset: { booking: "key", codeKey: "backspace" },
      "data-i18n": "key_backspace",
    }, tr("key_backspace")));
  });

  K.checkIn = checkIn; // for the staff's own tests at the kiosk
})();
