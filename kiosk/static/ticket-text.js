// The words of a ticket that the kiosk's confirmation and the visitor's phone page share,
// in Bahasa Indonesia (default) and English. kiosk-text.js and phone-text.js include them.
(function () {
  "use strict";

  window.TicketText = {
    id: {
      your_number: "Nomor antrean Anda",
      ahead: "Di depan Anda",
      ahead_count: "{count} orang",
      ahead_none: "Tidak ada — Anda berikutnya",
      est_wait: "Perkiraan tunggu",
      wait_unknown: "belum dapat diperkirakan",
      wait_soon: "Segera",
      counters: "Dilayani di",
      wait_under_minute: "kurang dari 1 menit",
      wait_minute: "± {n} menit",
      wait_minutes: "± {n} menit",
      wait_no_counter: "belum ada loket yang buka",
    },
    en: {
      your_number: "Your queue number",
      ahead: "Ahead of you",
      ahead_count: "{count} people",
      ahead_none: "Nobody — you are next",
      est_wait: "Estimated wait",
      wait_unknown: "cannot be estimated yet",
      wait_soon: "Soon",
      counters: "Served at",
      wait_under_minute: "less than a minute",
      wait_minute: "about {n} minute",
      wait_minutes: "about {n} minutes",
      wait_no_counter: "no counter open yet",
    },
  };
})();
