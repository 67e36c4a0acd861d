// The admin login form: log in through the session API, then show the page asked for.
(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");

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
      await Antrean.api("/api/v1/session", { method: "POST", body: { username, password } });
      window.location.reload();
    } catch (err) {
      error.textContent = err.code === "invalid_credentials" ? AdminUI.tr("login_wrong") : AdminUI.errorText(err);
      error.hidden = false;
      form.elements.password.select();
    }
  });
})();
