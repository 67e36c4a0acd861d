// The booking page (kiosk/templates/kiosk/booking.html), in three plain scripts on one namespace,
// BookingPage: booking.js (state, words, rendering, the start), booking-pick.js (service, day,
// slot, fields, booking), booking-result.js (one booking: code, QR, state, cancel, reschedule).
//
// Choose a service (the kiosk's search, GET /api/v1/services/search), a day and
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
  const B = (window.BookingPage = { state, $, el, View, SETTINGS, LOOK_AHEAD_DAYS, tr });

  // --- words -------------------------------------------------------------------------------

  B.serviceName = function serviceName(service) {
    if (!service) return "";
    return state.lang === "en" ? service.name_en || service.name : service.name;
  };

  B.whenText = function whenText(slot) {
    return `${View.dayLabel(slot.day, tr)}, ${View.slotText(slot)}`;
  };

  B.say = function say(text) {
    $("status").textContent = "";
    setTimeout(() => ($("status").textContent = text), 50); // a fresh text is read out even if equal
  };

  B.showError = function showError(text) {
    $("message").textContent = text;
    $("message").hidden = !text;
  };

  B.errorText = function errorText(err) {
    if (err.status === 0) return tr("error_network");
    if (err.code === "invalid_request") return tr("error_invalid_request", { message: err.message });
    const key = `error_${err.code}`;
    const text = tr(key);
    return text === key ? tr("error_generic") : text;
  };

  B.renderTexts = function renderTexts() {
    document.documentElement.lang = state.lang;
    Antrean.translate(tr);
    $("lang-switch").textContent = tr("switch_lang");
    $("lang-switch").lang = state.lang === "id" ? "en" : "id";
    $("page-title").textContent = state.booking && !state.rescheduling ? tr("title_booking")
      : tr(state.rescheduling ? "reschedule_title" : "title");
    $("submit").textContent = tr(state.rescheduling ? "submit_reschedule" : "submit");
  };

  B.render = function render() {
    B.renderTexts();
    B.renderServices();
    B.renderDays();
    B.renderSlots();
    B.renderDetails();
    B.renderResult();
  };

  // Live news of one service's room (its slots filling, its line moving), one socket for the
  // page: a second service joins the same subscription list, which every reconnect sends again.
  const watched = [];
  const handlers = {};
  const resyncs = [];
  B.watch = function watch(serviceId, on, resync) {
    if (!window.io) return;
    for (const [event, handler] of Object.entries(on)) {
      const list = (handlers[event] = handlers[event] || []);
      if (!list.includes(handler)) list.push(handler);
    }
    if (resync && !resyncs.includes(resync)) resyncs.push(resync);
    if (watched.some((item) => item.service_id === serviceId)) return;
    watched.push({ service_id: serviceId });
    if (!state.socket) {
      const fanOut = Object.fromEntries(["queue.updated", "slots.updated"].map((event) =>
        [event, (data) => (handlers[event] || []).forEach((handler) => handler(data))]));
      state.socket = Antrean.live(watched, fanOut, { resync: () => resyncs.forEach((again) => again()) });
    } else if (state.socket.connected) {
      state.socket.emit("subscribe", { service_id: serviceId });
    }
  };

  async function start() {
    $("page-title").tabIndex = -1;
    $("day-title").tabIndex = -1;
    $("slot-title").tabIndex = -1;
    B.render();
    try {
      const answer = await Antrean.api("/api/v1/services");
      for (const service of answer.services) state.services.set(service.id, service);
    } catch (err) {
      B.showError(tr("error_network"));
      setTimeout(start, 5000); // a weak signal: try again by itself
      return;
    }
    const code = document.body.dataset.code;
    if (code) await B.openCode(code);
    B.render();
  }

  document.addEventListener("DOMContentLoaded", start); // once every part of the page is in
})();
