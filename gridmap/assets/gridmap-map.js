/* gridmap map layers and controls on Leaflet 1.9 (MIT, part of gridmap).
 *
 * gridmap.maps writes every layer's data as JSON into the page and calls the
 * factories below. Strings that end up as HTML (tooltips, popups, legend) arrive
 * already HTML-escaped from Python; raw strings (search keys) are only ever put
 * into the page through textContent.
 */
(function () {
  "use strict";
  var gm = (window.gridmap = window.gridmap || {});
  gm.layers = {};
  gm.stats = { grids: 0 };

  // Encoded polyline (1e-6 degree precision) -> [[lng, lat], ...] (GeoJSON order).
  function decode(str) {
    var out = [], i = 0, lat = 0, lng = 0;
    function next() {
      var b, shift = 0, result = 0;
      do {
        b = str.charCodeAt(i++) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20);
      return result & 1 ? ~(result >> 1) : result >> 1;
    }
    while (i < str.length) {
      lat += next();
      lng += next();
      out.push([lng / 1e6, lat / 1e6]);
    }
    return out;
  }
  gm.decode = decode;

  function geometry(g) {
    switch (g.t) {
      case "Point": return { type: "Point", coordinates: g.c };
      case "LineString": return { type: g.t, coordinates: decode(g.c) };
      case "MultiLineString":
      case "Polygon": return { type: g.t, coordinates: g.c.map(decode) };
      case "MultiPolygon": return { type: g.t, coordinates: g.c.map(function (p) { return p.map(decode); }) };
    }
    return null;
  }

  // gridmap.maps' compact features [{g, p}] -> a GeoJSON FeatureCollection.
  function features(rows) {
    return { type: "FeatureCollection", features: rows.map(function (r) {
      return { type: "Feature", geometry: geometry(r.g), properties: r.p };
    }) };
  }

  // Context lines (roads, rivers) lie under the grids (overlayPane, z 400), which are
  // translucent: grid borders mostly follow roads and must stay visible on top of them.
  // The other panes are above the grids. All ignore the mouse so that hovering anywhere
  // over a grid reaches it; interactive paths in them (workers, bases) turn pointer
  // events back on through Leaflet's .leaflet-interactive rule.
  var PANES = { gmContext: 350, gmAreas: 420, gmBorders: 450, gmDots: 460, gmPoints: 500 };

  function panes(map) {
    Object.keys(PANES).forEach(function (name) {
      if (!map.getPane(name)) {
        var pane = map.createPane(name);
        pane.style.zIndex = PANES[name];
        pane.style.pointerEvents = "none";
      }
    });
  }

  function canvasFor(map, pane) {
    map._gmCanvas = map._gmCanvas || {};
    if (!map._gmCanvas[pane]) map._gmCanvas[pane] = L.canvas({ pane: pane, padding: 0.3 });
    return map._gmCanvas[pane];
  }

  // Grid polygons: one SVG path per grid, class "gridmap-grid", styled by band class.
  gm.grids = function (map, d) {
    panes(map);
    var layer = L.geoJSON(features(d.data), {
      className: "gridmap-grid",
      style: function (f) {
        // the class (band) gives the outline; the colour index, when given, the fill
        var c = f.properties.c;
        return c == null || !d.fills ? d.styles[f.properties.k] : L.extend({}, d.styles[f.properties.k], { fillColor: d.fills[c] });
      },
      onEachFeature: function (f, lyr) {
        lyr.bindTooltip(f.properties.tip, { sticky: true, direction: "top", className: "gridmap-tip", offset: [0, -6] });
        lyr.bindPopup(f.properties.pop, { maxWidth: 340, className: "gridmap-popup" });
        function highlight() {
          lyr.setStyle(d.hover);
          lyr.bringToFront();
        }
        lyr.on("mouseover popupopen", highlight);
        lyr.on("mouseout", function () {
          if (!lyr.isPopupOpen()) layer.resetStyle(lyr);
        });
        lyr.on("popupclose", function () {
          layer.resetStyle(lyr);
        });
      }
    });
    gm.layers.grids = layer;
    gm.stats.grids = layer.getLayers().length;
    // interior points (pole of inaccessibility) of the grids, in layer order: popups open there
    gm.gridPoints = layer.getLayers().map(function (lyr) { return lyr.feature.properties.at; });
    return layer;
  };

  // Grid codes as permanent tooltips, each shown from the zoom at which it fits its grid.
  gm.labels = function (map, d) {
    var group = L.layerGroup();
    var labels = d.data.map(function (row) {
      return { z: row[2], tip: L.tooltip({ permanent: true, direction: "center", className: "gridmap-label", interactive: false })
        .setLatLng([row[0], row[1]]).setContent(row[3]) };
    });
    function update() {
      if (!group._map) return;
      var zoom = group._map.getZoom();
      labels.forEach(function (l) {
        var want = zoom >= l.z;
        if (want && !group.hasLayer(l.tip)) group.addLayer(l.tip);
        else if (!want && group.hasLayer(l.tip)) group.removeLayer(l.tip);
      });
    }
    group.on("add", function () {
      map.on("zoomend", update);
      update();
    });
    group.on("remove", function () {
      map.off("zoomend", update);
      group.clearLayers();
    });
    gm.layers.labels = group;
    return group;
  };

  // Outlines and context lines: no fill, no mouse, drawn on a canvas unless few.
  gm.lines = function (map, d) {
    panes(map);
    var opts = {
      pane: d.pane,
      interactive: false,
      style: function (f) {
        return d.styles[f.properties.k];
      }
    };
    if (d.canvas) opts.renderer = canvasFor(map, d.pane);
    var data = features(d.data);
    var layer = L.geoJSON(data, opts);
    if (d.casing) {
      // roads: a darker, wider line under each (the casing), as on printed maps
      var cased = { type: "FeatureCollection", features: data.features.filter(function (f) { return d.casing[f.properties.k]; }) };
      var casing = L.geoJSON(cased, L.extend({}, opts, { style: function (f) { return d.casing[f.properties.k]; } }));
      layer = L.featureGroup([casing, layer]);
    }
    if (d.key) gm.layers[d.key] = layer;
    return layer;
  };

  // Point symbols shrink when zoomed out (to 40% at zoom 10 and below), so that a whole
  // county's bases and households do not bury the grids.
  function scaleWithZoom(map, layer, radius) {
    function update() {
      var f = Math.max(0.4, Math.min(1, (map.getZoom() - 9) / 5 + 0.2));
      layer.eachLayer(function (m) {
        if (!m.setRadius) return;
        if (m._gmWeight === undefined) m._gmWeight = m.options.weight;
        m.setRadius(radius(m) * f);
        if (m.options.stroke !== false) m.setStyle({ weight: m._gmWeight * f });
      });
    }
    layer.on("add", function () { map.on("zoomend", update); update(); });
    layer.on("remove", function () { map.off("zoomend", update); });
  }

  // Points with tooltips (workers, bases): SVG circle markers in their own pane.
  gm.points = function (map, d) {
    panes(map);
    var layer = L.geoJSON(features(d.data), {
      pointToLayer: function (f, latlng) {
        var m = L.circleMarker(latlng, L.extend({ pane: "gmPoints" }, d.styles[f.properties.k]));
        if (f.properties.tip) m.bindTooltip(f.properties.tip, { direction: "top", className: "gridmap-tip" });
        return m;
      }
    });
    scaleWithZoom(map, layer, function (m) { return d.styles[m.feature.properties.k].radius; });
    if (d.key) gm.layers[d.key] = layer;
    return layer;
  };

  // Many plain dots (households outside the response time): canvas, no mouse.
  gm.dots = function (map, d) {
    panes(map);
    var renderer = canvasFor(map, "gmDots");
    var layer = L.featureGroup(decode(d.data).map(function (ll) {
      return L.circleMarker([ll[1], ll[0]], L.extend({ renderer: renderer, pane: "gmDots", interactive: false }, d.style));
    }));
    scaleWithZoom(map, layer, function () { return d.style.radius; });
    if (d.key) gm.layers[d.key] = layer;
    return layer;
  };

  function fullscreenControl(map, o) {
    var Full = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar gridmap-fullscreen");
        var a = L.DomUtil.create("a", "", bar);
        a.href = "#";
        a.title = o.text.fullscreen;
        a.setAttribute("role", "button");
        a.setAttribute("aria-label", o.text.fullscreen);
        a.innerHTML = '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
        var box = map.getContainer();
        function pseudo() {
          L.DomUtil.hasClass(box, "gridmap-pseudo-full") ? L.DomUtil.removeClass(box, "gridmap-pseudo-full")
            : L.DomUtil.addClass(box, "gridmap-pseudo-full");
          map.invalidateSize();
        }
        L.DomEvent.on(a, "click", function (e) {
          L.DomEvent.preventDefault(e);
          if (document.fullscreenElement) document.exitFullscreen();
          else if (box.requestFullscreen && !L.DomUtil.hasClass(box, "gridmap-pseudo-full")) box.requestFullscreen().catch(pseudo);
          else pseudo();
        });
        L.DomEvent.disableClickPropagation(bar);
        document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
        return bar;
      }
    });
    return new Full();
  }

  // Print: a title and the date above the map, legend and scale kept, buttons and panels hidden
  // (gridmap-map.css, @media print); the browser's print dialog saves a PDF as well.
  function printControl(map, o) {
    var head = L.DomUtil.create("div", "gridmap-printhead", map.getContainer());
    var today = new Date();
    var date = o.lang === "zh-CN" ? today.getFullYear() + "年" + (today.getMonth() + 1) + "月" + today.getDate() + "日"
      : today.toISOString().slice(0, 10);
    head.textContent = o.title + "  ·  " + o.text.printed.replace("{date}", date);
    var Print = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var bar = L.DomUtil.create("div", "leaflet-bar gridmap-print");
        var a = L.DomUtil.create("a", "", bar);
        a.href = "#";
        a.title = o.text.print;
        a.setAttribute("role", "button");
        a.setAttribute("aria-label", o.text.print);
        a.innerHTML = '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M4 6V1h8v5M4 12H1V6h14v6h-3M4 9h8v6H4z" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>';
        L.DomEvent.on(a, "click", function (e) {
          L.DomEvent.preventDefault(e);
          window.print();
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    window.addEventListener("beforeprint", function () { map.invalidateSize(); });
    return new Print();
  }

  // Search by grid code, grid id, village or township name (substring, case-insensitive).
  function searchControl(map, o) {
    var index = [];
    var grids = gm.layers.grids;
    if (grids) grids.eachLayer(function (lyr) {
      var p = lyr.feature.properties;
      index.push({ key: p.find.join("\u0001").toLowerCase(), label: p.find[0] + " \u00b7 " + p.find[2], first: p.find[0].toLowerCase(),
        go: function () { map.fitBounds(lyr.getBounds(), { maxZoom: 17 }); lyr.openPopup(p.at || undefined); } });
    });
    var units = gm.layers.units;
    if (units) units.eachLayer(function (lyr) {
      var p = lyr.feature.properties;
      if (!p.name) return;
      index.push({ key: p.name.toLowerCase(), label: p.name + " (" + o.text.unit + ")", first: p.name.toLowerCase(),
        go: function () { map.fitBounds(lyr.getBounds()); } });
    });
    var Search = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar gridmap-search");
        var input = L.DomUtil.create("input", "", box);
        input.type = "search";
        input.placeholder = o.text.search;
        input.setAttribute("aria-label", o.text.search);
        var list = L.DomUtil.create("ul", "gridmap-search-results", box);
        var hits = [];
        function choose(hit) {
          while (list.firstChild) list.removeChild(list.firstChild);
          hit.go();
        }
        function show() {
          var q = input.value.trim().toLowerCase();
          while (list.firstChild) list.removeChild(list.firstChild);
          hits = [];
          if (!q) return;
          hits = index.filter(function (e) { return e.key.indexOf(q) >= 0; });
          hits.sort(function (a, b) {
            return (a.first === q ? 0 : a.first.indexOf(q) === 0 ? 1 : 2) - (b.first === q ? 0 : b.first.indexOf(q) === 0 ? 1 : 2)
              || a.label.localeCompare(b.label);
          });
          hits = hits.slice(0, 12);
          if (!hits.length) {
            L.DomUtil.create("li", "gridmap-search-none", list).textContent = o.text.noMatch;
          }
          hits.forEach(function (h) {
            var li = L.DomUtil.create("li", "", list);
            li.textContent = h.label;
            L.DomEvent.on(li, "click", function () { choose(h); });
          });
        }
        L.DomEvent.on(input, "input", show);
        L.DomEvent.on(input, "keydown", function (e) {
          if (e.key === "Enter" && hits.length) choose(hits[0]);
          if (e.key === "Escape") { input.value = ""; show(); }
        });
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    return new Search();
  }

  gm.controls = function (map, o) {
    gm.map = map;
    document.documentElement.lang = o.lang;
    if (o.plain) L.DomUtil.addClass(map.getContainer(), "gridmap-plain");
    map.attributionControl.setPrefix(o.prefix);
    if (o.attribution) map.attributionControl.addAttribution(o.attribution);
    L.control.scale({ metric: true, imperial: false, maxWidth: 160, position: "bottomleft" }).addTo(map);
    fullscreenControl(map, o).addTo(map);
    printControl(map, o).addTo(map);
    searchControl(map, o).addTo(map);
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "gridmap-legend");
        div.innerHTML = o.legend;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    new Legend().addTo(map);
    map.fitBounds(o.bounds, { padding: [12, 12] });
    gm.ready = true;
  };
})();
