// "Your turn is near" on the phone page, and the optional SMS for it.
// The server decides (the Ticket's `near`, `near_reason`, `near_step`: site.near_alert); this
// shows the banner while it is true and alerts (chime, vibration) once per ticket and step of
// the visit, remembered across reloads. phone.js hands every rendered ticket over as the
// `antrean:ticket` event. The SMS field shows where the hall sends SMS (gammu-smsd) and the
// page has the ticket's secret (the `k` of its QR code's address).
(function () {
  "use strict";

  const $ = Antrean.$;
  const TICKET_ID = document.body.dataset.ticketId;
  const KEY = new URLSearchParams(window.location.search).get("k");
  const SMS_ON = document.body.dataset.sms === "on";
  const ALERTED_KEY = `antrean.near.${TICKET_ID}`;
  const state = { ticket: null, lang: "id", smsSaved: null, smsError: null };
  const tr = (key, values) => Antrean.t(window.PhoneText, state.lang, key, values);

  function alertedSteps() {
    try { return JSON.parse(localStorage.getItem(ALERTED_KEY) || "[]"); } catch (err) { return []; }
  }

  function remember(step) {
    try { localStorage.setItem(ALERTED_KEY, JSON.stringify([...alertedSteps(), step])); } catch (err) { /* once per visit of the page */ }
  }

  const alertedNow = new Set(); // when localStorage refuses, at least not twice while the page is open

  function alertOnce(step) {
    if (alertedNow.has(step) || alertedSteps().includes(step)) return;
    alertedNow.add(step);
    remember(step);
    if (navigator.vibrate) navigator.vibrate([300, 150, 300]);
    const audio = new Audio("/audio/chime.wav");
    const playing = audio.play();
    if (playing && playing.catch) playing.catch(() => {}); // no sound until the visitor has touched the page
  }

  function place(ticket) {
    return (state.lang === "en" && ticket.place_en) || ticket.place || "";
  }

  function detail(ticket) {
    if (ticket.near_reason === "minutes" && ticket.estimated_wait_minutes) {
      return tr("near_minutes", { minutes: ticket.estimated_wait_minutes, place: place(ticket) });
    }
    if (!ticket.ahead) return tr("near_next", { place: place(ticket) });
    return tr("near_places", { count: ticket.ahead, place: place(ticket) });
  }

  function renderSms(ticket) {
    const form = $("sms-form");
    form.hidden = !(SMS_ON && KEY && ticket.status === "waiting");
    const message = $("sms-message");
    if (state.smsSaved) message.textContent = tr("sms_saved", { phone: state.smsSaved });
    else if (state.smsError) message.textContent = state.smsError;
    else message.textContent = "";
    message.classList.toggle("error", Boolean(state.smsError));
    $("sms-phone").setAttribute("aria-invalid", state.smsError ? "true" : "false");
  }

  function onTicket(event) {
    const { ticket, lang } = event.detail;
    if (!ticket || ticket.id !== TICKET_ID) return;
    state.ticket = ticket;
    state.lang = lang === "en" ? "en" : "id";
    const near = Boolean(ticket.near) && ticket.status === "waiting";
    $("near").hidden = !near;
    if (near) {
      $("near-detail").textContent = detail(ticket);
      alertOnce(ticket.near_step || 0);
    }
    renderSms(ticket);
  }

  async function saveSms(event) {
    event.preventDefault();
    const phone = $("sms-phone").value.trim();
    $("sms-save").disabled = true;
    try {
      const answer = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(TICKET_ID)}/sms`,
        { method: "POST", body: { key: KEY, phone: phone || null } });
      state.smsSaved = answer.phone;
      state.smsError = null;
    } catch (err) {
      state.smsSaved = null;
      state.smsError = err.status === 422 ? tr("sms_invalid") : tr("sms_failed");
    } finally {
      $("sms-save").disabled = false;
    }
    if (state.ticket) renderSms(state.ticket);
    if (state.smsError) $("sms-phone").focus();
  }

  document.addEventListener("antrean:ticket", onTicket);
  $("sms-form").addEventListener("submit", saveSms);
})();
