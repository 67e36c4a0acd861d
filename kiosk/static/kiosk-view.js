// Building the kiosk's tiles, keyboard and time texts. No page state: each
// function gets what it shows and a `tr(key, values)` for the current language.
(function () {
  "use strict";

  const el = Antrean.el;

  // "hari ini 13:00", "besok, Rabu 07:30", "Senin 07:30" or "Senin 4 Jan 07:30", on the
  // hall's calendar (Antrean.clock), never the kiosk PC's own clock or timezone.
  function opensText(iso, tr) {
    const clock = Antrean.clock;
    if (!iso) return null;
    const date = iso.slice(0, 10);
    const time = iso.slice(11, 16);
    const [year, month, day] = date.split("-").map(Number);
    const utc = Date.UTC(year, month - 1, day);
    const weekday = tr("weekdays").split(",")[new Date(utc).getUTCDay()];
    if (date === clock.today()) return `${tr("today")} ${time}`;
    if (date === clock.today(1)) return `${tr("tomorrow")}, ${weekday} ${time}`;
    const days = (utc - Date.parse(`${clock.today()}T00:00:00Z`)) / 86400000;
    if (days > 0 && days < 7) return `${weekday} ${time}`;
    return `${weekday} ${day} ${tr("months").split(",")[month - 1]} ${time}`;
  }

  function reasonText(service, tr) {
    const key = `reason_${service.closed_reason}`;
    const text = tr(key);
    return text === key ? tr("reason_unknown") : text;
  }

  function serviceName(service, lang) {
    return lang === "en" ? service.name_en || service.name : service.name;
  }

  function agencyName(agency, lang) {
    return lang === "en" ? agency.name_en || agency.name : agency.name;
  }

  function waitingLine(service, lang, tr) {
    const line = el("span", "tile-state");
    line.append(el("span", "waiting", service.waiting ? tr("waiting", { count: service.waiting }) : tr("waiting_none")));
    // No counter open: no wait is promised (not even "no queue" means "at once"), the tile says why.
    if (service.wait_status === "no_counter_open") {
      line.append(el("span", "wait no-counter", tr("tile_no_counter")));
      return line;
    }
    const wait = service.waiting ? Antrean.waitText(service, tr) : null;
    if (wait) line.append(el("span", "wait", tr("wait", { text: wait })));
    return line;
  }

  function closedLines(service, tr) {
    const parts = [el("span", "tile-closed", `${tr("closed")} · ${reasonText(service, tr)}`)];
    if (service.closed_note) parts.push(el("span", "tile-note", service.closed_note));
    const when = opensText(service.opens_at, tr);
    if (when) parts.push(el("span", "tile-opens", tr("opens_again", { when })));
    return parts;
  }

  // A service tile; closed ones stay touchable (not disabled) so a touch can explain why.
  function fillServiceTile(button, service, agency, view) {
    const { lang, tr, showAgency } = view;
    button.type = "button";
    button.className = `tile service-tile${service.open ? "" : " closed"}`;
    button.dataset.action = "service";
    button.dataset.serviceId = service.id;
    const parts = [];
    if (showAgency && agency) parts.push(el("span", "tile-agency", agency.short_name));
    parts.push(el("span", "tile-name", serviceName(service, lang)));
    if (service.open) parts.push(waitingLine(service, lang, tr));
    else parts.push(...closedLines(service, tr));
    button.replaceChildren(...parts);
    return button;
  }

  function fillAgencyTile(button, agency, view) {
    const { lang, tr } = view;
    const open = agency.services.filter((service) => service.open).length;
    button.type = "button";
    button.className = `tile agency-tile${open ? "" : " closed"}`;
    button.dataset.action = "agency";
    button.dataset.agencyId = agency.id;
    const parts = [];
    if (agency.logo_url) {
      const logo = el("img", "agency-logo");
      logo.alt = "";
      logo.src = agency.logo_url;
      logo.addEventListener("load", () => logo.classList.add("loaded"));
      logo.addEventListener("error", () => logo.remove());
      parts.push(logo);
    }
    const words = el("span", "agency-words");
    const top = el("span", "agency-top");
    top.append(el("span", "agency-short", agency.short_name));
    if (!open) top.append(el("span", "agency-closed", tr("closed")));
    words.append(top, el("span", "agency-name", agencyName(agency, lang)));
    parts.push(words);
    button.replaceChildren(...parts);
    return button;
  }

  const KEY_ROWS = ["1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm"];

  // QWERTY with digits, space and delete; keys are buttons (data-key).
  function buildKeyboard(container, tr) {
    const rows = KEY_ROWS.map((letters) => {
      const row = el("div", "key-row");
      for (const letter of letters) {
        const key = el("button", "key", letter.toUpperCase());
        key.type = "button";
        key.dataset.action = "key";
        key.dataset.key = letter;
        row.append(key);
      }
      return row;
    });
    const special = (name, className, label) => {
      const key = el("button", `key ${className}`, label);
      key.type = "button";
      key.dataset.action = "key";
      key.dataset.key = name;
      key.dataset.label = name;
      return key;
    };
    rows[3].append(special("backspace", "key-wide key-backspace", `⌫ ${tr("key_backspace")}`));
    const last = el("div", "key-row");
    last.append(
      special("clear", "key-wide key-clear", tr("key_clear")),
      special("space", "key-space", tr("key_space")),
    );
    container.replaceChildren(...rows, last);
  }

  function relabelKeyboard(container, tr) {
    for (const key of container.querySelectorAll("[data-label]")) {
      const name = key.dataset.label;
      key.textContent = name === "backspace" ? `⌫ ${tr("key_backspace")}` : tr(`key_${name}`);
    }
  }

  // A kiosk is not a browser: no context menu, no pinch or double-tap zoom, no dragging.
  function lockDown() {
    const prevent = (event) => event.preventDefault();
    for (const name of ["contextmenu", "dragstart", "gesturestart", "selectstart"]) {
      document.addEventListener(name, prevent);
    }
    const pinch = (event) => event.touches.length > 1 && event.preventDefault();
    document.addEventListener("touchmove", pinch, { passive: false });
    document.addEventListener("wheel", (event) => event.ctrlKey && event.preventDefault(), { passive: false });
  }

  window.KioskView = {
    opensText, reasonText, serviceName, agencyName,
    fillServiceTile, fillAgencyTile, buildKeyboard, relabelKeyboard, lockDown,
  };
})();
