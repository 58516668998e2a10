// A click on a bar opens the page in the bar's custom data (the same link as its table row).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".portal-chart .plotly-graph-div").forEach(function (chart) {
    if (!chart.on) return;
    chart.on("plotly_click", function (event) {
      var point = event.points && event.points[0];
      if (point && typeof point.customdata === "string") window.location.href = point.customdata;
    });
  });
});
