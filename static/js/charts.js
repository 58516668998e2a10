// Draws the page's charts: activeportal/lib/charts.py writes each figure as JSON beside an
// empty area. plotly.js (the URL in this script's data-plotly) is fetched only once the page
// has painted its first frame: compiling 4 MB of script would otherwise hold up the page's
// text and tables, which carry the same figures. Charts htmx brings in later are drawn too.
(function () {
  var PLOTLY = document.currentScript.dataset.plotly;
  var CONFIG = { displayModeBar: false, displaylogo: false, responsive: true };
  var loading = null;

  function withPlotly(then) {
    if (window.Plotly) return then();
    if (!loading) {
      loading = [];
      var script = document.createElement("script");
      script.src = PLOTLY;
      script.onload = function () {
        loading.forEach(function (waiting) { waiting(); });
      };
      document.head.appendChild(script);
    }
    loading.push(then);
  }

  // A click on a bar opens the page in the bar's custom data (the same link as its table row).
  function followLinks(area) {
    area.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && typeof point.customdata === "string") window.location.href = point.customdata;
    });
  }

  function draw(area) {
    var data = document.getElementById(area.dataset.figure);
    if (!data || area.dataset.drawn) return;
    area.dataset.drawn = "true";
    var figure = JSON.parse(data.textContent);
    window.Plotly.newPlot(area, figure.data, figure.layout, CONFIG).then(followLinks);
  }

  // Each area keeps its chart's height before it is drawn, so the page does not move then; set
  // from its data-height here, as the Content-Security-Policy refuses a style attribute.
  function reserve(root) {
    root.querySelectorAll(".portal-chart-area[data-height]").forEach(function (area) {
      area.style.minHeight = area.dataset.height + "px";
    });
  }

  function drawIn(root) {
    var areas = root.querySelectorAll(".portal-chart-area[data-figure]:not([data-drawn])");
    if (!areas.length) return;
    withPlotly(function () { areas.forEach(draw); });
  }

  reserve(document);
  // The first frame is painted between this animation frame and the timeout after it.
  requestAnimationFrame(function () {
    setTimeout(function () { drawIn(document); }, 0);
  });
  document.addEventListener("htmx:load", function (event) {
    reserve(event.detail.elt);
    drawIn(event.detail.elt);
  });
})();
