/* gridmap plan editor on Leaflet 1.9 (MIT, part of gridmap).
 *
 * gridmap.editor writes the plan's atoms (outlines, households, unit, grid, neighbours),
 * grids and units as JSON into the page. Every string from the plan reaches the page
 * through textContent only. State lives in plain arrays indexed by atom and grid; a move
 * changes atomGrid and the two grids' counts, and is checked against nesting (same
 * unit), locks and contiguity (breadth-first search over the shipped adjacency).
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("gm-data").textContent);
  var T = D.text;
  var gm = (window.gridmap = window.gridmap || {});
  var A = D.atoms, nAtoms = A.id.length;
  var grids = D.grids.map(function (g) {
    return { id: g.id, code: g.code, unit: g.unit, regime: g.regime, locked: g.locked, hh: 0, atoms: 0,
             broken: false, isNew: false, colour: 0 };
  });
  var atomGrid = A.grid.slice();
  var undoStack = [], redoStack = [], log = [];
  var target = -1, mode = "click", policy = "refuse", colourBy = "grid", painting = null;
  var PALETTE = ["#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
                 "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f"];
  var STATUS = { in: "#4daf4a", under: "#ff9f1c", over: "#e41a1c", rural: "#a6a6a6", island: "#c7b8a1",
                 dedicated: "#6a8fd0", broken: "#9b30ff", empty: "#ffffff" };

  // -- counts, status, contiguity -----------------------------------------------------------------------------
  function recount() {
    grids.forEach(function (g) { g.hh = 0; g.atoms = 0; });
    for (var a = 0; a < nAtoms; a++) { grids[atomGrid[a]].hh += A.hh[a]; grids[atomGrid[a]].atoms += 1; }
    grids.forEach(function (g, k) { g.broken = !connected(k); });
  }

  function membersOf(k) {
    var out = [];
    for (var a = 0; a < nAtoms; a++) if (atomGrid[a] === k) out.push(a);
    return out;
  }

  // Is grid k one piece, with atom `without` taken out and atom `plus` put in (both optional)?
  function connected(k, without, plus) {
    var members = membersOf(k).filter(function (a) { return a !== without; });
    if (plus !== undefined && plus !== null) members.push(plus);
    if (members.length <= 1) return true;
    var inGrid = {}; members.forEach(function (a) { inGrid[a] = true; });
    var seen = {}, queue = [members[0]], count = 0;
    seen[members[0]] = true;
    while (queue.length) {
      var a = queue.pop(); count++;
      var nb = A.nb[a];
      for (var i = 0; i < nb.length; i++) {
        var b = nb[i];
        if (inGrid[b] && !seen[b]) { seen[b] = true; queue.push(b); }
      }
    }
    return count === members.length;
  }

  function status(g) {
    if (g.atoms === 0) return "empty";
    if (g.broken) return "broken";
    if (g.regime === "rural" || g.regime === "island" || g.regime === "dedicated") return g.regime;
    if (!D.band) return "in";
    var eps = 1e-6 * D.band[1];
    if (g.hh < D.band[0] - eps) return "under";
    if (g.hh > D.band[1] + eps) return "over";
    return "in";
  }

  // Greedy colouring of the grid adjacency: neighbouring grids never share a colour (12 colours).
  function colourGrids(only) {
    var adj = grids.map(function () { return {}; });
    for (var a = 0; a < nAtoms; a++) {
      var nb = A.nb[a];
      for (var i = 0; i < nb.length; i++) {
        var g = atomGrid[a], h = atomGrid[nb[i]];
        if (g !== h) { adj[g][h] = true; adj[h][g] = true; }
      }
    }
    grids.forEach(function (g, k) {
      if (only !== undefined && only !== k) return;
      var used = {};
      Object.keys(adj[k]).forEach(function (h) { if (only !== undefined || +h < k) used[grids[+h].colour] = true; });
      var c = 0; while (used[c] && c < PALETTE.length - 1) c++;
      g.colour = c;
    });
  }

  // -- map ----------------------------------------------------------------------------------------------------
  var map = L.map("gm-map", { preferCanvas: true, zoomSnap: 0.5, boxZoom: false, maxZoom: 20 });
  map.attributionControl.setPrefix("Leaflet");
  if (D.attribution) map.attributionControl.addAttribution(D.attribution);
  L.control.scale({ imperial: false }).addTo(map);
  var renderer = L.canvas({ padding: 0.3, tolerance: 2 });

  function decodeRing(r) {
    var out = new Array(r.length / 2), x = 0, y = 0;
    for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out[i / 2] = [y / 1e6, x / 1e6]; }
    return out;
  }
  var rings = A.geo.map(function (parts) {
    return parts.map(function (p) { return p.map(decodeRing); });
  });
  var shapes = rings.map(function (latlngs, a) {
    var poly = L.polygon(latlngs.length === 1 ? latlngs[0] : latlngs, { renderer: renderer, weight: 0.6,
      color: "#ffffff", fillOpacity: 0.62, bubblingMouseEvents: false });
    poly.on("click", function (e) { onAtomClick(a, e.originalEvent); });
    poly.on("contextmenu", function (e) { L.DomEvent.preventDefault(e.originalEvent); select(atomGrid[a]); });
    poly.on("mousedown", function (e) { if (mode === "paint" && e.originalEvent.button === 0) startPaint(a); });
    poly.on("mouseover", function () { if (painting) paintOver(a); });
    poly.addTo(map);
    return poly;
  });
  document.addEventListener("mouseup", endPaint);
  // village/community borders: atoms move only inside them
  D.unit_lines.forEach(function (parts) {
    parts.forEach(function (p) {
      L.polygon(p.map(decodeRing), { renderer: renderer, interactive: false, fill: false, color: "#333333",
        weight: 1.8, opacity: 0.85 }).addTo(map);
    });
  });
  map.fitBounds(D.bounds, { padding: [10, 10] });

  var labels = L.layerGroup().addTo(map);
  function drawLabels() {
    labels.clearLayers();
    if (map.getZoom() < 13) return;
    var members = grids.map(function () { return []; });
    for (var a = 0; a < nAtoms; a++) members[atomGrid[a]].push(a);
    grids.forEach(function (g, k) {
      if (!members[k].length) return;
      // the atom nearest the grid's household-weighted centre carries the label
      var sy = 0, sx = 0, w = 0;
      members[k].forEach(function (a) { var ww = A.hh[a] + 1e-3; sy += A.at[a][0] * ww; sx += A.at[a][1] * ww; w += ww; });
      var best = members[k][0], bd = Infinity;
      members[k].forEach(function (a) {
        var d = Math.pow(A.at[a][0] - sy / w, 2) + Math.pow(A.at[a][1] - sx / w, 2);
        if (d < bd) { bd = d; best = a; }
      });
      var text = document.createElement("span");
      text.textContent = shortCode(g) + " · " + Math.round(g.hh);
      labels.addLayer(L.marker(A.at[best], { interactive: false, keyboard: false,
        icon: L.divIcon({ className: "gm-label", html: text, iconSize: null }) }));
    });
  }
  map.on("zoomend", drawLabels);

  function shortCode(g) {
    var c = String(g.code);
    return c.length > 9 ? "…" + c.slice(-6) : c;
  }

  function styleAtom(a) {
    var k = atomGrid[a], g = grids[k];
    var fill = colourBy === "grid" ? PALETTE[g.colour % PALETTE.length] : STATUS[status(g)];
    var selected = k === target;
    shapes[a].setStyle({ fillColor: fill, fillOpacity: g.locked ? 0.3 : 0.62,
      color: selected ? "#111111" : (g.broken ? STATUS.broken : "#ffffff"),
      weight: selected ? 2.2 : (g.broken ? 1.6 : 0.6) });
    if (selected) shapes[a].bringToFront();
  }
  function styleGrid(k) { for (var a = 0; a < nAtoms; a++) if (atomGrid[a] === k) styleAtom(a); }
  function styleAll() { for (var a = 0; a < nAtoms; a++) styleAtom(a); }

  // -- moves --------------------------------------------------------------------------------------------------
  // Check one atom's move into grid k; returns null when allowed, else the refusal message.
  function refusal(a, k) {
    var from = atomGrid[a];
    if (from === k) return "";
    if (A.unit[a] !== grids[k].unit) return fmt(T.msg_other_unit, { unit: D.units[A.unit[a]].name });
    if (grids[k].locked) return fmt(T.msg_locked, { grid: grids[k].code });
    if (grids[from].locked) return fmt(T.msg_locked, { grid: grids[from].code });
    if (policy === "refuse") {
      if (!connected(from, a)) return fmt(T.msg_breaks, { grid: grids[from].code });
      if (grids[k].atoms > 0 && !connected(k, null, a)) return fmt(T.msg_breaks, { grid: grids[k].code });
    }
    return null;
  }

  function apply(change, forward) {
    change.moves.forEach(function (m) {
      var from = forward ? m.from : m.to, to = forward ? m.to : m.from;
      atomGrid[m.atom] = to;
      grids[from].hh -= A.hh[m.atom]; grids[from].atoms -= 1;
      grids[to].hh += A.hh[m.atom]; grids[to].atoms += 1;
    });
    var touched = {};
    change.moves.forEach(function (m) { touched[m.from] = true; touched[m.to] = true; });
    Object.keys(touched).forEach(function (k) {
      k = +k; grids[k].broken = !connected(k);
      if (Math.abs(grids[k].hh) < 1e-9) grids[k].hh = 0;
    });
    // a grid that now touches a grid of its own colour takes another one
    Object.keys(touched).forEach(function (k) { if (clashes(+k)) colourGrids(+k); });
    Object.keys(touched).forEach(function (k) { styleGrid(+k); });
  }

  function clashes(k) {
    for (var a = 0; a < nAtoms; a++) {
      if (atomGrid[a] !== k) continue;
      var nb = A.nb[a];
      for (var i = 0; i < nb.length; i++) {
        var h = atomGrid[nb[i]];
        if (h !== k && grids[h].colour === grids[k].colour) return true;
      }
    }
    return false;
  }

  // Move atoms (an array) into grid k as one change; returns the number moved.
  function move(list, k, group) {
    var moves = [], message = null;
    for (var i = 0; i < list.length; i++) {
      var a = list[i], why = refusal(a, k);
      if (why === "") continue;
      if (why) { message = why; continue; }
      var m = { atom: a, from: atomGrid[a], to: k };
      apply({ moves: [m] }, true);
      moves.push(m);
    }
    if (moves.length) {
      if (group) group.moves = group.moves.concat(moves);
      else record({ kind: "move", moves: moves });
      say(fmt(T.msg_moved, { n: moves.length, grid: grids[k].code, hh: Math.round(grids[k].hh) }));
    } else if (message) {
      say(message, true);
    }
    refreshPanel();
    return moves.length;
  }

  function record(change) {
    change.time = new Date().toISOString();
    undoStack.push(change); redoStack = [];
    log.push(change);
    refreshLog();
  }

  function undo() {
    var change = undoStack.pop();
    if (!change) { say(T.msg_nothing); return; }
    if (change.kind === "lock") setLock(change.grid, !change.locked, true);
    else apply(change, false);
    redoStack.push(change);
    log.push({ kind: "undo", of: change.time, time: new Date().toISOString() });
    say(T.msg_undone); refreshPanel(); refreshLog(); drawLabels();
  }

  function redo() {
    var change = redoStack.pop();
    if (!change) return;
    if (change.kind === "lock") setLock(change.grid, change.locked, true);
    else apply(change, true);
    undoStack.push(change);
    log.push({ kind: "redo", of: change.time, time: new Date().toISOString() });
    say(T.msg_redone); refreshPanel(); refreshLog(); drawLabels();
  }

  function setLock(k, locked, silent) {
    grids[k].locked = locked;
    if (!silent) record({ kind: "lock", grid: k, locked: locked });
    styleGrid(k); refreshPanel();
  }

  function newGrid() {
    if (target < 0) { say(T.msg_select_first, true); return; }
    var unit = grids[target].unit, n = 1, id;
    do { id = D.units[unit].id + "-new-" + n++; } while (grids.some(function (g) { return g.id === id; }));
    grids.push({ id: id, code: id, unit: unit, regime: grids[target].regime, locked: false, hh: 0, atoms: 0,
                 broken: false, isNew: true, colour: 0 });
    var k = grids.length - 1;
    record({ kind: "new", grid: k, moves: [] });
    select(k);
    say(fmt(T.msg_new, { grid: id, unit: D.units[unit].name }));
  }

  function onAtomClick(a, ev) {
    if (mode === "paint") return;
    if (ev && (ev.altKey || ev.ctrlKey || ev.metaKey) || target < 0 || atomGrid[a] === target) {
      select(atomGrid[a]); return;
    }
    move([a], target);
    drawLabels();
  }

  function startPaint(a) {
    if (target < 0) { say(T.msg_select_first, true); return; }
    painting = { kind: "move", moves: [] };
    map.dragging.disable();
    move([a], target, painting);
  }
  function paintOver(a) { move([a], target, painting); }
  function endPaint() {
    if (!painting) return;
    if (painting.moves.length) record(painting);
    painting = null;
    if (mode === "paint") map.dragging.disable(); else map.dragging.enable();
    drawLabels();
  }

  function select(k) {
    var old = target;
    target = k;
    if (old >= 0) styleGrid(old);
    if (k >= 0) styleGrid(k);
    refreshPanel();
  }

  // -- panel (built with createElement/textContent: plan strings never become HTML) ------------------------------
  var panel = document.getElementById("gm-panel");
  function el(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(s, v) { return s.replace(/\{(\w+)\}/g, function (_, k) { return v[k]; }); }
  function button(label, id, parent, handler) {
    var b = el("button", null, label, parent); b.id = id; b.type = "button";
    b.addEventListener("click", handler); return b;
  }
  function choice(label, id, options, value, parent, handler) {
    var wrap = el("label", "gm-choice", label + " ", parent);
    var s = el("select", null, null, wrap); s.id = id;
    options.forEach(function (o) { var opt = el("option", null, o[1], s); opt.value = o[0]; });
    s.value = value;
    s.addEventListener("change", function () { handler(s.value); });
    return s;
  }

  el("h1", null, D.title + " · " + T.title, panel);
  if (D.band) el("div", "gm-sub", T.band + " " + D.band[0] + "–" + D.band[1], panel);
  el("p", "gm-hint", T.hint, panel);
  var controls = el("div", "gm-controls", null, panel);
  choice(T.mode, "gm-mode", [["click", T.click], ["paint", T.paint]], mode, controls, function (v) {
    mode = v; if (v === "paint") map.dragging.disable(); else map.dragging.enable();
  });
  choice(T.contiguity, "gm-policy", [["refuse", T.refuse], ["allow", T.allow]], policy, controls,
    function (v) { policy = v; });
  choice(T.colour_by, "gm-colour", [["grid", T.by_grid], ["status", T.by_status]], colourBy, controls,
    function (v) { colourBy = v; styleAll(); });
  var bar = el("div", "gm-buttons", null, panel);
  button(T.undo, "gm-undo", bar, undo);
  button(T.redo, "gm-redo", bar, redo);
  button(T.new_grid, "gm-new", bar, newGrid);
  var statusLine = el("div", "gm-status", "", panel);
  statusLine.setAttribute("role", "status");
  var card = el("div", "gm-card", null, panel); card.id = "gm-target";
  var exportBar = el("div", "gm-buttons", null, panel);
  button(T.export_edits, "gm-export-edits", exportBar, function () { download("edits.geojson", editsGeoJSON()); });
  button(T.export_grids, "gm-export-grids", exportBar, function () { download("grids.geojson", gridsGeoJSON()); });
  el("h2", null, T.problems, panel);
  var problems = el("ul", "gm-list", null, panel); problems.id = "gm-problems";
  el("h2", null, T.all_grids, panel);
  var filter = el("input", null, null, panel); filter.id = "gm-filter"; filter.placeholder = T.filter;
  filter.addEventListener("input", refreshList);
  var list = el("ul", "gm-list gm-all", null, panel); list.id = "gm-grids";
  el("h2", null, T.log, panel);
  var logList = el("ol", "gm-log", null, panel); logList.id = "gm-log";

  function say(message, warn) {
    statusLine.textContent = message;
    statusLine.className = "gm-status" + (warn ? " gm-warn" : "");
  }

  function gridRow(k, parent) {
    var g = grids[k], st = status(g);
    var li = el("li", "gm-row" + (k === target ? " gm-selected" : ""), null, parent);
    li.dataset.grid = g.id;
    var sw = el("span", "gm-sw", null, li); sw.style.background = STATUS[st];
    el("span", "gm-code", shortCode(g), li).title = g.code;
    el("span", "gm-unit", D.units[g.unit].name, li);
    el("span", "gm-hh", String(Math.round(g.hh)), li);
    el("span", "gm-st", T[st] + (g.locked ? " · " + T.locked : ""), li);
    li.addEventListener("click", function () { select(k); zoomTo(k); });
    return li;
  }

  function zoomTo(k) {
    var members = membersOf(k);
    if (!members.length) return;
    var b = L.latLngBounds([]);
    members.forEach(function (a) { b.extend(shapes[a].getBounds()); });
    map.fitBounds(b, { padding: [40, 40], maxZoom: 17 });
  }

  function refreshCard() {
    card.textContent = "";
    if (target < 0) { el("div", "gm-none", T.none_selected, card); return; }
    var g = grids[target], st = status(g);
    el("div", "gm-card-title", T.target + " " + g.code, card);
    el("div", null, T.unit + " " + D.units[g.unit].name, card);
    var hh = el("div", "gm-card-hh", null, card);
    el("span", null, T.households + " ", hh);
    var n = el("b", null, String(Math.round(g.hh)), hh); n.id = "gm-target-hh";
    var s = el("span", "gm-badge", T[st], hh); s.style.background = STATUS[st]; s.id = "gm-target-status";
    el("div", null, g.atoms + " " + T.atoms, card);
    button(g.locked ? T.unlock : T.lock, "gm-lock", card, function () { setLock(target, !grids[target].locked); });
  }

  function refreshList() {
    list.textContent = "";
    var q = filter.value.trim().toLowerCase();
    grids.forEach(function (g, k) {
      if (q && (g.code + " " + g.id + " " + D.units[g.unit].name).toLowerCase().indexOf(q) < 0) return;
      gridRow(k, list);
    });
  }

  function refreshProblems() {
    problems.textContent = "";
    var n = 0;
    grids.forEach(function (g, k) {
      var st = status(g);
      if (st === "under" || st === "over" || st === "broken") { gridRow(k, problems); n++; }
    });
    if (!n) el("li", "gm-none", T.no_problems, problems);
  }

  function refreshLog() {
    logList.textContent = "";
    log.slice(-200).forEach(function (c) {
      var text;
      if (c.kind === "move") {
        var to = c.moves.length ? grids[c.moves[0].to].code : "";
        text = T.move + " " + c.moves.length + " " + T.atoms + " " + T.to + " " + to;
      } else if (c.kind === "lock") text = (c.locked ? T.lock_ev : T.unlock_ev) + " " + grids[c.grid].code;
      else if (c.kind === "new") text = T.new_ev + " " + grids[c.grid].code;
      else text = c.kind === "undo" ? T.undo : T.redo;
      el("li", null, text, logList);
    });
  }

  function refreshPanel() { refreshCard(); refreshProblems(); refreshList(); }

  // -- export -------------------------------------------------------------------------------------------------
  function ringsLngLat(a) {
    return rings[a].map(function (p) { return p.map(function (r) { return r.map(function (q) { return [q[1], q[0]]; }); }); });
  }

  function editsGeoJSON() {
    var features = [];
    for (var a = 0; a < nAtoms; a++) {
      var g = grids[atomGrid[a]], parts = ringsLngLat(a);
      features.push({ type: "Feature", properties: { atom_id: A.id[a], grid_id: g.id, unit_id: D.units[A.unit[a]].id,
        households: A.hh[a], locked: g.locked },
        geometry: parts.length === 1 ? { type: "Polygon", coordinates: parts[0] }
                                     : { type: "MultiPolygon", coordinates: parts } });
    }
    return { type: "FeatureCollection", name: "edits", features: features,
      gridmap: { format: "gridmap-edits", version: 1, title: D.title, band: D.band,
        locked: grids.filter(function (g) { return g.locked; }).map(function (g) { return g.id; }),
        new_grids: grids.filter(function (g) { return g.isNew && g.atoms > 0; }).map(function (g) { return g.id; }),
        changes: log.map(function (c) { return changeJSON(c); }) } };
  }

  function changeJSON(c) {
    var out = { kind: c.kind, time: c.time };
    if (c.moves) out.moves = c.moves.map(function (m) {
      return { atom_id: A.id[m.atom], from: grids[m.from].id, to: grids[m.to].id };
    });
    if (c.kind === "lock") { out.grid_id = grids[c.grid].id; out.locked = c.locked; }
    if (c.kind === "new") out.grid_id = grids[c.grid].id;
    if (c.of) out.of = c.of;
    return out;
  }

  function gridsGeoJSON() {
    var parts = grids.map(function () { return []; });
    for (var a = 0; a < nAtoms; a++) parts[atomGrid[a]] = parts[atomGrid[a]].concat(ringsLngLat(a));
    var features = [];
    grids.forEach(function (g, k) {
      if (!g.atoms) return;
      features.push({ type: "Feature", properties: { grid_id: g.id, code: g.code, unit_id: D.units[g.unit].id,
        unit_name: D.units[g.unit].name, households: Math.round(g.hh * 1000) / 1000, atoms: g.atoms,
        status: status(g), locked: g.locked }, geometry: { type: "MultiPolygon", coordinates: parts[k] } });
    });
    return { type: "FeatureCollection", name: "grids", features: features };
  }

  function download(name, data) {
    var blob = new Blob([JSON.stringify(data)], { type: "application/geo+json" });
    var url = URL.createObjectURL(blob), link = document.createElement("a");
    link.href = url; link.download = name;
    document.body.appendChild(link); link.click(); link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    say(fmt(T.msg_exported, { file: name }));
  }

  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT") return;
    if (e.key === "Escape") select(-1);
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "z") { e.preventDefault(); e.shiftKey ? redo() : undo(); }
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "y") { e.preventDefault(); redo(); }
  });

  recount();
  colourGrids();
  styleAll();
  refreshPanel();
  drawLabels();

  // What tests and scripts use: the state, and the same actions the mouse performs.
  gm.editor = {
    map: map, grids: grids, atomGrid: atomGrid, atomIds: A.id, atomAt: A.at, units: D.units,
    move: function (atomIndexes, k) { var n = move(atomIndexes, k); drawLabels(); return n; },
    select: select, target: function () { return target; }, undo: undo, redo: redo, lock: function (k, v) { setLock(k, v); },
    setPolicy: function (v) { policy = v; document.getElementById("gm-policy").value = v; },
    status: function (k) { return status(grids[k]); }, connected: connected, edits: editsGeoJSON,
    gridsGeoJSON: gridsGeoJSON, log: log, shapes: shapes
  };
  gm.ready = true;
})();
