// Every word of the phone page, in Bahasa Indonesia (default) and English.
// Used through Antrean.t(PhoneText, lang, key, values); the ticket's words are TicketText's.
(function () {
  "use strict";

  window.PhoneText = {
    id: {
      ...window.TicketText.id,
      switch_lang: "English",
      reconnecting: "Sedang menyambung kembali…",
      called_title: "Nomor Anda dipanggil!",
      go_to: "Silakan menuju {counter}",
      sound_on: "Nyalakan bunyi panggilan",
      sound_ready: "Bunyi panggilan menyala",
      hint: "Biarkan halaman ini terbuka: halaman berubah sendiri saat nomor Anda dipanggil.",
      hint_done: "Terima kasih telah menggunakan layanan kami.",
      priority: "PRIORITAS",
      status_waiting: "Menunggu giliran",
      status_called: "Dipanggil",
      status_serving: "Sedang dilayani di {counter}",
      status_done: "Selesai dilayani",
      status_no_show: "Tidak hadir saat dipanggil. Silakan hubungi petugas.",
      status_cancelled: "Dibatalkan",
      status_expired: "Kedaluwarsa: hari layanan sudah berakhir",
      title: "{number} — {status}",
    },
    en: {
      ...window.TicketText.en,
      switch_lang: "Bahasa Indonesia",
      reconnecting: "Reconnecting…",
      called_title: "Your number is called!",
      go_to: "Please go to {counter}",
      sound_on: "Turn on the call sound",
      sound_ready: "Call sound is on",
      hint: "Keep this page open: it changes by itself when your number is called.",
      hint_done: "Thank you for using our services.",
      priority: "PRIORITY",
      status_waiting: "Waiting for your turn",
      status_called: "Called",
      status_serving: "Being served at {counter}",
      status_done: "Served",
      status_no_show: "Not present when called. Please ask the staff.",
      status_cancelled: "Cancelled",
      status_expired: "Expired: the service day has ended",
      title: "{number} — {status}",
    },
  };
})();
