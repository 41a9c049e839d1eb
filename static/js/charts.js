/* Riskboard's one chart script: draws every Plotly figure on the page from its json_script data,
   on load and again after each htmx swap. Figures are built in projects/charts/. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    /* Space is kept here rather than in the HTML, so that without JavaScript no empty box shows
       above the chart's text version. */
    element.style.minHeight = (figure.layout.height || 300) + "px";
    element.classList.add("chart-drawn");
    Plotly.react(element, figure.data, figure.layout, CONFIG);
    if (!element.hasAttribute("data-links-bound")) {
      /* A point whose customdata carries a same-site link (history charts: the revision or
         check-in behind an estimate) opens it when clicked. */
      element.setAttribute("data-links-bound", "");
      element.on("plotly_click", function (event) {
        var point = event && event.points && event.points[0];
        var link = point && point.customdata && point.customdata.link;
        if (typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/") {
          window.location.assign(link);
        }
      });
    }
  }

  function drawAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var charts = scope.querySelectorAll("[data-figure]");
    if (scope.matches && scope.matches("[data-figure]")) {
      draw(scope);
    }
    for (var i = 0; i < charts.length; i++) {
      draw(charts[i]);
    }
  }

  /* Printed charts keep their screen size, one to a row (static/css/print.css), which fits
     A4 and Letter for any chart up to PRINT_MAX_WIDTH pixels. Only charts drawn wider than that
     (narrow screens show one wide chart to a row) are redrawn narrower for paper. */
  var PRINT_MAX_WIDTH = 640;
  var narrowed = [];

  function fitForPrint() {
    if (typeof Plotly === "undefined") {
      return;
    }
    var charts = document.querySelectorAll(".chart-drawn");
    for (var i = 0; i < charts.length; i++) {
      if (charts[i]._fullLayout && charts[i]._fullLayout.width > PRINT_MAX_WIDTH) {
        narrowed.push(charts[i]);
        Plotly.relayout(charts[i], { width: PRINT_MAX_WIDTH });
      }
    }
  }

  function restoreAfterPrint() {
    while (narrowed.length) {
      Plotly.relayout(narrowed.pop(), { width: null, autosize: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  } else {
    drawAll(document);
  }
  /* htmx:load fires for every piece of content htmx swaps in (and once for the page). */
  document.addEventListener("htmx:load", function (event) {
    drawAll(event.detail.elt || event.target);
  });
  var print = window.matchMedia ? window.matchMedia("print") : null;
  if (print && print.addEventListener) {
    print.addEventListener("change", function (event) {
      if (event.matches) { fitForPrint(); } else { restoreAfterPrint(); }
    });
  }
  window.addEventListener("beforeprint", fitForPrint);
  window.addEventListener("afterprint", restoreAfterPrint);
})();
