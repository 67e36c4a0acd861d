// The counter page: logging in and out, and choosing a counter among those the server
// says this officer may open (`counter_ids` of the session answer).
(function () {
  "use strict";

  const C = window.CounterPage;
  const { state, $, el, tr } = C;

  C.start = async function start() {
    let session = null;
    try {
      session = await Antrean.api("/api/v1/session");
    } catch (err) {
      if (err.code !== "unauthenticated") C.showMessage($("login-message"), C.errorText(err));
    }
    if (!session) return C.showLogin();
    await enter(session, { reload: true });
  };

  C.showLogin = function showLogin(message) {
    C.leaveCounter();
    state.user = null;
    state.counterIds = [];
    C.showView("login");
    C.showMessage($("login-message"), message || "");
    $("password").value = "";
    $("username").focus();
  };

  C.login = async function login(event) {
    event.preventDefault();
    const username = $("username").value.trim();
    const password = $("password").value;
    if (!username || !password) return C.showMessage($("login-message"), tr("login_missing"));
    const button = $("login-submit");
    button.disabled = true;
    button.textContent = tr("login_busy");
    try {
      // token: false — the page lives on its session cookie; no bearer token is made.
      const answer = await Antrean.api("/api/v1/session", { method: "POST", body: { username, password, token: false } });
      C.showMessage($("login-message"), "");
      await enter(answer, { reload: false });
    } catch (err) {
      C.showMessage($("login-message"), C.errorText(err, { wait: C.waitWords(err.retryAfter) }));
      $("password").select();
    } finally {
      button.disabled = false;
      button.textContent = tr("login_button");
    }
  };

  // How long to wait before trying to log in again, in words (from the answer's Retry-After).
  C.waitWords = function waitWords(seconds) {
    const s = Math.max(1, seconds || 60);
    return s < 90 ? tr("wait_seconds", { n: s }) : tr("wait_minutes_n", { n: Math.ceil(s / 60) });
  };

  C.logout = async function logout() {
    try {
      await Antrean.api("/api/v1/session", { method: "DELETE" });
    } catch (err) {
      // Logging out of a session the server already forgot is still logging out.
    }
    history.replaceState(null, "", "/counter");
    document.body.dataset.counterId = ""; // the next officer starts from the choice
    C.showLogin();
  };

  // After login or on reload: load the catalog, then go to the counter the URL or
  // this device remembers (on reload), or to the choice.
  async function enter(session, { reload }) {
    const user = session.user;
    state.user = user;
    state.counterIds = session.counter_ids || [];
    $("user-name").textContent = user.display_name || user.username;
    try {
      const [counters, agencies] = await Promise.all([
        Antrean.api("/api/v1/counters"),
        Antrean.api("/api/v1/agencies"),
      ]);
      state.counters = counters.counters;
      state.agencies = agencies.agencies;
    } catch (err) {
      return C.handleFatal(err, $("login-message"));
    }
    const fromUrl = document.body.dataset.counterId || null;
    const remembered = localStorage.getItem(C.COUNTER_KEY);
    const allowed = C.allowedCounters();
    let target = fromUrl;
    if (!target && reload) target = remembered;
    if (!target && allowed.length === 1) target = allowed[0].id;
    if (target) return C.openCounter(target);
    C.showChoose();
  }

  C.allowedCounters = function allowedCounters() {
    return state.counters.filter((counter) => state.counterIds.includes(counter.id));
  };

  // --- the catalog's names ------------------------------------------------------------------

  C.serviceById = function serviceById(id) {
    for (const agency of state.agencies) {
      for (const service of agency.services) if (service.id === id) return service;
    }
    return null;
  };

  C.counterName = function counterName(id) {
    const counter = state.counters.find((c) => c.id === id);
    return counter ? C.pick(counter, "name") : id;
  };

  // --- choosing a counter ---------------------------------------------------------------------

  C.showChoose = function showChoose(message) {
    C.leaveCounter();
    history.replaceState(null, "", "/counter");
    document.body.dataset.counterId = "";
    C.showView("choose");
    C.renderChoices();
    C.showMessage($("choose-message"), message || "");
  };

  C.renderChoices = function renderChoices() {
    const allowed = C.allowedCounters();
    const remembered = localStorage.getItem(C.COUNTER_KEY);
    $("counter-list").replaceChildren(...allowed.map((counter) => choiceItem(counter, counter.id === remembered)));
    $("choose-empty").hidden = allowed.length > 0;
  };

  function choiceItem(counter, remembered) {
    const button = el("button", {
      type: "button",
      className: "counter-choice" + (remembered ? " remembered" : ""),
      dataset: { counterId: counter.id },
    });
    const agency = state.agencies.find((a) => a.id === counter.agency_id);
    const services = counter.service_ids.map((id) => C.pick(C.serviceById(id), "name")).filter(Boolean);
    button.append(
      el("span", "choice-name", counter.name),
      el("span", "choice-agency", agency ? agency.short_name : counter.agency_id),
      el("span", "choice-services", services.join(" · ")),
    );
    if (remembered) button.append(el("span", "choice-remembered", tr("choose_remembered")));
    return el("li", {}, button);
  }
})();
