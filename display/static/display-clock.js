// The hall display: the date and the clock, on the hall's clock and timezone (a new day
// takes a fresh snapshot), and the running text along the bottom, timed to the screen.
(function () {
  "use strict";

  const D = window.DisplayPage;
  const { view, $ } = D;

  function makeFormats(timezone) {
    const locale = D.lang === "en" ? "en-GB" : "id-ID";
    return {
      timezone,
      date: new Intl.DateTimeFormat(locale, {
        weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: timezone,
      }),
      time: new Intl.DateTimeFormat(locale, {
        hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: timezone,
      }),
    };
  }

  D.tick = function tick() {
    const timezone = view.boot.site.timezone;
    if (!view.formats || view.formats.timezone !== timezone) view.formats = makeFormats(timezone);
    const now = new Date(Antrean.clock.now());
    const day = view.formats.date.format(now);
    // id-ID writes 09.15; a clock on a wall reads 09:15.
    const parts = view.formats.time.formatToParts(now);
    const part = (type) => (parts.find((p) => p.type === type) || {}).value || "00";
    const time = `${part("hour")}:${part("minute")}`;
    if ($("date").textContent !== day) $("date").textContent = day;
    if ($("time").textContent !== time) $("time").textContent = time;
    if (view.day && view.day !== day) D.resync(); // a new service day: take a fresh snapshot
    view.day = day;
    D.fadeFreshTiles();
  };

  D.setTicker = function setTicker(text) {
    const span = $("ticker-text");
    $("ticker").hidden = !text;
    if (span.textContent === text) return;
    span.textContent = text;
    D.scheduleLayout();
  };

  // Scroll speed in screen widths, so every screen size reads at the same pace.
  D.timeTicker = function timeTicker() {
    const span = $("ticker-text");
    if (!span.textContent) return;
    const rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
    span.style.animationDuration = `${Math.max(10, span.offsetWidth / (rem * 7))}s`;
  };
})();
