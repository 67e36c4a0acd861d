// The booking page, one booking: its code and QR, its state (followed live until the check-in),
// cancelling and rescheduling it, and opening a booking by a typed code. Part of BookingPage (booking.js).
(function () {
  "use strict";

  const B = window.BookingPage;
  const { state, $, el, View, SETTINGS, tr } = B;

  // --- a booking, shown by its code -----------------------------------------------------------

  B.showBooking = function showBooking(booking) {
    state.booking = booking;
    state.service = state.services.get(booking.service_id) || { id: booking.service_id, name: booking.service_id };
    state.slot = null;
    state.day = null;
    if (window.location.pathname !== `/booking/${booking.code}`) {
      window.history.pushState({ code: booking.code }, "", `/booking/${booking.code}`);
    }
    B.render();
    follow();
    loadTicket();
    $("result-title").focus();
  };

  function windowText(booking) {
    if (booking.check_in_from && booking.check_in_until) {
      return tr("window_text", { from: View.clock(booking.check_in_from), to: View.clock(booking.check_in_until) });
    }
    const setting = B.asks(booking.service_id);
    if (setting.early_minutes === undefined) return "";
    return tr("window_text", { from: View.shifted(booking.slot.start, -setting.early_minutes),
      to: View.shifted(booking.slot.start, setting.late_minutes || 0) });
  }

  B.renderResult = function renderResult() {
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
    $("result-service").textContent = B.serviceName(state.services.get(booking.service_id)) || booking.service_id;
    $("result-when").textContent = B.whenText({ ...booking.slot, day: booking.slot.day });
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
  };

  async function loadTicket() {
    const booking = state.booking;
    if (!booking || !booking.ticket_id) return;
    try {
      state.ticket = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(booking.ticket_id)}`);
      B.renderResult();
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
      B.renderResult();
      await loadTicket();
      if (checkedIn) B.say(tr("status_checked_in", { number: state.ticket ? state.ticket.number : "" }));
    } catch (err) {
      // the next update or reconnect asks again
    }
  }

  // A check-in at the kiosk issues a ticket in the booking's service: its line's update
  // (or a reconnect) fetches the booking again. Nothing polls.
  let refreshTimer = null;
  function follow() {
    if (!state.booking) return;
    B.watch(state.booking.service_id, {
      "queue.updated": () => {
        if (!state.booking || state.booking.status !== "booked") return;
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(refreshBooking, 300);
      },
    }, refreshBooking);
  }

  B.openCode = async function openCode(code) {
    try {
      const booking = await Antrean.api(`/api/v1/bookings/${encodeURIComponent(code)}`);
      state.booking = null;
      B.showBooking(booking);
    } catch (err) {
      B.showError(B.errorText(err));
      $("lookup-code").value = code;
      $("lookup-code").focus();
    }
  };

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
      B.renderResult();
      B.showError("");
      B.say(tr("cancelled_now"));
      $("result-title").focus();
    } catch (err) {
      B.showError(B.errorText(err));
      await refreshBooking();
    } finally {
      $("cancel-yes").disabled = false;
    }
  }

  async function startReschedule() {
    state.rescheduling = true;
    state.day = null;
    state.slot = null;
    B.showError("");
    B.render();
    await B.loadSlots();
    $("page-title").focus();
  }

  function stopReschedule() {
    state.rescheduling = false;
    state.slot = null;
    state.day = null;
    B.render();
    $("result-title").focus();
  }

  function lookup(event) {
    event.preventDefault();
    const code = View.codeFrom($("lookup-code").value);
    if (!code) {
      B.fieldError("lookup-code", "lookup_bad");
      $("lookup-code").focus();
      return;
    }
    B.fieldError("lookup-code", null);
    window.location.assign(`/booking/${code}`);
  }

  function switchLanguage() {
    state.lang = state.lang === "en" ? "id" : "en";
    B.render();
  }

  $("lang-switch").addEventListener("click", switchLanguage);
  $("lookup").addEventListener("submit", lookup);
  $("cancel-button").addEventListener("click", () => askCancel(true));
  $("cancel-no").addEventListener("click", () => askCancel(false));
  $("cancel-yes").addEventListener("click", cancelBooking);
  $("reschedule-button").addEventListener("click", startReschedule);
  $("reschedule-back").addEventListener("click", stopReschedule);
  window.addEventListener("popstate", () => window.location.reload());
})();
