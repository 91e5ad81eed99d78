/* Board mode (?present=1): a presentation clicker's keys move between the board's pages, and
   links inside the dashboard keep the filters and present=1.
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
})();
