// The booking page's and the kiosk's words for days and times, with no page state: a slot's
// day and time as the hall's wall clock says them (its ISO times carry the site's offset).
(function () {
  "use strict";

  const CODE_LETTERS = "ACDEFGHJKLMNPQRTUVWXY34679"; // the booking code's alphabet (no look-alikes)

  // "08:30" from "2026-12-03T08:30:00+07:00": the site's own wall clock, whatever the phone's zone.
  function clock(iso) {
    const match = /T(\d{2}):(\d{2})/.exec(iso || "");
    return match ? `${match[1]}:${match[2]}` : "";
  }

  // A time `minutes` after an ISO time, on the site's clock (Intl with the site's timezone).
  function shifted(iso, minutes) {
    const when = new Date(Date.parse(iso) + minutes * 60000);
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: Antrean.boot.timezone || "Asia/Jakarta", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(when);
    const part = (type) => (parts.find((item) => item.type === type) || {}).value || "00";
    return `${part("hour")}:${part("minute")}`;
  }

  // Today's date on the hall's clock, "YYYY-MM-DD" (clock.js).
  function today() {
    return Antrean.clock.today();
  }

  function addDays(day, count) {
    const [y, m, d] = day.split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
  }

  // "Rabu, 3 Desember" (+ " (besok)") for a "YYYY-MM-DD"; `tr` is the page's words.
  function dayLabel(day, tr) {
    const [y, m, d] = day.split("-").map(Number);
    const date = new Date(Date.UTC(y, m - 1, d));
    const text = tr("day_label", {
      weekday: tr("weekdays").split(",")[date.getUTCDay()], day: d, month: tr("months").split(",")[m - 1],
    });
    const now = today();
    if (day === now) return `${text} (${tr("today")})`;
    if (day === addDays(now, 1)) return `${text} (${tr("tomorrow")})`;
    return text;
  }

  function slotText(slot) {
    return `${clock(slot.start)}–${clock(slot.end)}`;
  }

  // The code a scanner or a visitor typed: the last six code characters after the final "/"
  // (a QR holds ".../booking/CODE"), case-insensitive; null when there are not six.
  function codeFrom(text) {
    const tail = String(text || "").trim().split("/").pop().toUpperCase();
    const letters = Array.from(tail).filter((char) => CODE_LETTERS.includes(char)).join("");
    return letters.length >= 6 ? letters.slice(-6) : null;
  }

  const newKey = Antrean.newKey;

  // POST a booking: a request whose answer was lost (no connection, a dropped one) may still
  // have booked, so it is sent again with the same key and the server answers that booking.
  const RETRY_DELAYS_MS = [1000, 2000, 4000];
  async function postBooking(body, key) {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await Antrean.api("/api/v1/bookings", {
          method: "POST", body, timeoutMs: 15000, headers: { "Idempotency-Key": key } });
      } catch (err) {
        if (err.status !== 0 || attempt >= RETRY_DELAYS_MS.length) throw err;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[attempt]));
      }
    }
  }

  window.BookingView = { clock, shifted, today, addDays, dayLabel, slotText, codeFrom, newKey, postBooking,
    CODE_LETTERS };
})();
