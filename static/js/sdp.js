/* Behaviour every page shares, kept out of the markup so the Content-Security-Policy allows no inline script:
   a <select data-autosubmit> (the language menu, list filters) sends its form when changed. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
