// Dashboards of the regional committee: the map and the trend read their numbers from the data
// table beside them (the table is the accessible equivalent and the single source of the figures).
(function () {
  "use strict";
  // Viridis: readable with the common kinds of colour-blindness; grey is "no data".
  var NO_DATA_COLOUR = "#d4d4d4";
  var CONFIG = { displaylogo: false, displayModeBar: false, responsive: true, scrollZoom: false };

  function tableRows(id) {
    var table = document.getElementById(id);
    return table ? Array.prototype.slice.call(table.querySelectorAll("tbody tr")) : [];
  }

  function valueText(row) {
    var cell = row.querySelector("td");
    return cell ? cell.textContent.trim() : "";
  }

  function rowText(row) {
    var cells = row.querySelectorAll("td");
    var text = valueText(row);
    if (row.dataset.per10k && cells.length > 1) { text += " (" + cells[1].textContent.trim() + " na 10 tys.)"; }
    return text;
  }

  function drawMap(el) {
    var rows = tableRows(el.dataset.table);
    var status = document.getElementById("map-status");
    var measured = el.dataset.measure === "na10tys" ? "per10k" : "value";
    if (!rows.some(function (r) { return r.dataset[measured] !== ""; })) {
      // Nothing to colour: a map of grey shapes says less than this line, and plotly would ask a
      // CDN for its world map when the only trace is the "no data" one.
      status.textContent = "Brak danych dla wszystkich jednostek — mapa nie jest rysowana; szczegóły w tabeli.";
      return;
    }
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (geo) {
        var key = el.dataset.measure === "na10tys" ? "per10k" : "value";
        var known = rows.filter(function (r) { return r.dataset[key] !== ""; });
        var unknown = rows.filter(function (r) { return r.dataset[key] === ""; });
        var line = { color: "#ffffff", width: 0.6 };
        var traces = [{
          type: "choropleth", geojson: geo, featureidkey: "properties.code", name: "brak danych",
          locations: unknown.map(function (r) { return r.dataset.code; }),
          z: unknown.map(function () { return 0; }),
          text: unknown.map(function (r) { return r.dataset.name + ": brak danych"; }),
          hoverinfo: "text", showscale: false, marker: { line: line },
          colorscale: [[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]]
        }, {
          type: "choropleth", geojson: geo, featureidkey: "properties.code", name: "wartość",
          locations: known.map(function (r) { return r.dataset.code; }),
          z: known.map(function (r) { return parseFloat(r.dataset[key]); }),
          text: known.map(function (r) { return r.dataset.name + ": " + rowText(r); }),
          hoverinfo: "text", colorscale: "Viridis", marker: { line: line },
          colorbar: { thickness: 12, len: 0.8 }
        }, {
          type: "choropleth", geojson: geo, featureidkey: "properties.code", name: "wybrana",
          locations: [], z: [], hoverinfo: "skip", showscale: false,
          colorscale: [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
          marker: { line: { color: "#000000", width: 3 } }
        }];
        var layout = {
          geo: { fitbounds: "locations", visible: false, projection: { type: "mercator" } },
          margin: { l: 0, r: 0, t: 0, b: 0 }, height: 420, dragmode: false, showlegend: false
        };
        Plotly.newPlot(el, traces, layout, CONFIG).then(function () {
          el.on("plotly_click", function (event) {
            var code = event.points[0].location;
            var row = rows.filter(function (r) { return r.dataset.code === code; })[0];
            if (row) { window.location.href = row.dataset.href; }
          });
        });
        var index = -1;
        function select(i) {
          var row = rows[i];
          rows.forEach(function (r) { r.classList.remove("selected"); });
          row.classList.add("selected");
          status.textContent = row.dataset.name + ": " + rowText(row) + " (" + (i + 1) + " z " + rows.length + ")";
          Plotly.restyle(el, { locations: [[row.dataset.code]], z: [[0]] }, [2]);
        }
        el.addEventListener("keydown", function (event) {
          if (!rows.length) { return; }
          if (event.key === "ArrowRight" || event.key === "ArrowDown") {
            index = (index + 1) % rows.length;
          } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
            index = (index - 1 + rows.length) % rows.length;
          } else if (event.key === "Enter" && index >= 0) {
            window.location.href = rows[index].dataset.href;
            return;
          } else {
            return;
          }
          event.preventDefault();
          select(index);
        });
      });
  }

  function drawTrend(el) {
    var rows = tableRows(el.dataset.table);
    var trace = {
      type: "scatter", mode: "lines+markers", connectgaps: false,
      x: rows.map(function (r) { return r.dataset.period; }),
      y: rows.map(function (r) { return r.dataset.value === "" ? null : parseFloat(r.dataset.value); }),
      line: { color: "#0b5cad", width: 3 }, marker: { size: 8 }
    };
    var layout = {
      margin: { l: 50, r: 10, t: 10, b: 40 }, height: 300,
      xaxis: { type: "category" }, yaxis: { rangemode: "tozero", separatethousands: true }
    };
    Plotly.newPlot(el, [trace], layout, CONFIG);
  }

  function start() {
    if (typeof Plotly === "undefined") { return; }
    var map = document.getElementById("map");
    if (map) { drawMap(map); }
    var trend = document.getElementById("trend");
    if (trend) { drawTrend(trend); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
