// Shared browser helpers for the Antrean pages: JSON API calls and live updates.
// Plain script (no build step); exposes one global, `Antrean`.
(function () {
  "use strict";

  let csrfToken = null;

  class ApiError extends Error {
    constructor(status, code, message, field) {
      super(message);
      this.status = status;
      this.code = code;
      this.field = field || null;
    }
  }

  // Call the JSON API. Errors come back as ApiError with the contract's code.
  async function api(path, { method = "GET", body = undefined, timeoutMs = 10000 } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        signal: controller.signal,
      });
    } catch (err) {
      throw new ApiError(0, "network_error", "No connection to the server.");
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (err) {
      data = null;
    }
    if (!response.ok) {
      const error = (data && data.error) || {};
      throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.field);
    }
    if (data && data.csrf_token) csrfToken = data.csrf_token;
    return data;
  }

  function setCsrfToken(token) {
    csrfToken = token;
  }

  // Connect to Socket.IO and (re)subscribe on every connect, so a reconnect
  // always ends with a fresh snapshot. `onStatus(connected)` drives banners.
  function live(subscriptions, handlers, onStatus) {
    const socket = window.io({ transports: ["websocket", "polling"], reconnectionDelayMax: 5000 });
    socket.on("connect", () => {
      for (const subscription of subscriptions) socket.emit("subscribe", subscription);
      if (onStatus) onStatus(true);
    });
    socket.on("disconnect", () => onStatus && onStatus(false));
    socket.on("connect_error", () => onStatus && onStatus(false));
    for (const [event, handler] of Object.entries(handlers)) socket.on(event, handler);
    return socket;
  }

  // Text for the page's language: `t(strings, lang, key, {name: value})`.
  function t(strings, lang, key, values = {}) {
    const table = strings[lang] || strings.id;
    let text = table[key] !== undefined ? table[key] : (strings.id[key] !== undefined ? strings.id[key] : key);
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  // "± 25 menit" / "about 25 minutes"; null when unknown.
  function waitText(seconds, lang) {
    if (seconds === null || seconds === undefined) return null;
    const minutes = Math.max(1, Math.round(seconds / 60));
    if (seconds < 60) return lang === "en" ? "less than a minute" : "kurang dari 1 menit";
    return lang === "en" ? `about ${minutes} minute${minutes === 1 ? "" : "s"}` : `± ${minutes} menit`;
  }

  window.Antrean = { api, ApiError, live, t, waitText, setCsrfToken };
})();
