/* Report pages: the print button and the occupancy chart (Chart.js, served from static/vendor). */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  var css = getComputedStyle(document.documentElement);
  var colour = function (name, fallback) { return (css.getPropertyValue(name) || fallback).trim(); };
  var numbers = new Intl.NumberFormat(document.documentElement.lang || "id");

  // A line chart of one page's daily series: the data come from a json_script next to the canvas.
  function lineChart(canvasId, dataId, datasets) {
    var canvas = document.getElementById(canvasId);
    var source = document.getElementById(dataId);
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (data.labels.length < 2) {  // the page says why instead (one day is a dot, not a trend)
      canvas.parentNode.classList.add("empty-chart");
      return;
    }
    draw(canvas, data.labels, datasets(data));
  }

  lineChart("grafik-hunian", "data-tren", function (data) {
    return [
      { label: data.series.occupants, data: data.occupants, borderColor: colour("--red", "#b42318"),
        backgroundColor: "rgba(180,35,24,.08)", fill: false, pointRadius: 0, borderWidth: 2, tension: 0.15 },
      { label: data.series.capacity, data: data.capacity, borderColor: colour("--green", "#1a7f37"),
        borderDash: [6, 4], pointRadius: 0, borderWidth: 2, fill: false },
      { label: data.series.detainees, data: data.detainees, borderColor: colour("--gold", "#c9a227"),
        pointRadius: 0, borderWidth: 1.5, fill: false, hidden: false },
      { label: data.series.sentenced, data: data.sentenced, borderColor: colour("--navy-2", "#16437e"),
        pointRadius: 0, borderWidth: 1.5, fill: false, hidden: false }
    ];
  });
  lineChart("grafik-lewat-batas", "data-lewat-batas", function (data) {
    return [
      { label: data.series.detainees, data: data.detainees, borderColor: colour("--red", "#b42318"),
        pointRadius: 2, borderWidth: 2, fill: false },
      { label: data.series.sentenced, data: data.sentenced, borderColor: colour("--navy-2", "#16437e"),
        pointRadius: 2, borderWidth: 2, fill: false }
    ];
  });

  function draw(canvas, labels, datasets) {
    var chart = new window.Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { ticks: { maxTicksLimit: 12, autoSkip: true } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return numbers.format(v); } } }
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
  }
})();
