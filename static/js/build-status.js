// The rebuild's progress bar takes its width from its data-percent: the Content-Security-Policy
// refuses a style attribute, not a style set from a script. htmx brings a new bar every second.
(function () {
  "use strict";

  function widen(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = bar.dataset.percent + "%";
    });
  }

  widen(document);
  document.addEventListener("htmx:load", function (event) {
    widen(event.detail.elt);
  });
})();
