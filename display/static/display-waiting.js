// The hall display: how many wait for each service (a chip per service with anyone
// waiting, and the total), and the pager that turns through a list too long for its box.
(function () {
  "use strict";

  const D = window.DisplayPage;
  const { view, $, tr } = D;

  D.renderWaiting = function renderWaiting() {
    const services = view.boot.services;
    const shown = [...view.waiting.entries()]
      .filter(([, count]) => count > 0)
      .map(([id]) => id)
      .sort((a, b) => ((services[a] || {}).prefix || a).localeCompare((services[b] || {}).prefix || b));
    for (const [id, chip] of view.chips) {
      if (!shown.includes(id)) {
        chip.root.remove();
        view.chips.delete(id);
      }
    }
    const list = $("waiting-list");
    shown.forEach((id, index) => {
      let chip = view.chips.get(id);
      if (!chip) {
        const root = document.createElement("li");
        root.innerHTML = '<span class="chip-prefix"></span><span class="chip-name"></span><span class="chip-count"></span>';
        const service = services[id] || { prefix: "", name: id, name_en: id };
        root.children[0].textContent = service.prefix;
        root.children[1].textContent = D.lang === "en" ? service.name_en : service.name;
        chip = { root, count: root.children[2] };
        view.chips.set(id, chip);
      }
      chip.count.textContent = String(view.waiting.get(id));
      if (list.children[index] !== chip.root) list.insertBefore(chip.root, list.children[index] || null);
    });
    $("waiting-box").hidden = shown.length === 0;
    let total = 0;
    for (const count of view.waiting.values()) total += count;
    $("waiting-total").textContent = total ? tr("waiting_total", { n: total }) : tr("nobody_waiting");
  };

  // Long lists page through the box, a page every few seconds.
  D.pageWaiting = function pageWaiting() {
    const box = $("waiting-box");
    const list = $("waiting-list");
    const pages = box.clientHeight ? Math.ceil(list.scrollHeight / box.clientHeight) : 1;
    view.waitingPage = pages > 1 ? (view.waitingPage + 1) % pages : 0;
    list.style.transform = `translateY(${-view.waitingPage * box.clientHeight}px)`;
  };
})();
