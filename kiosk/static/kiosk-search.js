// Finding a service by any word of its name (Indonesian or English), its
// keywords or its agency's names. Pure functions: no page state here.
(function () {
  "use strict";

  const normalize = Antrean.normalize; // accents, case and punctuation dropped

  // Words of a phrase, plus the phrase written together ("e-ktp" also as "ektp").
  function words(phrases) {
    const result = new Set();
    for (const phrase of phrases) {
      const normal = normalize(phrase);
      if (!normal) continue;
      for (const word of normal.split(" ")) result.add(word);
      if (normal.includes(" ")) result.add(normal.replace(/ /g, ""));
    }
    return [...result];
  }

  // One entry per service, with its words grouped by how much a match there counts.
  function buildIndex(agencies) {
    const index = [];
    for (const agency of agencies) {
      const agencyPhrases = [agency.name, agency.short_name, agency.name_en];
      for (const service of agency.services) {
        const names = [service.name, service.name_en];
        const keywords = service.keywords || [];
        index.push({
          service,
          agency,
          groups: [
            { words: words(names), exact: 4, prefix: 3 },
            { words: words(keywords), exact: 4, prefix: 2 },
            { words: words(agencyPhrases), exact: 2, prefix: 1 },
          ],
          phrases: [...names, ...keywords].map(normalize),
        });
      }
    }
    return index;
  }

  // How well one query word matches an entry: 0 when it does not.
  function wordScore(entry, word) {
    let best = 0;
    for (const group of entry.groups) {
      for (const candidate of group.words) {
        if (candidate === word) best = Math.max(best, group.exact);
        else if (candidate.startsWith(word)) best = Math.max(best, group.prefix);
      }
    }
    return best;
  }

  // Every query word must match somewhere (so "pajak kendaraan" narrows
  // "pajak"); whole phrases and popular services rank first.
  function score(entry, query, queryWords) {
    let total = 0;
    for (const word of queryWords) {
      const points = wordScore(entry, word);
      if (points === 0) return 0;
      total += points;
    }
    if (entry.phrases.includes(query)) total += 6;
    else if (entry.phrases.some((phrase) => phrase.includes(query))) total += 3;
    if (entry.service.popular) total += 1;
    return total;
  }

  // The matching entries ({service, agency}), best first.
  function search(index, text) {
    const query = normalize(text);
    if (!query) return [];
    const queryWords = query.split(" ");
    return index
      .map((entry, order) => ({ entry, order, points: score(entry, query, queryWords) }))
      .filter((item) => item.points > 0)
      .sort((a, b) => b.points - a.points || a.order - b.order)
      .map((item) => item.entry);
  }

  window.KioskSearch = { normalize, buildIndex, search };
})();
