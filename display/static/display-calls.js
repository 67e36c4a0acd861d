// The hall display: the calls. The announcer's queue (DisplayAnnouncer) with its memory of
// what was said and the "tap to enable sound" prompt, the big panel with the call being
// announced, and the list of previous calls.
(function () {
  "use strict";

  const D = window.DisplayPage;
  const { view, $ } = D;

  // --- sound and the announcement queue ------------------------------------------------

  const speaker = new DisplaySound.Speaker();
  D.memory = new DisplayAnnouncer.CallMemory(`antrean.display.${D.displayId}.calls`);
  D.announcer = new DisplayAnnouncer.Announcer({
    speaker,
    mode: view.boot.display.sound,
    memory: D.memory,
    displayId: D.displayId,
    onStart: startHighlight,
    onEnd: () => {},
    onIdle: endHighlightLater,
    onShow: showUnspoken,
    onMark: showUnspoken,
  });
  window.__announcements = D.announcer.log; // bounded; read by people debugging a TV, and by tests
  window.__unannounced = D.announcer.marks; // calls this display marked "not announced"

  // A call this display does not speak (another zone's, or marked not announced) goes
  // straight to the list; another zone's call takes the big panel only while nothing is spoken.
  function showUnspoken(call) {
    if (!call.notAnnounced && !D.announcer.busy()) {
      startHighlight(call);
      endHighlightLater();
      return;
    }
    view.recent = D.uniqueTickets([call, ...view.recent]).slice(0, D.RECENT_SIZE);
    D.renderRecent();
  }

  // Whether a call is of this display's zone but will not be spoken: marked on screen.
  D.notAnnounced = function notAnnounced(call) {
    const unspoken = (call.announcement && call.announcement.unspoken) || [];
    return Boolean(call.notAnnounced) || unspoken.includes(D.displayId);
  };

  D.updateSoundPrompt = function updateSoundPrompt() {
    const needed = D.announcer.mode !== "silent" && speaker.ctx !== null && !speaker.ready();
    $("sound-prompt").hidden = !needed;
  };

  D.watchSound = function watchSound() {
    speaker.onChange(D.updateSoundPrompt);
    setTimeout(D.updateSoundPrompt, D.PROMPT_DELAY_MS);
    const unlock = () => {
      if (!speaker.ready()) speaker.unlock().then(D.updateSoundPrompt);
    };
    for (const type of ["pointerdown", "touchend", "keydown", "click"]) {
      document.addEventListener(type, unlock, { passive: true });
    }
  };

  // --- the big panel ---------------------------------------------------------------------

  function serviceName(serviceId) {
    const service = view.boot.services[serviceId];
    if (!service) return "";
    return `${D.lang === "en" ? service.name_en : service.name} · ${service.agency}`;
  }

  D.showHero = function showHero(call) {
    view.hero = call || null;
    const hero = $("hero");
    hero.classList.toggle("is-idle", !call);
    const where = call ? D.callWhere(call) : "";
    $("hero-number").textContent = call ? call.number : "";
    hero.style.setProperty("--chars", call ? Math.max(call.number.length, 4) : 4);
    $("hero-counter").textContent = where;
    hero.style.setProperty("--counter-chars", Math.max(where.length, 8));
    $("hero-service").textContent = call ? serviceName(call.service_id) : "";
    $("hero-recall").hidden = !(call && call.recall);
    D.fitHero();
  };

  // The panel's sizes come from its box (cqw, cqh); a number or counter that is wider than
  // the estimate allows (wide letters: "MWM1234") is drawn smaller, never cut.
  D.fitHero = function fitHero() {
    for (const id of ["hero-number", "hero-counter"]) D.fitText($(id), $("hero").clientWidth * 0.94);
  };

  function startHighlight(call) {
    clearTimeout(view.highlightTimer);
    view.recent = D.uniqueTickets([call, ...view.recent]).slice(0, D.RECENT_SIZE);
    D.showHero(call);
    D.renderRecent();
    const hero = $("hero");
    hero.classList.remove("is-calling");
    void hero.offsetWidth; // restart the flash animation for every call
    hero.classList.add("is-calling");
    D.markCallingTile(call.counter_id);
  }

  function endHighlightLater() {
    clearTimeout(view.highlightTimer);
    view.highlightTimer = setTimeout(() => {
      $("hero").classList.remove("is-calling");
      D.markCallingTile(null);
    }, D.HIGHLIGHT_MS);
  }

  // --- previous calls --------------------------------------------------------------------

  D.uniqueTickets = function uniqueTickets(calls) {
    const seen = new Set();
    return calls.filter((call) => call && !seen.has(call.ticket_id) && seen.add(call.ticket_id));
  };

  D.renderRecent = function renderRecent() {
    const list = $("recent-list");
    const heroTicket = view.hero ? view.hero.ticket_id : null;
    const calls = view.recent.filter((call) => call.ticket_id !== heroTicket).slice(0, D.RECENT_SHOWN);
    while (list.children.length < calls.length) {
      const item = document.createElement("li");
      item.innerHTML = '<span class="recent-number"></span><span class="recent-counter"></span>' +
        '<span class="recent-mark" hidden></span>';
      list.appendChild(item);
    }
    while (list.children.length > calls.length) list.lastElementChild.remove();
    calls.forEach((call, index) => {
      const item = list.children[index];
      item.querySelector(".recent-number").textContent = call.number;
      item.querySelector(".recent-counter").textContent = D.callWhere(call);
      D.fitText(item.querySelector(".recent-number"), item.clientWidth * 0.88);
      const unspoken = D.notAnnounced(call);
      item.classList.toggle("is-unspoken", unspoken);
      const mark = item.querySelector(".recent-mark");
      mark.hidden = !unspoken;
      mark.textContent = unspoken ? D.tr("not_announced") : "";
    });
    $("recent-empty").hidden = calls.length > 0 || view.hero !== null;
    $("recent").hidden = calls.length === 0 && view.hero !== null; // one call so far: the big panel says it all
  };
})();
