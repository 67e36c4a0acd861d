// The one search normaliser: "Perekaman KTP-el" -> "perekaman ktp el". Accents, case and
// punctuation do not matter to a visitor or an officer typing a service's name.
(function () {
  "use strict";

  function normalize(text) {
    return String(text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, " ")
      .trim();
  }

  Antrean.normalize = normalize;
})();
