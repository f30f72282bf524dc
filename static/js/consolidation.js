/* Live progress of a consolidation run: polls GET /api/v1/consolidations/<id>/ while the run is queued or
   running, updates the bar, the step and the percentage, and reloads the page for the summary when it ends. */
(function () {
  "use strict";
  var ACTIVE = ["queued", "running"];
  var INTERVAL_MS = 1500;

  function watch(box) {
    var url = box.getAttribute("data-run-status");
    var bar = box.querySelector(".progress > span");
    var meter = box.querySelector(".progress");

    function show(name, value) {
      box.querySelectorAll('[data-run-field="' + name + '"]').forEach(function (el) { el.textContent = value; });
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (run) {
          if (run) {
            bar.style.width = run.progress + "%";
            meter.setAttribute("aria-valuenow", run.progress);
            show("state_display", run.state_display);
            show("step_display", run.step_display || box.querySelector('[data-run-field="step_display"]').textContent);
            show("progress", run.progress);
            if (!run.active) { window.location.reload(); return; }
          }
          window.setTimeout(poll, INTERVAL_MS);
        })
        .catch(function () { window.setTimeout(poll, INTERVAL_MS * 2); });
    }
    window.setTimeout(poll, INTERVAL_MS);
  }

  // The bar's width is set here from aria-valuenow, not in a style="" attribute: the CSP allows no inline style.
  document.querySelectorAll(".progress[aria-valuenow] > span").forEach(function (bar) {
    bar.style.width = bar.parentNode.getAttribute("aria-valuenow") + "%";
  });

  document.querySelectorAll("[data-run-status]").forEach(function (box) {
    if (ACTIVE.indexOf(box.getAttribute("data-run-state")) !== -1) { watch(box); }
  });
})();
