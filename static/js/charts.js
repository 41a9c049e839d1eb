/* Riskboard's one chart script: draws every Plotly figure on the page from its json_script data,
   on load and again after each htmx swap. Figures are built in projects/charts.py. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-figure"));
    if (!source || typeof Plotly === "undefined") {
      return;
    }
    var figure = JSON.parse(source.textContent);
    element.classList.add("chart-drawn");
    Plotly.react(element, figure.data, figure.layout, CONFIG);
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

  /* Plotly sizes a chart to its box; the print layout is narrower than the screen. */
  function resizeAll() {
    if (typeof Plotly === "undefined") {
      return;
    }
    var charts = document.querySelectorAll(".chart-drawn");
    for (var i = 0; i < charts.length; i++) {
      Plotly.Plots.resize(charts[i]);
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
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
