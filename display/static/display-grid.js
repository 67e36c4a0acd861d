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

  // A tile's state: open, paused ("Istirahat", in the number's place and size: a paused
  // counter calls nobody) or closed for today by a supervisor ("Tutup"), `closed` true.
  D.setTile = function setTile(id, current, state, closed) {
    const tile = view.tiles.get(id);
    if (!tile) return;
    if (current !== tile.current) {
      if (current && tile.current !== undefined) tile.called = Date.now(); // a new number: mark it
      tile.current = current;
      tile.number.textContent = current || "—";
      tile.root.classList.toggle("is-empty", !current);
      tile.root.classList.toggle("is-fresh", Boolean(current) && Date.now() - tile.called < D.FRESH_MS);
    }
    const shown = closed ? "closed" : state;
    if (shown !== undefined && shown !== tile.state) {
      tile.state = shown;
      tile.root.classList.toggle("is-paused", shown === "paused");
      tile.root.classList.toggle("is-closed", shown === "closed");
      tile.note.textContent = shown === "paused" || shown === "closed" ? tr(shown) : "";
    }
    fitTile(tile);
  };

  // A number longer than the grid allowed for (five digits) or a wide label is drawn smaller in
  // its own tile rather than cut off; every other tile keeps the grid's size.
  function fitTile(tile) {
    const room = tile.root.clientWidth * 0.92;
    for (const part of [tile.name, tile.number, tile.note]) D.fitText(part, room);
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
      tile.name.textContent = D.counterName(counter.name, counter.name_en);
      if (grid.children[index] !== tile.root) grid.insertBefore(tile.root, grid.children[index] || null);
      D.setTile(counter.id, counter.current_number || null, counter.state || "open", Boolean(counter.closed));
    });
    view.counters = counters;
    if (view.callingTile && !view.tiles.has(view.callingTile)) view.callingTile = null;
    D.remeasureTiles();
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

  // How wide and tall (in em of the tile's number) a tile's text is at most: the display's
  // longest number of four digits (its widest prefix and "0000"; "PAM1234"), the paused and
  // closed labels, and its counters' names (drawn at the name's size). Measured with the
  // page's own font, so the grid is chosen for what it will really show.
  let tileText = { width: 4.6, height: 1.9 };
  let measured = false;
  // Names, prefixes or the font changed: measure again at the next layout pass.
  D.remeasureTiles = function remeasureTiles() {
    measured = false;
    D.scheduleLayout();
  };

  function measureTileText() {
    measured = true;
    const probe = makeTile("probe");
    view.tiles.delete("probe");
    probe.root.style.cssText = "position:absolute;visibility:hidden;font-size:100px;width:auto;left:-9999px;top:0";
    for (const part of probe.root.children) part.style.width = "max-content";
    document.body.appendChild(probe.root);
    const prefixes = Object.values(view.boot.services).map((service) => service.prefix);
    let width = 0;
    const widest = (part, texts) => {
      for (const text of texts) {
        part.textContent = text;
        width = Math.max(width, part.getBoundingClientRect().width / 100);
      }
    };
    widest(probe.number, [...new Set(prefixes.length ? prefixes : ["A"])].map((prefix) => `${prefix}0000`));
    probe.note.textContent = "";
    widest(probe.note, [tr("paused"), tr("closed")]);
    probe.note.textContent = ""; // a paused tile shows its label in the number's place: one line
    widest(probe.name, view.counters.map((counter) => D.counterName(counter.name, counter.name_en)));
    const height = probe.root.getBoundingClientRect().height / 100; // a name line and a number line
    probe.root.remove();
    tileText = { width: width + 0.5, height: height + 0.3 }; // the borders and a little air
  }

  // Choose the number of columns that gives the biggest tiles that hold their text whole.
  D.fitGrid = function fitGrid() {
    const grid = $("grid");
    const count = view.tiles.size;
    const width = grid.clientWidth;
    const height = grid.clientHeight;
    if (!count || !width || !height) return;
    if (!measured) measureTileText();
    const gap = parseFloat(getComputedStyle(grid).rowGap) || 0;
    const largest = parseFloat(getComputedStyle(document.documentElement).fontSize) * 8;
    let best = { size: 0, cols: 1, rows: count };
    for (let cols = 1; cols <= count; cols++) {
      const rows = Math.ceil(count / cols);
      const tileWidth = (width - gap * (cols - 1)) / cols;
      const tileHeight = (height - gap * (rows - 1)) / rows;
      const size = Math.min(tileWidth / tileText.width, tileHeight / tileText.height, largest);
      if (size > best.size) best = { size, cols, rows };
    }
    grid.style.gridTemplateColumns = `repeat(${best.cols}, minmax(0, 1fr))`;
    grid.style.gridTemplateRows = `repeat(${best.rows}, minmax(0, 1fr))`;
    grid.style.setProperty("--tile-font", `${Math.floor(best.size)}px`);
    for (const tile of view.tiles.values()) fitTile(tile);
  };
})();
