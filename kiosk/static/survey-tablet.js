// The tablet beside a counter: it waits, and when the officer finishes a visitor's ticket
// (ticket.updated with status done, pushed to the public room survey:ID) it shows that ticket's survey.
// The room's news carries no secret: the tablet reads the ticket (with its survey secret `key`)
// from /api/v1/survey/counters/ID, which gives it only to a tablet enrolled at this counter (an
// HttpOnly device cookie). Not enrolled yet: a staff member logs in once on the enrol form; the
// server then sets the device cookie and ends that login, so the tablet keeps no staff session.
(function () {
  "use strict";
  const COUNTER_ID = document.body.dataset.counterId;
  const LANG_KEY = "antrean.survey.lang";
  // The thank-you stays this long before the tablet waits for the next visitor (?thanks=N for tests).
  const THANKS_SECONDS = Number(new URLSearchParams(window.location.search).get("thanks")) || 8;
  const IDLE = {
    id: { title: "Survei Kepuasan Masyarakat", text: "Setelah layanan Anda selesai, survei singkat muncul di sini. Tanpa nama, tanpa data pribadi.",
      reconnecting: "Sedang menyambung kembali…", switch: "English",
      enrol_title: "Tablet survei belum didaftarkan",
      enrol_text: "Petugas loket ini, supervisor atau admin: masuk sekali untuk mendaftarkan tablet ini. Tablet tidak menyimpan login Anda.",
      username: "Nama pengguna", password: "Kata sandi", enrol: "Daftarkan tablet", enrolling: "Mendaftarkan…",
      enrol_failed: "Tablet belum terdaftar: {message}" },
    en: { title: "Public Satisfaction Survey", text: "When your service is finished, a short survey appears here. No name, no personal data.",
      reconnecting: "Reconnecting…", switch: "Bahasa Indonesia",
      enrol_title: "This survey tablet is not enrolled yet",
      enrol_text: "Officer of this counter, supervisor or admin: log in once to enrol this tablet. The tablet does not keep your login.",
      username: "Username", password: "Password", enrol: "Enrol tablet", enrolling: "Enrolling…",
      enrol_failed: "The tablet was not enrolled: {message}" },
  };
  const $ = Antrean.$;
  const state = { lang: localStorage.getItem(LANG_KEY) || document.body.dataset.siteLang || "id", survey: null, timer: null,
    enrolled: null };

  function drawIdle() {
    const words = IDLE[state.lang];
    $("idle-title").textContent = words.title;
    $("idle-text").textContent = words.text;
    $("connection").textContent = words.reconnecting;
    $("lang-switch").textContent = words.switch;
    $("enrol-title").textContent = words.enrol_title;
    $("enrol-text").textContent = words.enrol_text;
    $("enrol-username-label").textContent = words.username;
    $("enrol-password-label").textContent = words.password;
    $("enrol-button").textContent = words.enrol;
    document.documentElement.lang = state.lang;
  }

  function showIdle() {
    clearTimeout(state.timer);
    state.survey = null;
    $("tablet-survey").hidden = true;
    $("idle").hidden = false;
  }

  // A visitor still busy with the survey keeps it, unless they left it untouched for a minute.
  function busy() {
    return state.survey && !state.survey.finished && state.survey.started && state.survey.idleSeconds < 60;
  }

  function showEnrol(enrolled) {
    state.enrolled = enrolled;
    $("enrol").hidden = enrolled;
    if (!enrolled) {
      $("idle").hidden = true;
      $("tablet-survey").hidden = true;
    } else if (!state.survey) {
      $("idle").hidden = false;
    }
  }

  async function enrol(event) {
    event.preventDefault();
    const words = IDLE[state.lang];
    const message = $("enrol-message");
    message.hidden = true;
    $("enrol-button").disabled = true;
    $("enrol-button").textContent = words.enrolling;
    try {
      await Antrean.api("/api/v1/session", { method: "POST",
        body: { username: $("enrol-username").value.trim(), password: $("enrol-password").value } });
      await Antrean.api(`/api/v1/survey/counters/${encodeURIComponent(COUNTER_ID)}/tablet`, { method: "POST" });
      $("enrol-form").reset();
      await load();
    } catch (err) {
      message.textContent = Antrean.t(IDLE, state.lang, "enrol_failed", { message: err.message });
      message.hidden = false;
    } finally {
      $("enrol-password").value = "";
      $("enrol-button").disabled = false;
      $("enrol-button").textContent = words.enrol;
    }
  }

  function show(ticket) {
    if (state.survey && state.survey.ticketId === ticket.id) return;
    if (busy()) return;
    clearTimeout(state.timer);
    $("idle").hidden = true;
    const section = $("tablet-survey");
    section.hidden = false;
    state.survey = AntreanSurvey.render(section, {
      ticketId: ticket.id, key: ticket.key, number: ticket.number, serviceName: ticket.service_name, serviceNameEn: ticket.service_name_en,
      lang: state.lang, onDone: () => { state.timer = setTimeout(showIdle, THANKS_SECONDS * 1000); },
    });
  }

  async function load() {
    try {
      const data = await Antrean.api(`/api/v1/survey/counters/${encodeURIComponent(COUNTER_ID)}`);
      showEnrol(data.enrolled);
      if (data.enrolled && data.ticket) show(data.ticket);
    } catch (err) {
      // The banner shows a lost connection; the next event or reconnect tries again.
    }
  }

  $("lang-switch").addEventListener("click", () => {
    state.lang = state.lang === "id" ? "en" : "id";
    localStorage.setItem(LANG_KEY, state.lang);
    drawIdle();
    if (state.survey) state.survey.setLang(state.lang);
  });
  $("enrol-form").addEventListener("submit", enrol);
  drawIdle();
  Antrean.live([{ survey_counter_id: COUNTER_ID }], {
    // The news names the ticket but carries no secret: read it (with its key) as the enrolled tablet.
    "ticket.updated": (ticket) => { if (ticket.counter_id === COUNTER_ID && ticket.status === "done") load(); },
    "survey.answered": ({ ticket_id: ticketId }) => {
      if (state.survey && state.survey.ticketId === ticketId && !state.survey.finished) {
        state.survey.answeredElsewhere();
        state.timer = setTimeout(showIdle, THANKS_SECONDS * 1000);
      }
    },
  }, {
    onStatus: (connected) => { $("connection").hidden = connected; },
    resync: load,
  });
})();
