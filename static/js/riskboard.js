/* Riskboard's small page behaviours, kept out of the HTML so the Content-Security-Policy can
   forbid inline code (riskboard/security.py). Every page works without them. */
(function () {
  "use strict";

  /* A read-only field holding a link or token selects its text when focused, ready to copy. */
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });
  /* A select that submits its form when changed (the form also has a button without JS). */
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-submit-on-change]")) {
      event.target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
})();
