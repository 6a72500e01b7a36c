#include "assets.hpp"

namespace ruralnet::maps::assets {

// Data never reaches innerHTML: every name and value is set as textContent or
// handed to Leaflet as an element, so a village named "<script>" is text.
const char* const kReportJs = R"JS(
(function () {
  'use strict';
  var t0 = performance.now();
  var D = JSON.parse(document.getElementById('ruralnet-data').textContent);
  var W = D.words || {};
  function word(k) { return Object.prototype.hasOwnProperty.call(W, k) ? W[k] : k; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  var SVGNS = 'http://www.w3.org/2000/svg';
  function svgEl(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function pick(spec, p) {
    if (!spec) return null;
    var v = p[spec.field];
    if (spec.values) {
      var key = v === null || v === undefined ? '' : String(v);
      return Object.prototype.hasOwnProperty.call(spec.values, key) ? spec.values[key] : spec.other;
    }
    if (spec.breaks) {
      if (typeof v !== 'number') return '#999999';
      var i = 0;
      while (i < spec.breaks.length && v >= spec.breaks[i]) i++;
      return spec.colors[Math.min(i, spec.colors.length - 1)];
    }
    return null;
  }
  function styleFor(L0, p) {
    var s = {};
    for (var k in L0.style) s[k] = L0.style[k];
    var c = pick(L0.color_by, p);
    if (c) {
      if (L0.geom === 'line') s.color = c;
      else { s.fillColor = c; if (L0.geom === 'polygon') s.color = c; }
    }
    var w = pick(L0.weight_by, p);
    if (w !== null && w !== undefined) s.weight = w;
    var r = pick(L0.radius_by, p);
    if (r !== null && r !== undefined) s.radius = r;
    s.renderer = renderer;
    return s;
  }

  var renderer = L.canvas({ padding: 0.3, tolerance: 4 });
  var map = L.map('map', { preferCanvas: true, zoomSnap: 0.25, attributionControl: false, renderer: renderer });
  L.control.scale({ metric: true, imperial: false, maxWidth: 160 }).addTo(map);

  function popupFor(L0, f) {
    var p = f.properties || {};
    var box = el('div', 'rn-popup');
    var head = (L0.title_field && p[L0.title_field] !== undefined && p[L0.title_field] !== null) ? p[L0.title_field] : L0.title;
    box.appendChild(el('div', 'rn-popup-title', head));
    box.appendChild(el('div', 'rn-popup-layer', L0.title));
    var t = el('table');
    Object.keys(p).forEach(function (k) {
      var v = p[k];
      if (v === null || v === undefined || v === '') return;
      var tr = el('tr');
      tr.appendChild(el('th', null, word(k)));
      var text = typeof v === 'number' ? (Math.round(v * 1000) / 1000).toString()
               : typeof v === 'boolean' ? (v ? '✓' : '✗') : String(v);
      if (typeof v === 'string' && word(v) !== v) text = word(v) + ' (' + v + ')';
      tr.appendChild(el('td', null, text));
      t.appendChild(tr);
    });
    box.appendChild(t);
    return box;
  }

  // A click shows the feature clicked and every other point drawn within a
  // few pixels of it (a village's reach and its weekly visits, a site on its
  // village), so nothing under the pointer is hidden by what is drawn above.
  function showPopup(latlng, L0, feature, clicked) {
    var box = el('div', 'rn-popup-stack');
    box.appendChild(popupFor(L0, feature));
    var at = map.latLngToContainerPoint(latlng);
    var shown = 1;
    for (var k = layers.length - 1; k >= 0 && shown < 6; k--) {
      var entry = layers[k];
      if (!entry.on || entry.spec.geom !== 'point') continue;
      entry.group.eachLayer(function (lyr) {
        if (lyr === clicked || shown >= 6) return;
        if (map.latLngToContainerPoint(lyr.getLatLng()).distanceTo(at) <= 8) {
          box.appendChild(popupFor(entry.spec, lyr.rnFeature));
          shown++;
        }
      });
    }
    L.popup({ maxWidth: 380, maxHeight: 420 }).setLatLng(latlng).setContent(box).openOn(map);
  }

  // Geometries arrive as delta-coded integers of 1e-5 degree (html.cpp).
  function expand(a) {
    if (a.length && typeof a[0] === 'number') {
      var out = [], x = 0, y = 0;
      for (var k = 0; k + 1 < a.length; k += 2) { x += a[k]; y += a[k + 1]; out.push([x / 1e5, y / 1e5]); }
      return out;
    }
    return a.map(expand);
  }
  var layers = [];
  var counts = {};
  D.layers.forEach(function (L0) {
    var items = [];
    var feats = L0.features.features;
    for (var i = 0; i < feats.length; i++) {
      var f = feats[i];
      if (!f.geometry) continue;
      if (f.geometry.d) { f.geometry.coordinates = expand(f.geometry.d); delete f.geometry.d; }
      var layer = L.GeoJSON.geometryToLayer(f, {
        pointToLayer: function (ft, ll) { return L.circleMarker(ll, styleFor(L0, ft.properties || {})); },
        style: function (ft) { return styleFor(L0, ft.properties || {}); }
      });
      if (L0.geom !== 'point' && layer.setStyle) layer.setStyle(styleFor(L0, f.properties || {}));
      layer.rnFeature = f;
      (function (feature, lyr) {
        lyr.on('click', function (e) { showPopup(e.latlng, L0, feature, lyr); });
      })(f, layer);
      if (L0.label_field && f.properties && f.properties[L0.label_field]) {
        layer.bindTooltip(el('span', null, f.properties[L0.label_field]),
                          { permanent: true, direction: 'center', className: 'rn-label rn-label-' + L0.id, interactive: false });
      }
      items.push({ layer: layer, county: L0.county[i] || '', index: i });
    }
    var group = L.featureGroup();
    var entry = { spec: L0, items: items, group: group, on: !!L0.on, filter: '' };
    layers.push(entry);
    counts[L0.id] = items.length;
  });

  function refill(entry) {
    entry.group.clearLayers();
    entry.items.forEach(function (it) {
      if (entry.filter === '' || it.county === '' || it.county === entry.filter) entry.group.addLayer(it.layer);
    });
  }
  layers.forEach(function (entry) { refill(entry); if (entry.on) entry.group.addTo(map); });

  // One canvas draws every layer and the last drawn takes the click, so a
  // layer switched back on goes back to its place in the order (points above
  // lines above areas), not to the top.
  function restack() {
    layers.forEach(function (entry) { if (map.hasLayer(entry.group)) map.removeLayer(entry.group); });
    layers.forEach(function (entry) { if (entry.on) entry.group.addTo(map); });
  }

  function updateLabels() {
    var z = map.getZoom();
    layers.forEach(function (entry) {
      if (!entry.spec.label_field) return;
      var show = entry.on && z >= entry.spec.label_min_zoom;
      entry.items.forEach(function (it) {
        if (!it.layer.getTooltip()) return;
        if (show && entry.group.hasLayer(it.layer)) it.layer.openTooltip(); else it.layer.closeTooltip();
      });
    });
  }

  // The layer switcher and the legend, built from elements.
  var Panel = L.Control.extend({
    options: { position: 'topright' },
    onAdd: function () {
      var box = el('div', 'rn-control');
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el('div', 'rn-control-title', word('layers') + ' / ' + word('legend')));
      layers.forEach(function (entry) {
        var row = el('label', 'rn-layer');
        var cb = el('input');
        cb.type = 'checkbox';
        cb.checked = entry.on;
        cb.setAttribute('data-layer', entry.spec.id);
        cb.addEventListener('change', function () {
          entry.on = cb.checked;
          if (entry.on) restack(); else map.removeLayer(entry.group);
          updateLabels();
        });
        row.appendChild(cb);
        row.appendChild(el('span', null, ' ' + entry.spec.title + ' (' + entry.items.length + ')'));
        box.appendChild(row);
        var lg = el('div', 'rn-legend');
        entry.spec.legend.forEach(function (e) {
          if (entry.spec.legend.length === 1 && e.label === entry.spec.title && entry.spec.geom === 'polygon') return;
          var item = el('div', 'rn-legend-item');
          var sw = svgEl('svg', { width: 22, height: 12 });
          if (e.shape === 'line') sw.appendChild(svgEl('line', { x1: 1, y1: 6, x2: 21, y2: 6, stroke: e.color, 'stroke-width': e.size || 2 }));
          else if (e.shape === 'point') sw.appendChild(svgEl('circle', { cx: 11, cy: 6, r: Math.min(e.size || 4, 5.5), fill: e.color, stroke: '#333', 'stroke-width': 0.7 }));
          else sw.appendChild(svgEl('rect', { x: 3, y: 1, width: 16, height: 10, fill: e.color, 'fill-opacity': 0.5, stroke: e.color }));
          item.appendChild(sw);
          item.appendChild(el('span', null, e.label));
          lg.appendChild(item);
        });
        box.appendChild(lg);
      });
      return box;
    }
  });
  new Panel().addTo(map);

  var North = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: function () {
      var box = el('div', 'rn-north');
      var s = svgEl('svg', { width: 28, height: 40, viewBox: '0 0 28 40' });
      s.appendChild(svgEl('path', { d: 'M14 2 L24 30 L14 24 L4 30 Z', fill: '#222' }));
      var t = svgEl('text', { x: 14, y: 39, 'text-anchor': 'middle', 'font-size': 11 });
      t.textContent = word('north');
      s.appendChild(t);
      box.appendChild(s);
      return box;
    }
  });
  new North().addTo(map);

  var home = D.bounds && D.bounds.length === 4 ? L.latLngBounds([D.bounds[1], D.bounds[0]], [D.bounds[3], D.bounds[2]]) : null;
  if (home) map.fitBounds(home, { padding: [10, 10] }); else map.setView([31.5, 116.5], 9);
  map.on('zoomend', updateLabels);
  updateLabels();

  function countyBounds(code) {
    var b = null;
    layers.forEach(function (entry) {
      if (entry.spec.id !== 'counties') return;
      entry.items.forEach(function (it) {
        if (it.county === code) b = b ? b.extend(it.layer.getBounds()) : L.latLngBounds(it.layer.getBounds().getSouthWest(), it.layer.getBounds().getNorthEast());
      });
    });
    return b;
  }

  function filter(code) {
    code = code || '';
    layers.forEach(function (entry) { entry.filter = code; refill(entry); });
    document.querySelectorAll('[data-county]').forEach(function (node) {
      var c = node.getAttribute('data-county');
      var hide = code !== '' && c !== '' && c !== code;
      if (node.tagName === 'TR') node.style.display = hide ? 'none' : '';
      else node.style.opacity = hide ? 0.25 : 1;
    });
    map.closePopup();
    var b = code ? countyBounds(code) : home;
    if (b) map.fitBounds(b, { padding: [10, 10], animate: false });
    updateLabels();
    var sel = document.getElementById('rn-county');
    if (sel && sel.value !== code) sel.value = code;
  }
  var sel = document.getElementById('rn-county');
  var optAll = el('option', null, word('all_counties'));
  optAll.value = '';
  sel.appendChild(optAll);
  D.counties.forEach(function (c) {
    var o = el('option', null, c[1] + ' ' + c[0]);
    o.value = c[0];
    sel.appendChild(o);
  });
  sel.addEventListener('change', function () { filter(sel.value); });

  function visible() {
    var v = {};
    layers.forEach(function (entry) { v[entry.spec.id] = entry.on ? entry.group.getLayers().length : 0; });
    return v;
  }
  // Features each layer holds under the county filter, drawn or switched off.
  function filtered() {
    var v = {};
    layers.forEach(function (entry) { v[entry.spec.id] = entry.group.getLayers().length; });
    return v;
  }
  function pointOf(id, index) {
    var entry = layers.filter(function (e) { return e.spec.id === id; })[0];
    if (!entry) return null;
    var it = entry.items.filter(function (x) { return x.index === index; })[0];
    if (!it) return null;
    var ll = it.layer.getLatLng ? it.layer.getLatLng() : it.layer.getBounds().getCenter();
    var pt = map.latLngToContainerPoint(ll);
    var r = map.getContainer().getBoundingClientRect();
    return { x: r.left + pt.x, y: r.top + pt.y };
  }
  function findFeature(id, field, value) {
    var entry = layers.filter(function (e) { return e.spec.id === id; })[0];
    if (!entry) return -1;
    var feats = entry.spec.features.features;
    for (var i = 0; i < feats.length; i++) if (feats[i].properties && feats[i].properties[field] === value) return i;
    return -1;
  }
  function zoomTo(id, index, zoom) {
    var p = pointOf(id, index);
    if (!p) return;
    var entry = layers.filter(function (e) { return e.spec.id === id; })[0];
    var it = entry.items.filter(function (x) { return x.index === index; })[0];
    map.setView(it.layer.getLatLng ? it.layer.getLatLng() : it.layer.getBounds().getCenter(), zoom, { animate: false });
  }
  function popupText() {
    var p = document.querySelector('.leaflet-popup-content');
    return p ? p.textContent : null;
  }

  window.ruralnetReport = {
    counts: counts,
    layerIds: layers.map(function (e) { return e.spec.id; }),
    visible: visible,
    filtered: filtered,
    filter: filter,
    pointOf: pointOf,
    findFeature: findFeature,
    zoomTo: zoomTo,
    popupText: popupText,
    drawMs: performance.now() - t0,
    ready: true
  };
  document.body.setAttribute('data-ready', '1');
})();
)JS";

