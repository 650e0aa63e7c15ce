/* The catalogue's filters: by model, by language and by words (title, summary, roles), in the
   reader's browser, without loading any programme's pages. The cards carry data-model and
   data-language; without JavaScript the filters stay hidden and every card is shown. */
(function () {
  "use strict";
  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function setUp(filter) {
    var catalogue = filter.nextElementSibling;
    while (catalogue && !catalogue.classList.contains("hb-catalogue")) catalogue = catalogue.nextElementSibling;
    if (!catalogue) return;
    var cards = Array.prototype.slice.call(catalogue.querySelectorAll(".hb-card"));
    var texts = cards.map(function (card) { return fold(card.textContent); });
    var controls = filter.querySelectorAll("[data-hb-by]");
    var count = filter.querySelector(".hb-filter-count");
    function apply() {
      var wanted = {};
      for (var i = 0; i < controls.length; i++) wanted[controls[i].getAttribute("data-hb-by")] = controls[i].value;
      var words = fold(wanted.words || "").split(/\s+/).filter(Boolean);
      var shown = 0;
      cards.forEach(function (card, i) {
        var match = (!wanted.model || card.getAttribute("data-model") === wanted.model) &&
          (!wanted.language || card.getAttribute("data-language") === wanted.language) &&
          words.every(function (word) { return texts[i].indexOf(word) !== -1; });
        card.hidden = !match;
        if (match) shown += 1;
      });
      var template = shown ? count.getAttribute("data-hb-count") : count.getAttribute("data-hb-none");
      count.textContent = template.replace("{shown}", shown).replace("{total}", cards.length);
    }
    for (var i = 0; i < controls.length; i++) {
      controls[i].addEventListener(controls[i].tagName === "INPUT" ? "input" : "change", apply);
    }
    filter.hidden = false;
    apply();
  }
  function start() {
    var filters = document.querySelectorAll("[data-hb-filter]");
    for (var i = 0; i < filters.length; i++) setUp(filters[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
