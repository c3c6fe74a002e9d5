/* 援藏援疆 progress: the tile map of China (one square per province; ECharts, no map data file).
   The tooltip is drawn on the canvas (renderMode richText): the Content-Security-Policy allows no inline style. */
(function () {
  var data = JSON.parse(document.getElementById("progress-map-data").textContent);
  var el = document.getElementById("progress-map");
  var chart = echarts.init(el);
  // a tile grid: one square per province at its rough place (no map data file), coloured by state
  var series = data.legend.map(function (entry) {
    return {
      name: entry.label, type: "scatter", symbol: "roundRect", symbolSize: 40,
      itemStyle: {color: entry.color},
      label: {show: true, formatter: function (p) { return p.data.short; }, fontSize: 12,
              color: entry.color === "#ffc107" || entry.color === "#ced4da" ? "#212529" : "#fff"},
      data: data.tiles.filter(function (t) { return t.label === entry.label; }).map(function (t) {
        return {value: [t.x, t.y], short: t.short, name: t.name, lists: t.lists, state: t.label};
      })
    };
  });
  chart.setOption({
    animation: false,
    legend: {bottom: 0, data: data.legend.map(function (e) { return e.label; })},
    tooltip: {renderMode: "richText", formatter: function (p) { return p.data.name + "：" + p.data.state + "\n" + p.data.lists; }},
    grid: {left: 8, right: 8, top: 8, bottom: 56},
    xAxis: {type: "value", min: -0.5, max: 8.5, show: false},
    yAxis: {type: "value", min: -0.5, max: 7.5, inverse: true, show: false},
    series: series
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
