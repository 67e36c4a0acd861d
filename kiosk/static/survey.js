// The satisfaction survey (SKM, PermenPANRB 14/2017): nine questions, four faces each,
// an optional comment, one answer per ticket. Used by the counter tablet (/survey/ID) and
// by the visitor's phone page: there it fills <section id="survey" data-ticket-id="...">
// once the ticket is done (the page announces the ticket with the `antrean:ticket` event).
// An answer carries the ticket's survey secret (`key`): on the phone it is the `k` of the
// page's address (the ticket's QR code), on the tablet the server gives it to the enrolled tablet.
// Exposes `AntreanSurvey.render(container, options)`. Needs /static/common/antrean.js.
(function () {
  "use strict";

  const STRINGS = {
    id: {
      title: "Survei Kepuasan Masyarakat",
      ticket: "Nomor {number} · {service}",
      no_personal: "Tanpa nama dan tanpa data pribadi. Hanya butuh ± 1 menit.",
      progress: "Pertanyaan {n} dari {total}",
      back: "Kembali",
      comment_title: "Ada saran untuk kami? (boleh dikosongkan)",
      comment_placeholder: "Tulis saran atau komentar Anda…",
      send: "Kirim survei",
      sending: "Mengirim…",
      thanks_title: "Terima kasih!",
      thanks_text: "Jawaban Anda membantu kami memperbaiki pelayanan.",
      already: "Survei untuk nomor ini sudah diisi. Terima kasih!",
      not_finished: "Survei bisa diisi setelah layanan Anda selesai.",
      failed: "Survei belum terkirim: {message}. Coba kirim lagi.",
      retry: "Coba lagi",
      answer_label: "{element}: {answer}",
      scan_qr: "Survei kepuasan bisa diisi dengan memindai kode QR pada tiket Anda.",
    },
    en: {
      title: "Public Satisfaction Survey",
      ticket: "Number {number} · {service}",
      no_personal: "No name, no personal data. It takes about 1 minute.",
      progress: "Question {n} of {total}",
      back: "Back",
      comment_title: "Any suggestion for us? (optional)",
      comment_placeholder: "Write your suggestion or comment…",
      send: "Send survey",
      sending: "Sending…",
      thanks_title: "Thank you!",
      thanks_text: "Your answers help us improve our service.",
      already: "The survey for this number has already been answered. Thank you!",
      not_finished: "The survey opens once your service is finished.",
      failed: "The survey was not sent: {message}. Please try again.",
      retry: "Try again",
      answer_label: "{element}: {answer}",
      scan_qr: "You can answer the satisfaction survey by scanning the QR code on your ticket.",
    },
  };

  // The nine elements in the regulation's order: title, question, the four answers (1 to 4).
  const QUESTIONS = [
    { id: ["Persyaratan", "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
      ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]],
    en: ["Requirements", "How well did the requirements fit this service?",
      ["Not suitable", "Barely suitable", "Suitable", "Very suitable"]] },
    { id: ["Prosedur", "Bagaimana kemudahan prosedur pelayanan di sini?",
      ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"]],
    en: ["Procedure", "How easy was the procedure?", ["Not easy", "Rather hard", "Easy", "Very easy"]] },
    { id: ["Waktu pelayanan", "Bagaimana kecepatan waktu pelayanan?",
      ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]],
    en: ["Time", "How fast was the service?", ["Not fast", "Rather slow", "Fast", "Very fast"]] },
    { id: ["Biaya/tarif", "Bagaimana kewajaran biaya/tarif pelayanan?",
      ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]],
    en: ["Cost", "How fair was the cost of the service?", ["Very expensive", "Rather expensive", "Cheap", "Free"]] },
    { id: ["Hasil pelayanan", "Apakah hasil pelayanan sesuai dengan standar pelayanan?",
      ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]],
    en: ["Result", "Did you get what the service standard promises?",
      ["Not as promised", "Partly as promised", "As promised", "Fully as promised"]] },
    { id: ["Kompetensi petugas", "Bagaimana kemampuan petugas dalam melayani?",
      ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"]],
    en: ["Officer competence", "How competent was the officer?",
      ["Not competent", "Barely competent", "Competent", "Very competent"]] },
    { id: ["Perilaku petugas", "Bagaimana kesopanan dan keramahan petugas?",
      ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"]],
    en: ["Officer behaviour", "How polite and friendly was the officer?",
      ["Not polite or friendly", "Barely polite", "Polite and friendly", "Very polite and friendly"]] },
    { id: ["Pengaduan dan saran", "Bagaimana penanganan pengaduan, saran dan masukan?",
      ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"]],
    en: ["Complaints and suggestions", "How are complaints and suggestions handled?",
      ["There is no way", "Exists but does not work", "Works, but not fully", "Well handled"]] },
    { id: ["Sarana dan prasarana", "Bagaimana kualitas sarana dan prasarana?",
      ["Buruk", "Cukup", "Baik", "Sangat baik"]],
    en: ["Facilities", "How good are the facilities?", ["Poor", "Fair", "Good", "Very good"]] },
  ];
  const FACE_COLOURS = ["#b3261e", "#d26a00", "#4f8f23", "#11793a"];
  const MOUTHS = ["M30 74 Q50 52 70 74", "M32 70 Q50 62 68 70", "M32 62 Q50 74 68 62", "M27 58 Q50 88 73 58"];
  const SVG = "http://www.w3.org/2000/svg";

  function t(lang, key, values) {
    return Antrean.t(STRINGS, lang, key, values || {});
  }

  const node = Antrean.el;

  // A face drawn here (no emoji font needed): 1 very unhappy … 4 very happy.
  function face(score) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 100 100");
    svg.setAttribute("aria-hidden", "true");
    const parts = [
      ["circle", { cx: 50, cy: 50, r: 46, fill: FACE_COLOURS[score - 1] }],
      ["circle", { cx: 35, cy: 40, r: 6, fill: "#fff" }],
      ["circle", { cx: 65, cy: 40, r: 6, fill: "#fff" }],
      ["path", { d: MOUTHS[score - 1], stroke: "#fff", "stroke-width": 7, fill: "none", "stroke-linecap": "round" }],
    ];
    for (const [tag, attributes] of parts) {
      const shape = document.createElementNS(SVG, tag);
      for (const [name, value] of Object.entries(attributes)) shape.setAttribute(name, value);
      svg.append(shape);
    }
    return svg;
  }

  function ensureStyles() {
    if (document.querySelector('link[data-survey-css]')) return;
    document.head.append(node("link", { rel: "stylesheet", href: "/kiosk/static/survey.css", "data-survey-css": true }));
  }

  // options: {ticketId, key, number, serviceName, serviceNameEn, lang, onDone(result)}; result: "sent" | "already".
  function render(container, options) {
    ensureStyles();
    const state = { step: 0, answers: {}, comment: "", lang: options.lang === "en" ? "en" : "id", phase: "questions",
      error: null, touchedAt: Date.now() };

    function header() {
      const service = state.lang === "en" ? options.serviceNameEn || options.serviceName : options.serviceName;
      return node("header", { class: "survey-head" },
        node("h2", { class: "survey-title", text: t(state.lang, "title") }),
        options.number ? node("p", { class: "survey-ticket", text: t(state.lang, "ticket", { number: options.number, service: service || "" }) }) : null,
        node("p", { class: "survey-note", text: t(state.lang, "no_personal") }));
    }

    function questionStep() {
      const question = QUESTIONS[state.step][state.lang];
      const element = `u${state.step + 1}`;
      const buttons = question[2].map((answer, index) => node("button", {
        type: "button", class: `survey-face${state.answers[element] === index + 1 ? " chosen" : ""}`,
        "data-score": index + 1, "aria-label": t(state.lang, "answer_label", { element: question[0], answer }),
        on: { click: () => choose(element, index + 1) },
      }, face(index + 1), node("span", { text: answer })));
      return node("div", { class: "survey-step", "data-element": element },
        node("p", { class: "survey-progress", text: t(state.lang, "progress", { n: state.step + 1, total: QUESTIONS.length }) },
          node("span", { class: "survey-bar" }, node("span", { style: `width: ${(state.step / QUESTIONS.length) * 100}%` }))),
        node("h3", { class: "survey-element", text: question[0] }),
        node("p", { class: "survey-question", text: question[1] }),
        node("div", { class: "survey-faces" }, buttons),
        state.step > 0 ? node("button", { type: "button", class: "survey-back", text: t(state.lang, "back"), on: { click: back } }) : null);
    }

    function commentStep() {
      const area = node("textarea", { class: "survey-comment", maxlength: 2000, rows: 4, placeholder: t(state.lang, "comment_placeholder") });
      area.value = state.comment;
      area.addEventListener("input", () => { state.comment = area.value; state.touchedAt = Date.now(); });
      const send = node("button", { type: "button", class: "survey-send", text: t(state.lang, state.phase === "sending" ? "sending" : "send"),
        disabled: state.phase === "sending", on: { click: submit } });
      return node("div", { class: "survey-step survey-last" },
        node("label", { class: "survey-comment-label" }, node("span", { text: t(state.lang, "comment_title") }), area),
        state.error ? node("p", { class: "survey-error", role: "alert", text: t(state.lang, "failed", { message: state.error }) }) : null,
        node("div", { class: "survey-actions" },
          node("button", { type: "button", class: "survey-back", text: t(state.lang, "back"), on: { click: back } }), send));
    }

    function doneStep(key) {
      return node("div", { class: "survey-step survey-thanks", role: "status" },
        node("div", { class: "survey-thanks-face" }, face(4)),
        node("h3", { text: t(state.lang, "thanks_title") }),
        node("p", { text: key === "already" ? t(state.lang, "already") : t(state.lang, "thanks_text") }));
    }

    function draw() {
      container.replaceChildren(node("div", { class: "survey", lang: state.lang, "data-phase": state.phase },
        state.phase === "sent" || state.phase === "already" ? null : header(),
        state.phase === "sent" || state.phase === "already" ? doneStep(state.phase)
          : state.step < QUESTIONS.length ? questionStep() : commentStep()));
    }

    function choose(element, score) {
      state.answers[element] = score;
      state.step += 1;
      state.touchedAt = Date.now();
      draw();
    }

    function back() {
      state.step = Math.max(0, state.step - 1);
      state.touchedAt = Date.now();
      draw();
    }

    async function submit() {
      state.phase = "sending";
      state.error = null;
      draw();
      try {
        await Antrean.api(`/api/v1/tickets/${encodeURIComponent(options.ticketId)}/survey`, {
          method: "POST", body: { answers: state.answers, comment: state.comment.trim() || null, key: options.key || null } });
        state.phase = "sent";
      } catch (err) {
        if (err.code === "already_answered") state.phase = "already";
        else {
          state.phase = "questions";
          state.error = err.message;
        }
      }
      draw();
      if ((state.phase === "sent" || state.phase === "already") && options.onDone) options.onDone(state.phase);
    }

    draw();
    return {
      ticketId: options.ticketId,
      setLang(lang) { state.lang = lang === "en" ? "en" : "id"; draw(); },
      // Answered elsewhere (the tablet and the phone are both open): just say thank you.
      answeredElsewhere() { if (state.phase !== "sent") { state.phase = "already"; draw(); } },
      get finished() { return state.phase === "sent" || state.phase === "already"; },
      get idleSeconds() { return (Date.now() - state.touchedAt) / 1000; },
      get started() { return state.step > 0; },
    };
  }

  // --- the phone page -------------------------------------------------------------------------

  function mountOnPhone() {
    const section = document.getElementById("survey");
    if (!section || !section.dataset.ticketId) return;
    const ticketId = section.dataset.ticketId;
    // The ticket's QR code opens /t/ID?k=SECRET; the bare address (a link shared, a number typed) cannot answer.
    const key = new URLSearchParams(window.location.search).get("k");
    let survey = null;
    let checking = false;

    async function showFor(ticket, lang) {
      if (survey) {
        // A finished ticket stays finished: a late, older answer the page renders must not hide the survey.
        section.hidden = false;
        if (lang) survey.setLang(lang);
        return;
      }
      if (checking || ticket.status !== "done") return;
      if (!key) {
        const words = lang === "en" ? "en" : "id";
        section.replaceChildren(node("p", { class: "survey-note survey-scan", lang: words, text: t(words, "scan_qr") }));
        return;
      }
      checking = true;
      try {
        const status = await Antrean.api(`/api/v1/tickets/${encodeURIComponent(ticketId)}/survey`);
        if (!status.can_answer && !status.answered) return;
        section.hidden = false;
        survey = render(section, { ticketId, key, number: ticket.number, serviceName: ticket.service_name,
          serviceNameEn: ticket.service_name_en, lang: lang || section.dataset.lang || document.documentElement.lang });
        if (status.answered) survey.answeredElsewhere();
      } catch (err) {
        // The ticket page shows its own connection state; the survey simply waits for the next update.
      } finally {
        checking = false;
      }
    }

    document.addEventListener("antrean:ticket", (event) => showFor(event.detail.ticket, event.detail.lang));
    Antrean.api(`/api/v1/tickets/${encodeURIComponent(ticketId)}`).then((ticket) => showFor(ticket, section.dataset.lang))
      .catch(() => {});
  }

  window.AntreanSurvey = { render, STRINGS, QUESTIONS };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountOnPhone);
  else mountOnPhone();
})();
