// The hall display: how many wait for each service (a chip per service with anyone
// waiting: prefix, full name, count; and the total), and the pager that shows a list too
// long for its box a page at a time. A page is whole chips (never one cut in half); a
// chip's name wraps instead of ending in "…".
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
    D.showWaitingPage();
  };

  // Show page `view.waitingPage` (kept in range) and say which one it is ("2/6"). The list
  // lays its chips out in columns of the box's height, as many as they need; a page is the
  // columns that fit the box's width, so the list slides by one box width (and a gap) a page.
  D.showWaitingPage = function showWaitingPage() {
    const box = $("waiting-box");
    const list = $("waiting-list");
    const gap = parseFloat(getComputedStyle(list).columnGap) || 0;
    const step = box.clientWidth + gap;
    const pages = step > gap ? Math.max(1, Math.ceil((list.scrollWidth + gap - 1) / step)) : 1;
    if (view.waitingPage >= pages) view.waitingPage = 0;
    list.style.transform = view.waitingPage ? `translateX(${-view.waitingPage * step}px)` : "";
    const counter = $("waiting-page");
    counter.hidden = pages < 2;
    counter.textContent = tr("waiting_page", { page: view.waitingPage + 1, pages });
  };

  // Every few seconds, the next page.
  D.pageWaiting = function pageWaiting() {
    view.waitingPage += 1;
    D.showWaitingPage();
  };
})();
