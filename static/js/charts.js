// Draws the results page's charts with ECharts (shipped under static/vendor, no CDN) from the JSON that the
// page embeds with json_script: no inline script, so the content security policy can forbid them.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  const trendBox = document.querySelector("[data-chart=trend]");
  if (trendBox) {
    const names = trendBox.dataset.labels.split("|");
    const fields = ["response_rate", "resolution_rate", "satisfaction_rate"];
    const chart = echarts.init(trendBox);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: names },
      // containLabel: on a phone the default margins cut the y axis's "100%" in half.
      grid: { left: 8, right: 16, containLabel: true },
      // The month not over yet is named as such and left out of the lines (its rates would read as a plunge).
      xAxis: {
        type: "category",
        data: data.trend.map((row) => (row.unfinished ? `${row.period}${trendBox.dataset.unfinished || ""}` : row.period)),
      },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: fields.map((field, index) => ({
        name: names[index],
        type: "line",
        connectNulls: true,
        data: data.trend.map((row) => (row[field] === undefined || row.unfinished ? null : row[field])),
      })),
    });
    charts.push(chart);
  }

  const unitsBox = document.querySelector("[data-chart=units]");
  if (unitsBox && data.units.length) {
    const byTotal = data.units[0].indicator_total !== null;
    const rows = data.units.slice().reverse();
    // Every bar gets its label: the box grows with the rows instead of ECharts skipping every other name.
    unitsBox.style.height = `${Math.max(200, rows.length * 28 + 60)}px`;
    const chart = echarts.init(unitsBox);
    chart.setOption({
      animation: false,
      tooltip: {},
      // Sized to the unit names rather than a fixed 160px margin; no legend above, so no top margin for one.
      grid: { left: 8, right: 24, top: 16, bottom: 30, containLabel: true },
      // projects are counted: no 0.2 ticks; the axis says what the bars measure
      xAxis: { type: "value", minInterval: byTotal ? 0 : 1, name: unitsBox.dataset.label, nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "category", data: rows.map((row) => row.unit), axisLabel: { interval: 0 } },
      series: [{
        name: unitsBox.dataset.label,
        type: "bar",
        label: { show: true, position: "right" },
        data: rows.map((row) => (byTotal ? row.indicator_total : row.projects_completed)),
      }],
    });
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
});
