// Progressive enhancement of the referral form: show only the chosen pathway's questions.
// Without JavaScript every pathway's questions stay visible under their own headings.
(function () {
  "use strict";
  var radios = document.querySelectorAll("input[name=pathway]");
  var sections = document.querySelectorAll("fieldset[data-pathway]");

  function update() {
    var chosen = document.querySelector("input[name=pathway]:checked");
    sections.forEach(function (section) {
      section.hidden = !chosen || section.getAttribute("data-pathway") !== chosen.value;
    });
  }

  radios.forEach(function (radio) {
    radio.addEventListener("change", update);
  });
  update();
})();
