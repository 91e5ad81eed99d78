/* Board mode (?present=1): a presentation clicker's keys move between the board's pages, links
   inside the dashboard keep the filters and present=1, and the labels at the charts' line ends
   are nudged apart so that none is written over another or out of its chart.
   ArrowRight / PageDown: next page; ArrowLeft / PageUp: previous page (no wrap at the ends). */
(function () {
  "use strict";
  // The board's pages in order: the header's links marked data-board (layouts/shell.py).
  function order() {
    var links = document.querySelectorAll(".site-header__links a[data-board]");
    return Array.prototype.map.call(links, function (a) { return a.getAttribute("href"); });
  }
  var ALIASES = { "/overview": "/" };
  var NEXT = { ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1 };

  function inBoardMode() {
    return new URLSearchParams(window.location.search).get("present") === "1";
  }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "select" || tag === "textarea" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    var step = NEXT[event.key];
    if (!step || !inBoardMode() || typing(event.target) || event.altKey || event.ctrlKey || event.metaKey) return;
    var path = window.location.pathname.replace(/\/+$/, "") || "/";
    var pages = order();
    var here = pages.indexOf(ALIASES[path] || path);
    var there = here < 0 ? 0 : here + step;
    if (there < 0 || there >= pages.length) return;
    event.preventDefault();
    window.location.assign(pages[there] + window.location.search);
  });

  // Links to another dashboard page carry the query string (filters and present=1).
  document.addEventListener("click", function (event) {
    if (!inBoardMode()) return;
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) return;
    var url = new URL(link.getAttribute("href"), window.location.href);
    if (url.origin !== window.location.origin || url.pathname.indexOf("/api/") === 0 ||
        url.pathname.indexOf("/_") === 0 || url.search) return;
    if (url.pathname === window.location.pathname && url.hash) return;  // a jump within the page
    link.setAttribute("href", url.pathname + window.location.search + url.hash);
  }, true);

  // Line-end labels (annotations named "direct-label", charts/figures.py direct_labels) sit at
  // their line's last value; two lines ending close together would write one label over the
  // other. Once a chart is drawn (and whenever it is drawn again: a resize, new figures), the
  // labels are measured where they stand and moved apart by at least their height, kept inside
  // the chart; a chart whose labels are settled is marked data-labels-settled.
  var LABEL = "direct-label";
  var GAP = 2;  // px between two labels

  function nudge(gd) {
    var layout = gd.layout || {};
    var notes = layout.annotations || [];
    var box = gd.getBoundingClientRect();
    var labels = [];
    notes.forEach(function (note, i) {
      if (note.name !== LABEL) return;
      var el = gd.querySelector('.annotation[data-index="' + i + '"]');
      if (!el) return;
      var r = el.getBoundingClientRect();
      if (!r.height) return;
      var shift = note.yshift || 0;  // plotly's yshift is upwards, the screen's y downwards
      labels.push({i: i, natural: (r.top + r.bottom) / 2 + shift, height: r.height, shift: shift});
    });
    if (labels.length < 2) { gd.setAttribute("data-labels-settled", "1"); return; }
    labels.sort(function (a, b) { return a.natural - b.natural; });
    var step = Math.max.apply(null, labels.map(function (l) { return l.height; })) + GAP;
    var top = box.top + step / 2, bottom = box.bottom - step / 2;
    var at = labels.map(function (l) { return Math.min(Math.max(l.natural, top), bottom); });
    for (var k = 1; k < at.length; k++) at[k] = Math.max(at[k], at[k - 1] + step);
    if (at[at.length - 1] > bottom) {  // pushed out at the foot: pack them upwards instead
      at[at.length - 1] = bottom;
      for (k = at.length - 2; k >= 0; k--) at[k] = Math.min(at[k], at[k + 1] - step);
    }
    var update = {};
    labels.forEach(function (l, n) {
      var shift = Math.round(l.natural - at[n]);
      if (Math.abs(shift - l.shift) >= 1) update["annotations[" + l.i + "].yshift"] = shift;
    });
    if (Object.keys(update).length && window.Plotly) {
      gd.removeAttribute("data-labels-settled");
      window.Plotly.relayout(gd, update);  // draws again, and comes back here to check
    } else {
      gd.setAttribute("data-labels-settled", "1");
    }
  }

  // The charts' type is set for a 1280-pixel-wide screen (18 px, charts/figures.py); a wider
  // screen shows the same board at its scale, so a 1920x1080 projector's type is as large to
  // the room as a 1280x720 one's. A figure as drawn from its data (type still 18 px) is scaled
  // once; its labels are then nudged apart at the new size.
  var BOARD_FONT = 18, BASE_WIDTH = 1280;

  function typeScale() {
    return Math.min(Math.max(window.innerWidth / BASE_WIDTH, 1), 2);
  }

  function scaled(gd) {
    var layout = gd.layout || {}, s = typeScale();
    var font = (layout.font || {}).size;
    if (s < 1.05 || font !== BOARD_FONT || !window.Plotly) return false;
    var size = Math.round(BOARD_FONT * s);
    var margin = layout.margin || {};
    var update = {"font.size": size, "uniformtext.minsize": size,
                  "margin.r": Math.round((margin.r || 20) * s),
                  "margin.t": Math.round((margin.t || 12) * s)};
    ["xaxis", "yaxis"].forEach(function (axis) {
      var a = layout[axis] || {};
      update[axis + ".tickfont.size"] = size;
      if (a.title && a.title.text) update[axis + ".title.font.size"] = size;
    });
    if (layout.legend) update["legend.font.size"] = size;
    (layout.annotations || []).forEach(function (note, i) {
      update["annotations[" + i + "].font.size"] = size;
      if (note.xshift) update["annotations[" + i + "].xshift"] = Math.round(note.xshift * s);
      if (note.yshift && note.name !== LABEL) update["annotations[" + i + "].yshift"] = Math.round(note.yshift * s);
    });
    // Text on the traces themselves: bars' values, and a line's own label (a funnel's
    // England line) when its mode writes text.
    var bars = (gd.data || []).map(function (t, i) {
      var written = t.type === "bar" || String(t.mode || "").indexOf("text") >= 0;
      return written && t.text ? i : -1;
    }).filter(function (i) { return i >= 0; });
    gd.removeAttribute("data-labels-settled");
    if (bars.length) window.Plotly.update(gd, {"textfont.size": size}, update, bars);
    else window.Plotly.relayout(gd, update);
    return true;  // drawn again, and back in afterplot to nudge the labels
  }

  function settle(gd) {
    if (!scaled(gd)) nudge(gd);
  }

  function watchCharts() {
    if (!inBoardMode()) return;
    var charts = document.querySelectorAll(".board-mode .js-plotly-plot");
    Array.prototype.forEach.call(charts, function (gd) {
      if (gd.__boardLabels || typeof gd.on !== "function") return;
      gd.__boardLabels = true;
      gd.on("plotly_afterplot", function () { settle(gd); });
      settle(gd);
    });
  }
  window.setInterval(watchCharts, 250);
})();
