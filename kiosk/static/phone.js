// The visitor's phone page for one ticket: place in line, live, and the call; while it
// waits, the visitor may cancel it (POST /api/v1/tickets/{id}/cancel, after a confirmation).
// Live: subscribe {ticket_id} (ticket.updated, ticket.called) and {service_id}
// (queue.updated: someone ahead moved, so "ahead" is fetched again). A visit of several steps
// lists them (phone-steps.js); when a step ends and the next one's line takes the visitor,
// the page subscribes to that service too, so "ahead" follows the line they are in now.
(function () {
  "use strict";

  const TICKET_ID = document.body.dataset.ticketId;
  // The ticket's secret, in the address its QR code carries: without it (a link typed from a
  // number on a display) the page follows the ticket but cannot cancel it.
  const KEY = new URLSearchParams(window.location.search).get("k");
  const state = { ticket: null, lang: null, alertedAt: 0, sound: null, refetchTimer: null, cancelError: null,
    socket: null, subscriptions: [] };
  const $ = Antrean.$;
  const FINISHED = Antrean.boot.vocabulary.finished;
  const tr = (key, values) => Antrean.t(window.PhoneText, state.lang || "id", key, values);

  // The counter's name in the visitor's language, as the server words it.
  function counterName(ticket) {
    return (state.lang === "en" && ticket.counter_name_en) || ticket.counter_name || "";
  }

  // Where to go, counter(s) and floor, as the server words it ("Loket 57, Lantai 2").
  function placeText(ticket) {
    return (state.lang === "en" && ticket.place_en) || ticket.place || counterName(ticket);
  }

  function statusText(ticket) {
    return tr(`status_${ticket.status}`, { counter: placeText(ticket) });
  }

  // What the visitor can do now: a ticket called and missed is told so, not thanked.
  function hintText(ticket) {
    if (ticket.status === "cancelled") return tr("hint_cancelled");
    if (ticket.status === "no_show") return tr("hint_no_show", { counter: placeText(ticket) });
    if (ticket.status === "expired") return tr("hint_expired");
    return FINISHED.includes(ticket.status) ? tr("hint_done") : tr("hint");
  }

  function renderTexts() {
    document.documentElement.lang = state.lang;
    Antrean.translate(tr);
    $("lang-switch").textContent = tr("switch_lang");
    if (state.sound) $("sound-button").textContent = tr("sound_ready");
  }

  function renderTicket() {
    const ticket = state.ticket;
    if (!ticket) return;
    const en = state.lang === "en";
    $("number").textContent = ticket.number;
    $("priority").hidden = !ticket.priority;
    $("priority").textContent = tr("priority");
    $("service").textContent = en ? ticket.service_name_en || ticket.service_name : ticket.service_name;
    $("agency").textContent = (en && ticket.agency_name_en) || ticket.agency_name || "";
    $("status").textContent = statusText(ticket);
    $("status").className = `status status-${ticket.status}`;
    const waiting = ticket.status === "waiting";
    $("fact-ahead").hidden = !waiting;
    $("fact-wait").hidden = !waiting;
    $("ahead").textContent = ticket.ahead ? tr("ahead_count", { count: ticket.ahead }) : tr("ahead_none");
    $("wait").textContent = ticket.ahead
      ? Antrean.waitText(ticket, tr) || tr("wait_unknown")
      : tr("wait_soon");
    $("fact-counters").hidden = !waiting;
    $("counters").textContent = (en && ticket.place_en) || ticket.place
      || ((en && ticket.counter_names_en) || ticket.counter_names || []).join(", ");
    const called = ticket.status === "called";
    $("called").hidden = !called;
    $("called-counter").textContent = tr("go_to", { counter: placeText(ticket) });
    document.body.dataset.status = ticket.status;
    const finished = FINISHED.includes(ticket.status);
    $("hint").textContent = hintText(ticket);
    window.PhoneSteps.render($("steps"), ticket, { tr, lang: state.lang, place: placeText(ticket) });
    renderCancel(waiting);
    $("sound-button").hidden = finished;
    showSurvey(ticket);
    document.title = tr("title", { number: ticket.number, status: statusText(ticket) });
  }

  // The cancel button while the ticket waits; its question stays open until answered.
  function renderCancel(waiting) {
    if (!waiting && state.cancelError === "cancel_failed") state.cancelError = null; // moved on: no longer true
    if (!KEY) waiting = false;
    $("cancel").hidden = !waiting && !state.cancelError;
    if (!waiting) {
      $("cancel-button").hidden = true;
      $("cancel-confirm").hidden = true;
    } else if ($("cancel-confirm").hidden) {
      $("cancel-button").hidden = false;
    }
    $("cancel-error").hidden = !state.cancelError;
    $("cancel-error").textContent = state.cancelError ? tr(state.cancelError) : "";
  }

  function askCancel(asking) {
    state.cancelError = null;
    $("cancel-confirm").hidden = !asking;
    $("cancel-button").hidden = asking;
    renderCancel(state.ticket && state.ticket.status === "waiting");
    (asking ? $("cancel-no") : $("cancel-button")).focus();
  }

  async function cancelTicket() {
    $("cancel-yes").disabled = true;
    try {
      const ticket = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(TICKET_ID)}/cancel`, { method: "POST", body: { key: KEY } });
      state.cancelError = null;
      $("cancel-confirm").hidden = true;
      onTicketEvent(ticket);
    } catch (err) {
      // Called meanwhile: the page learns the new state and says why; otherwise try again.
      state.cancelError = err.code === "not_cancellable" ? "cancel_too_late" : "cancel_failed";
      if (err.code === "not_cancellable") {
        $("cancel-confirm").hidden = true;
        await refetch();
      }
      renderCancel(state.ticket && state.ticket.status === "waiting");
    } finally {
      $("cancel-yes").disabled = false;
    }
  }

  // The survey's own script fills #survey; it learns the ticket through this event.
  function showSurvey(ticket) {
    const survey = $("survey");
    survey.hidden = ticket.status !== "done";
    survey.dataset.lang = state.lang;
    document.dispatchEvent(new CustomEvent("antrean:ticket", { detail: { ticket, lang: state.lang } }));
  }

  // Vibration and a chime where the phone allows; never twice for one call.
  function alertCalled() {
    if (Date.now() - state.alertedAt < 3000) return;
    state.alertedAt = Date.now();
    if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
    const audio = state.sound || new Audio("/audio/chime.wav");
    audio.currentTime = 0;
    const playing = audio.play();
    if (playing && playing.catch) playing.catch(() => {}); // no sound until the visitor has touched the page
  }

  // Pushed news of this ticket; counted so that an older fetched copy never overwrites it.
  function onTicketEvent(ticket) {
    if (ticket.id !== TICKET_ID) return;
    state.events = (state.events || 0) + 1;
    onTicket(ticket);
  }

  // The line the visitor is in now: its room joins at once, and replaces the earlier step's in
  // the list live.js asks again on every reconnect (the page follows the ticket and one line).
  function follow(serviceId) {
    if (!serviceId || state.subscriptions.some((item) => item.service_id === serviceId)) return;
    const line = state.subscriptions.findIndex((item) => "service_id" in item);
    if (line >= 0) state.subscriptions.splice(line, 1);
    state.subscriptions.push({ service_id: serviceId });
    if (state.socket && state.socket.connected) state.socket.emit("subscribe", { service_id: serviceId });
  }

  function onTicket(ticket) {
    if (ticket.id !== TICKET_ID) return;
    const before = state.ticket ? state.ticket.status : null;
    state.ticket = ticket;
    follow(ticket.service_id);
    if (!state.lang) {
      state.lang = ticket.lang === "en" ? "en" : "id";
      renderTexts();
    }
    renderTicket();
    if (ticket.status === "called" && before && before !== "called") alertCalled();
  }

  function onCalled(call) {
    if (call.ticket_id !== TICKET_ID) return;
    state.events = (state.events || 0) + 1;
    if (state.ticket) {
      const { counter_id, counter_name, counter_name_en } = call;
      // The call names the counter; its place (with the floor) comes with the ticket itself.
      state.ticket = { ...state.ticket, status: "called", counter_id, counter_name, counter_name_en,
        place: null, place_en: null };
      renderTicket();
      refetch();
    }
    alertCalled();
  }

  async function refetch() {
    const seen = state.events || 0;
    try {
      const ticket = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(TICKET_ID)}`);
      // A push that arrived while this answer was on its way is newer: keep it.
      if ((state.events || 0) === seen) onTicket(ticket);
    } catch (err) {
      // The socket's next update or reconnect brings the ticket again.
    }
  }

  // Someone ahead moved: "ahead" and the wait changed. Several updates in a row fetch once.
  function onQueue(update) {
    if (!state.ticket || update.service_id !== state.ticket.service_id || state.ticket.status !== "waiting") return;
    clearTimeout(state.refetchTimer);
    state.refetchTimer = setTimeout(refetch, 300);
  }

  function onStatus(connected) {
    $("connection").hidden = connected;
  }

  // Browsers play sound (and vibrate) only after the visitor touched the page: asked once, the
  // choice is remembered, and on a later visit the first touch anywhere turns it on again.
  const SOUND_KEY = "antrean.sound";

  function enableSound(quiet) {
    const audio = new Audio("/audio/chime.wav");
    state.sound = audio;
    if (quiet !== true) {
      const playing = audio.play();
      if (playing && playing.catch) playing.catch(() => {});
    }
    try { localStorage.setItem(SOUND_KEY, "on"); } catch (err) { /* private mode: asked again next time */ }
    $("sound-button").textContent = tr("sound_ready");
    $("sound-button").classList.add("on");
  }

  function rememberedSound() {
    let remembered = null;
    try { remembered = localStorage.getItem(SOUND_KEY); } catch (err) { /* none */ }
    if (remembered !== "on") return;
    enableSound(true);
    document.addEventListener("pointerdown", () => { state.sound.load(); }, { once: true });
  }

  function switchLanguage() {
    state.lang = state.lang === "en" ? "id" : "en";
    renderTexts();
    renderTicket();
  }

  async function connect() {
    await refetch();
    if (!state.ticket) {
      setTimeout(connect, 3000); // a phone on a weak signal: try again by itself
      return;
    }
    // The same array stays with the socket: a line joined later is asked again on every reconnect.
    state.subscriptions.unshift({ ticket_id: TICKET_ID });
    state.socket = Antrean.live(
      state.subscriptions,
      { "ticket.updated": onTicketEvent, "ticket.called": onCalled, "queue.updated": onQueue },
      { onStatus, resync: refetch },
    );
  }

  $("lang-switch").addEventListener("click", switchLanguage);
  $("sound-button").addEventListener("click", enableSound);
  rememberedSound();
  $("cancel-button").addEventListener("click", () => askCancel(true));
  $("cancel-no").addEventListener("click", () => askCancel(false));
  $("cancel-yes").addEventListener("click", cancelTicket);
  connect();
})();
