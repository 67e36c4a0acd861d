// Shared browser helpers of every Antrean page: JSON API calls, the boot data, texts, DOM.
// Plain scripts (no build step) in one global, `Antrean`; clock.js, live.js and search.js add
// Antrean.clock, Antrean.live and Antrean.normalize. templates/base.html loads them all.
(function () {
  "use strict";

  let csrfToken = null;

  class ApiError extends Error {
    constructor(status, code, message, field, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.field = field || null;
      this.retryAfter = retryAfter || null; // seconds, from a 429's Retry-After header
    }
  }

  // Call the JSON API. Errors come back as ApiError with the contract's code.
  async function api(path, { method = "GET", body = undefined, timeoutMs = 10000, headers: extra = {} } = {}) {
    const headers = { Accept: "application/json", ...extra };
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
      const retryAfter = parseInt(response.headers.get("Retry-After") || "", 10) || null;
      throw new ApiError(response.status, error.code || "http_error", error.message || response.statusText, error.field,
        retryAfter);
    }
    if (data && data.csrf_token) csrfToken = data.csrf_token;
    return data;
  }

  function setCsrfToken(token) {
    csrfToken = token;
  }

  const $ = (id) => document.getElementById(id);

  // el("span", "class-name", "text") or el("td", {className, text, dataset, on, ...}, child, ...).
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    const fields = typeof props === "string" ? { className: props } : props || {};
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key === "on") for (const [event, handler] of Object.entries(value)) node.addEventListener(event, handler);
      else if (key in node && key !== "list" && key !== "form") node[key] = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // The page's boot data (templates/base.html): server clock, timezone, language, vocabulary.
  const bootNode = document.getElementById("boot");
  const boot = bootNode ? JSON.parse(bootNode.textContent) : {};

  // Text for the page's language: `t(strings, lang, key, {name: value})`. Every screen keeps
  // one table of this shape, {id: {key: text}, en: {key: text}}.
  function t(strings, lang, key, values = {}) {
    const table = strings[lang] || strings.id;
    let text = table[key] !== undefined ? table[key] : (strings.id[key] !== undefined ? strings.id[key] : key);
    for (const [name, value] of Object.entries(values)) text = text.split(`{${name}}`).join(String(value));
    return text;
  }

  // Put the page's fixed texts in the current language: data-i18n (text), data-i18n-placeholder
  // and data-i18n-title, with `tr(key)` of the screen's table.
  function translate(tr, root = document) {
    for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = tr(node.dataset.i18n);
    for (const node of root.querySelectorAll("[data-i18n-placeholder]")) node.placeholder = tr(node.dataset.i18nPlaceholder);
    for (const node of root.querySelectorAll("[data-i18n-title]")) node.title = tr(node.dataset.i18nTitle);
  }

  // "± 25 menit" / "about 25 minutes" from a Ticket's or Service's estimate (the server
  // rounds it once, `estimated_wait_minutes`, the figure on the paper too); "belum ada loket
  // yang buka" when no counter of it is open (`wait_status`); null when unknown. The words
  // are the screen's own (keys wait_under_minute, wait_minute, wait_minutes, wait_no_counter).
  function waitText(item, tr) {
    if (!item || !item.wait_status || item.wait_status === "unknown") return null;
    const minutes = item.estimated_wait_minutes;
    if (item.wait_status === "no_counter_open" || minutes === null || minutes === undefined) {
      return tr("wait_no_counter");
    }
    if (minutes === 0) return tr("wait_under_minute");
    return tr(minutes === 1 ? "wait_minute" : "wait_minutes", { n: minutes });
  }

  // A new Idempotency-Key: one per thing asked for, the same on its retries (crypto.randomUUID
  // needs a secure context, and a hall on http://192.168.x.x is not one).
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  window.Antrean = { api, ApiError, setCsrfToken, $, el, boot, t, translate, waitText, newKey };
})();
