// The hall's clock, one mechanism for every page: the boot data's `server_time` (ms), then
// /time.json on every (re)connect, corrected by half the round trip. A kiosk or counter PC on
// an offline LAN has no time server; timers and "today" must follow the server, not the PC.
(function () {
  "use strict";

  const boot = Antrean.boot;
  let offsetMs = boot.server_time ? boot.server_time - Date.now() : 0;

  function now() {
    return Date.now() + offsetMs;
  }

  async function sync() {
    const before = Date.now();
    const answer = await Antrean.api("/time.json");
    const after = Date.now();
    offsetMs = answer.server_time - (before + after) / 2;
  }

  // The site's calendar day as YYYY-MM-DD, `plusDays` from today, in the site's timezone.
  let dayFormat = null;
  function today(plusDays = 0) {
    if (!dayFormat) {
      dayFormat = new Intl.DateTimeFormat("en-CA", {
        timeZone: boot.timezone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
      });
    }
    const parts = dayFormat.formatToParts(new Date(now() + plusDays * 86400000));
    const part = (type) => parts.find((p) => p.type === type).value;
    return `${part("year")}-${part("month")}-${part("day")}`;
  }

  Antrean.clock = { now, sync, today };
})();
