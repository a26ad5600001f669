/* Charts of the campaign overview (活动总览).
 *
 * Reads the JSON island #overview-charts (Django's json_script) and draws one chart per
 * .ov-chart container, in page order: first the nominations per award, then the quota
 * fill per quota. ECharts comes from npm and is served from /static/vendor/ (never a CDN);
 * when it did not load, the containers are hidden and the note #ov-charts-missing is shown,
 * so the tables stand alone. Loaded with the page's CSP nonce; no inline code or styles.
 */
(function () {
  "use strict";

  var FONT = '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';
  var TONES = {
    draft: "#8c959f",
    returned: "#d4a72c",
    approved: "#1a7f37",
    ended: "#cf222e"
  };
  // Successive levels of the chain, lightest (workplace) to darkest (top level).
  var LEVELS = ["#b6e3ff", "#54aeff", "#0969da", "#0a3069", "#8250df"];
  // Used places, the rest up to the maximum, and the minimum as a marker; the table's
  // badges say which units are below the minimum or full.
  var QUOTA = {
    used: "#0969da",
    remaining: "#d0d7de",
    minimum: "#9a6700"
  };

  function heightFor(rows) {
    return Math.max(160, 70 + rows * 30) + "px";
  }

  function nominationsOption(chart) {
    return {
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: chart.units,
        axisLabel: { width: 220, overflow: "truncate" }
      },
      series: chart.series.map(function (s) {
        var color = s.tone === "level" ? LEVELS[Math.min(s.shade, LEVELS.length - 1)] : TONES[s.tone];
        return {
          name: s.name,
          type: "bar",
          stack: "nominations",
          barMaxWidth: 22,
          data: s.data,
          itemStyle: { color: color },
          emphasis: { focus: "series" }
        };
      })
    };
  }

  function quotasOption(chart, labels) {
    var remaining = chart.maximum.map(function (m, i) {
      return m === null ? 0 : Math.max(m - chart.used[i], 0);
    });
    var series = [
      { name: labels.used, type: "bar", stack: "quota", barMaxWidth: 22, data: chart.used,
        itemStyle: { color: QUOTA.used } },
      { name: labels.remaining, type: "bar", stack: "quota", barMaxWidth: 22, data: remaining,
        itemStyle: { color: QUOTA.remaining } }
    ];
    if (chart.minimum.some(function (m) { return m > 0; })) {
      series.push({
        name: labels.minimum,
        type: "scatter",
        symbol: "rect",
        symbolSize: [3, 26],
        itemStyle: { color: QUOTA.minimum },
        data: chart.minimum.map(function (m, i) { return [m, i]; }),
        tooltip: { show: false },
        z: 5
      });
    }
    return {
      textStyle: { fontFamily: FONT },
      title: { text: chart.title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, right: 0 },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category",
        inverse: true,
        data: chart.units,
        axisLabel: { width: 220, overflow: "truncate" }
      },
      series: series
    };
  }

  function start() {
    var island = document.getElementById("overview-charts");
    var containers = Array.prototype.slice.call(document.querySelectorAll(".ov-chart"));
    if (!island || containers.length === 0) return;
    if (typeof window.echarts === "undefined") {
      containers.forEach(function (el) { el.hidden = true; });
      var note = document.getElementById("ov-charts-missing");
      if (note) note.hidden = false;
      return;
    }
    var data = JSON.parse(island.textContent);
    var charts = [];
    var queues = { nominations: data.nominations.slice(), quotas: data.quotas.slice() };
    containers.forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      var chart = queues[kind] && queues[kind].shift();
      if (!chart) {
        el.hidden = true;
        return;
      }
      el.style.height = heightFor(chart.units.length);
      var instance = window.echarts.init(el, null, { renderer: "canvas" });
      instance.setOption(kind === "quotas" ? quotasOption(chart, data.labels) : nominationsOption(chart));
      charts.push(instance);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (instance) { instance.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
