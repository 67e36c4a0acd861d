// Shared helpers of the admin pages: language, texts, small DOM builders, formatting,
// errors and the log-out button. Exposes one global, `AdminUI`; each page has its own script.
(function () {
  "use strict";

  const body = document.body;
  const LANG_KEY = "antrean.admin.lang";
  const listeners = [];
  let lang = localStorage.getItem(LANG_KEY) || body.dataset.siteLang || "id";

  const csrf = document.querySelector('meta[name="csrf-token"]');
  if (csrf && csrf.content) Antrean.setCsrfToken(csrf.content);

  function tr(key, values) {
    return Antrean.t(window.ADMIN_STRINGS, lang, key, values || {});
  }

  // Put every [data-i18n] text (and placeholder/title) in the current language.
  function applyTexts(root) {
    Antrean.translate(tr, root || document);
    document.documentElement.lang = lang;
    const button = document.getElementById("lang-switch");
    if (button) button.textContent = lang === "id" ? "English" : "Bahasa Indonesia";
  }

  function setLang(next) {
    lang = next === "en" ? "en" : "id";
    localStorage.setItem(LANG_KEY, lang);
    applyTexts();
    for (const listener of listeners) listener(lang);
  }

  const el = Antrean.el; // el("td", {className: "num", text: "3"}, child, ...)

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  // 75 → "1:15", 3725 → "1:02:05"; null → "—".
  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "—";
    const total = Math.round(seconds);
    const h = Math.floor(total / 3600);
    const m = Math.floor((total % 3600) / 60);
    const s = String(total % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
  }

  function percent(share) {
    if (share === null || share === undefined) return "—";
    return `${(share * 100).toLocaleString(locale(), { maximumFractionDigits: 1 })}%`;
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(locale(), { minimumFractionDigits: digits || 0, maximumFractionDigits: digits || 0 });
  }

  function locale() {
    return lang === "en" ? "en-GB" : "id-ID";
  }

  function timeOf(iso) {
    if (!iso) return "—";
    return iso.slice(11, 16);
  }

  function dateTime(iso) {
    if (!iso) return "—";
    return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  }

  // A short message at the bottom right, gone after a few seconds.
  let noticeTimer = null;
  function notify(text, bad) {
    const node = document.getElementById("notice");
    if (!node) return;
    node.textContent = text;
    node.className = bad ? "notice bad" : "notice";
    node.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => { node.hidden = true; }, bad ? 8000 : 4000);
  }

  function hideNotice() {
    const node = document.getElementById("notice");
    if (node) node.hidden = true;
  }

  // The API's message, in the page's words where we know the code.
  function errorText(err) {
    if (!(err instanceof Antrean.ApiError)) return String(err && err.message ? err.message : err);
    const known = window.ADMIN_STRINGS[lang][`error_${err.code}`];
    if (err.code === "invalid_config" || err.code === "invalid_request") return err.message;
    return known ? `${known} (${err.message})` : err.message;
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function connectionBanner(connected) {
    const banner = document.getElementById("connection");
    if (banner) banner.hidden = connected;
  }

  function query(params) {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== "") search.set(key, value);
    return search.toString();
  }

  // What the server's permission door lets this user do (rendered into the page; the API checks again).
  const allowed = new Set((body.dataset.allowed || "").split(" ").filter(Boolean));
  const user = {
    username: body.dataset.username,
    may: (action) => allowed.has(action),
    seesAllAgencies: body.dataset.seesAll === "yes",
    agencyId: body.dataset.scope || null, // the one agency a supervisor sees
  };

  document.addEventListener("DOMContentLoaded", () => {
    applyTexts();
    const switcher = document.getElementById("lang-switch");
    if (switcher) switcher.addEventListener("click", () => setLang(lang === "id" ? "en" : "id"));
    const logout = document.getElementById("logout");
    if (logout) {
      logout.addEventListener("click", async () => {
        try {
          await Antrean.api("/api/v1/session", { method: "DELETE" });
        } finally {
          window.location.href = "/admin";
        }
      });
    }
  });

  window.AdminUI = {
    tr, el, clear, duration, percent, number, timeOf, dateTime, notify, hideNotice, errorText, debounce, query,
    connectionBanner, applyTexts, user,
    get lang() { return lang; },
    today: body.dataset.today,
    onLang(listener) { listeners.push(listener); },
  };
})();
