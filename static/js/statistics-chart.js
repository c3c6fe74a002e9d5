/* 统计图 (ECharts): tooltip drawn on the canvas (renderMode richText), so no inline style is needed */
(function () {
  var data = JSON.parse(document.getElementById("stats-chart-data").textContent);
  var chart = echarts.init(document.getElementById("stats-chart"));
  data.series.forEach(function (s) { s.barMaxWidth = 48; });
  chart.setOption({
    title: {text: "处理结果（取缔、劝散、自行解散、引导登记）", left: "center", top: 0, textStyle: {fontSize: 14}},
    tooltip: {trigger: "axis", renderMode: "richText"}, legend: {left: "center", top: 32},
    grid: {top: 72, left: 48, right: 16, bottom: 80},
    xAxis: {type: "category", data: data.categories, axisLabel: {rotate: 45}},
    yAxis: {type: "value", minInterval: 1},
    series: data.series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
