// The statistics pages (qlvb/templates/statistics/): each <canvas data-chart="id"> is
// drawn with Chart.js (vendored) from the JSON the page put in <script id="id"
// type="application/json"> (json_script: no inline code under the Content Security Policy).
// A bar opens the list behind it, like the figure in the table. The period picker shows the day
// or the range fields for the kind of period chosen.
(function () {
  "use strict";
  // Bootstrap's colours, as the figure cards (statistics_tags.OUTCOME_COLOURS).
  const COLOURS = {
    total: "#0d6efd", done_on_time: "#198754", done_late: "#ffc107", pending: "#0dcaf0", overdue: "#dc3545",
  };

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") return;
    const spec = JSON.parse(source.textContent);
    const datasets = spec.datasets.map((d) => ({
      label: d.label, data: d.data, links: d.links,
      backgroundColor: COLOURS[d.outcome] || "#6c757d", borderWidth: 0,
    }));
    const axis = { stacked: spec.stacked, ticks: { precision: 0 } };
    const labelAxis = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal } };
    new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: spec.horizontal ? { x: axis, y: labelAxis } : { x: labelAxis, y: axis },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
        onClick: (event, elements) => {
          if (!elements.length) return;
          const link = datasets[elements[0].datasetIndex].links[elements[0].index];
          if (link) window.location.href = "/statistics/items/?" + link;
        },
        onHover: (event, elements) => {
          event.native.target.style.cursor = elements.length ? "pointer" : "default";
        },
      },
    });
  }

  function periodParts() {
    const kind = document.querySelector("#period-form select[name=period]");
    if (!kind) return;
    const show = () => {
      const range = kind.value === "range";
      document.querySelectorAll("[data-period-part]").forEach((part) => {
        const wanted = part.dataset.periodPart === (range ? "range" : "day");
        part.hidden = !wanted;
        part.querySelectorAll("input").forEach((input) => { input.disabled = !wanted; });
      });
    };
    kind.addEventListener("change", show);
    show();
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
    periodParts();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
