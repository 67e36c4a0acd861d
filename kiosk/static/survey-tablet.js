// The tablet beside a counter: it waits, and when the officer finishes a visitor's ticket
// (ticket.updated with status done, pushed to the public room survey:ID) it shows that ticket's survey.
(function () {
  "use strict";
  const COUNTER_ID = document.body.dataset.counterId;
  const LANG_KEY = "antrean.survey.lang";
  // The thank-you stays this long before the tablet waits for the next visitor (?thanks=N for tests).
  const THANKS_SECONDS = Number(new URLSearchParams(window.location.search).get("thanks")) || 8;
  const IDLE = {
    id: { title: "Survei Kepuasan Masyarakat", text: "Setelah layanan Anda selesai, survei singkat muncul di sini. Tanpa nama, tanpa data pribadi.",
      reconnecting: "Sedang menyambung kembali…", switch: "English" },
    en: { title: "Public Satisfaction Survey", text: "When your service is finished, a short survey appears here. No name, no personal data.",
      reconnecting: "Reconnecting…", switch: "Bahasa Indonesia" },
  };
  const $ = Antrean.$;
  const state = { lang: localStorage.getItem(LANG_KEY) || document.body.dataset.siteLang || "id", survey: null, timer: null };

  function drawIdle() {
    const words = IDLE[state.lang];
    $("idle-title").textContent = words.title;
    $("idle-text").textContent = words.text;
    $("connection").textContent = words.reconnecting;
    $("lang-switch").textContent = words.switch;
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

  function show(ticket) {
    if (state.survey && state.survey.ticketId === ticket.id) return;
    if (busy()) return;
    clearTimeout(state.timer);
    $("idle").hidden = true;
    const section = $("tablet-survey");
    section.hidden = false;
    state.survey = AntreanSurvey.render(section, {
      ticketId: ticket.id, number: ticket.number, serviceName: ticket.service_name, serviceNameEn: ticket.service_name_en,
      lang: state.lang, onDone: () => { state.timer = setTimeout(showIdle, THANKS_SECONDS * 1000); },
    });
  }

  async function load() {
    try {
      const data = await Antrean.api(`/api/v1/survey/counters/${encodeURIComponent(COUNTER_ID)}`);
      if (data.ticket) show(data.ticket);
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
  drawIdle();
  Antrean.live([{ survey_counter_id: COUNTER_ID }], {
    "ticket.updated": (ticket) => { if (ticket.counter_id === COUNTER_ID && ticket.status === "done") show(ticket); },
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
