// The hall display: one tile per counter with the number it serves (fresh, calling, on
// break), and the grid's fitting: as many columns as give the biggest readable tiles.
(function () {
  "use strict";

  const D = window.DisplayPage;
  const { view, $, tr } = D;

  function makeTile(id) {
    const root = document.createElement("div");
    root.className = "tile";
    root.dataset.counter = id;
    root.innerHTML = '<div class="tile-name"></div><div class="tile-number"></div><div class="tile-note"></div>';
    const [name, number, note] = root.children;
    const tile = { root, name, number, note, current: undefined, state: undefined, called: 0 };
    view.tiles.set(id, tile);
    return tile;
  }

  D.setTile = function setTile(id, current, state) {
    const tile = view.tiles.get(id);
    if (!tile) return;
    if (current !== tile.current) {
      if (current && tile.current !== undefined) tile.called = Date.now(); // a new number: mark it
      tile.current = current;
      tile.number.textContent = current || "—";
      fitNumber(tile);
      tile.root.classList.toggle("is-empty", !current);
      tile.root.classList.toggle("is-fresh", Boolean(current) && Date.now() - tile.called < D.FRESH_MS);
    }
    if (state !== undefined && state !== tile.state) {
      tile.state = state;
      tile.root.classList.toggle("is-paused", state === "paused");
      tile.note.textContent = state === "paused" ? tr("paused") : "";
    }
  };

  // A long number (a three-letter prefix and four digits, "PAM1234") is drawn smaller in its
  // own tile rather than cut off; every other tile keeps the grid's size.
  function fitNumber(tile) {
    tile.number.style.fontSize = "";
    const room = tile.root.clientWidth * 0.94;
    const need = tile.number.scrollWidth;
    if (room > 0 && need > room) tile.number.style.fontSize = `${(room / need).toFixed(3)}em`;
  }

  D.renderCounters = function renderCounters(counters) {
    const grid = $("grid");
    const ids = counters.map((counter) => counter.id);
    for (const [id, tile] of view.tiles) {
      if (!ids.includes(id)) {
        tile.root.remove();
        view.tiles.delete(id);
      }
    }
    counters.forEach((counter, index) => {
      const tile = view.tiles.get(counter.id) || makeTile(counter.id);
      tile.name.textContent = counter.name;
      if (grid.children[index] !== tile.root) grid.insertBefore(tile.root, grid.children[index] || null);
      D.setTile(counter.id, counter.current_number || null, counter.state || "open");
    });
    if (view.callingTile && !view.tiles.has(view.callingTile)) view.callingTile = null;
    D.scheduleLayout();
  };

  D.markCallingTile = function markCallingTile(counterId) {
    const old = view.tiles.get(view.callingTile);
    if (old) old.root.classList.remove("is-calling");
    view.callingTile = counterId;
    const tile = view.tiles.get(counterId);
    if (tile) tile.root.classList.add("is-calling");
  };

  D.fadeFreshTiles = function fadeFreshTiles() {
    const now = Date.now();
    for (const tile of view.tiles.values()) {
      if (tile.root.classList.contains("is-fresh") && now - tile.called >= D.FRESH_MS) {
        tile.root.classList.remove("is-fresh");
      }
    }
  };

  // Choose the number of columns that gives the biggest readable tiles for this screen.
  D.fitGrid = function fitGrid() {
    const grid = $("grid");
    const count = view.tiles.size;
    const width = grid.clientWidth;
    const height = grid.clientHeight;
    if (!count || !width || !height) return;
    const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
    const largest = parseFloat(getComputedStyle(document.documentElement).fontSize) * 8;
    let best = { size: 0, cols: 1, rows: count };
    for (let cols = 1; cols <= count; cols++) {
      const rows = Math.ceil(count / cols);
      const tileWidth = (width - gap * (cols - 1)) / cols;
      const tileHeight = (height - gap * (rows - 1)) / rows;
      // A tile holds a name line and a number as wide as "PBB123" (about 3.7 em) in 1.9 em of height.
      const size = Math.min(tileWidth / 3.9, tileHeight / 1.9, largest);
      if (size > best.size) best = { size, cols, rows };
    }
    grid.style.gridTemplateColumns = `repeat(${best.cols}, minmax(0, 1fr))`;
    grid.style.gridTemplateRows = `repeat(${best.rows}, minmax(0, 1fr))`;
    grid.style.setProperty("--tile-font", `${Math.floor(best.size)}px`);
    for (const tile of view.tiles.values()) fitNumber(tile);
  };
})();