const char* const kReportCss = R"CSS(
html, body { margin: 0; height: 100%; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; color: #222; }
header { height: 46px; display: flex; align-items: center; gap: 18px; padding: 0 14px; background: #22313f; color: #fff; }
header h1 { font-size: 17px; margin: 0; font-weight: 600; }
header .meta { font-size: 12px; opacity: 0.8; }
header select { font-size: 14px; padding: 2px 4px; }
main { display: flex; height: calc(100% - 46px); }
#map { flex: 1 1 auto; height: 100%; background: #eef3f6; }
aside { width: 470px; overflow-y: auto; padding: 8px 14px; box-sizing: border-box; border-left: 1px solid #ccc; font-size: 12px; }
aside h2 { font-size: 15px; margin: 14px 0 4px; border-bottom: 2px solid #22313f; }
aside h3 { font-size: 12px; margin: 8px 0 2px; font-weight: 600; color: #444; }
aside .source { color: #777; font-size: 11px; word-break: break-all; }
table.rn { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
table.rn th, table.rn td { border-bottom: 1px solid #ddd; padding: 2px 4px; }
table.rn th { background: #f0f0f0; font-weight: 600; text-align: left; }
table.rn td.r { text-align: right; font-variant-numeric: tabular-nums; }
table.rn td:first-child { white-space: nowrap; }
table.rn th { font-size: 11px; }
.rn-control { background: rgba(255,255,255,0.93); padding: 6px 8px; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font-size: 12px; max-height: 70vh; overflow-y: auto; max-width: 250px; }
.rn-control-title { font-weight: 600; margin-bottom: 4px; }
.rn-layer { display: block; margin-top: 4px; cursor: pointer; }
.rn-legend { margin-left: 20px; }
.rn-legend-item { display: flex; align-items: center; gap: 4px; line-height: 14px; }
.rn-north { background: rgba(255,255,255,0.8); border-radius: 3px; padding: 2px; }
.leaflet-tooltip.rn-label { background: transparent; border: none; box-shadow: none; font-weight: 600; color: #222; text-shadow: 0 0 3px #fff, 0 0 3px #fff; padding: 0; }
.leaflet-tooltip.rn-label-townships { font-weight: 400; font-size: 10px; color: #555; }
.rn-popup-title { font-weight: 700; font-size: 14px; }
.rn-popup + .rn-popup { border-top: 1px solid #ccc; margin-top: 6px; padding-top: 4px; }
.rn-popup-layer { color: #777; font-size: 11px; margin-bottom: 4px; }
.rn-popup table th { text-align: left; padding-right: 8px; font-weight: 500; color: #555; }
.static a { margin-right: 10px; }
)CSS";

}  // namespace ruralnet::maps::assets
