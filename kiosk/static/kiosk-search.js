// The kiosk's search asks the server (GET /api/v1/services/search?q=): the rules that forgive
// typos, informal spellings and ordinary words live in server/core/service_search.py, once.
// This only asks as the visitor types: a short pause after the last key, and only the answer
// to the latest query counts (a slow answer to "pas" never replaces the one to "paspor").
// No page state here: the kiosk passes what to do with an answer.
(function () {
  "use strict";

  const PAUSE_MS = 150; // typing faster than this asks once, for the last letters
  const TIMEOUT_MS = 5000; // a search that takes longer is treated as failed
  const RETRY_MS = 3000; // a failed search is asked again this often while it is still wanted

  // ask(query): later, onAnswer({query, serviceIds}) with the services found, best first, or
  // onAnswer({query, failed: true}) when the server could not be asked (keep what is shown).
  // A failed search is asked again by itself while wanted() says the visitor still looks at
  // it, so the list comes back with the link without another key.
  function create(onAnswer, wanted) {
    let timer = null;
    let latest = 0;
    function ask(query) {
      clearTimeout(timer);
      const mine = ++latest;
      if (!query.trim()) {
        onAnswer({ query, serviceIds: [] });
        return;
      }
      timer = setTimeout(async () => {
        let answer;
        try {
          const path = `/api/v1/services/search?q=${encodeURIComponent(query)}`;
          const found = await Antrean.api(path, { timeoutMs: TIMEOUT_MS });
          answer = { query, serviceIds: found.results.map((result) => result.service_id) };
        } catch (err) {
          answer = { query, failed: true };
        }
        if (mine !== latest) return;
        onAnswer(answer);
        if (answer.failed) {
          timer = setTimeout(() => {
            if (mine === latest && wanted()) ask(query);
          }, RETRY_MS);
        }
      }, PAUSE_MS);
    }
    return ask;
  }

  window.KioskSearch = { create };
})();
