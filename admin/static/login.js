// The admin login form: log in through the session API, then show the page asked for.
(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");

  // How long to wait, in words: "30 detik" / "5 menit" (from the answer's Retry-After).
  function waitWords(seconds) {
    const s = Math.max(1, seconds || 60);
    return s < 90 ? AdminUI.tr("wait_seconds", { n: s }) : AdminUI.tr("wait_minutes_n", { n: Math.ceil(s / 60) });
  }

  function loginError(err) {
    if (err.code === "invalid_credentials") return AdminUI.tr("login_wrong");
    if (err.code === "login_throttled") return AdminUI.tr("login_throttled", { wait: waitWords(err.retryAfter) });
    if (err.code === "account_locked") return AdminUI.tr("login_locked", { wait: waitWords(err.retryAfter) });
    return AdminUI.errorText(err);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    if (!username || !password) {
      error.textContent = AdminUI.tr("login_missing");
      error.hidden = false;
      return;
    }
    try {
      // token: false — the page lives on its session cookie; no bearer token is made.
      await Antrean.api("/api/v1/session", { method: "POST", body: { username, password, token: false } });
      window.location.reload();
    } catch (err) {
      error.textContent = loginError(err);
      error.hidden = false;
      form.elements.password.select();
    }
  });
})();
