/* Report pages: the print button and the occupancy chart (Chart.js, served from static/vendor). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var canvas = document.getElementById("grafik-hunian");
  var source = document.getElementById("data-tren");
  if (!canvas || !source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (data.labels.length < 2) {  // the page says why instead (one day is a dot, not a trend)
    canvas.parentNode.classList.add("empty-chart");
    return;
  }
  var css = getComputedStyle(document.documentElement);
  var colour = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "id");
  var chart = new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.series.occupants, data: data.occupants, borderColor: colour("--red", "#b42318"),
          backgroundColor: "rgba(180,35,24,.08)", fill: false, pointRadius: 0, borderWidth: 2, tension: 0.15 },
        { label: data.series.capacity, data: data.capacity, borderColor: colour("--green", "#1a7f37"),
          borderDash: [6, 4], pointRadius: 0, borderWidth: 2, fill: false },
        { label: data.series.detainees, data: data.detainees, borderColor: colour("--gold", "#c9a227"),
          pointRadius: 0, borderWidth: 1.5, fill: false, hidden: false },
        { label: data.series.sentenced, data: data.sentenced, borderColor: colour("--navy-2", "#16437e"),
          pointRadius: 0, borderWidth: 1.5, fill: false, hidden: false }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 12, autoSkip: true } },
        y: { beginAtZero: true, ticks: { callback: function (v) { return numbers.format(v); } } }
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + numbers.format(ctx.parsed.y); } } }
      }
    }
  });
  // Printing resizes the page; redraw the canvas at the paper's width.
  window.addEventListener("beforeprint", function () { chart.resize(); });
  window.addEventListener("afterprint", function () { chart.resize(); });
})();
