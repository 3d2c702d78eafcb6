// The residents' search page: suggestions while typing a town, and "use my location".
// The page works without this script (the server resolves names and offers a choice).
(function () {
  "use strict";
  var input = document.getElementById("dir-q");
  var list = document.getElementById("dir-gminas");
  var timer = null;
  if (input && list) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || /\d{7}$/.test(text)) { return; }
      timer = setTimeout(function () {
        fetch("/uslugi/gminy?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (rows) {
            list.textContent = "";
            rows.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.label;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience only */ });
      }, 200);
    });
  }
  var button = document.getElementById("dir-locate");
  var status = document.getElementById("dir-locate-status");
  var form = document.getElementById("dir-form");
  if (button && navigator.geolocation && form) {
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(function (position) {
        document.getElementById("dir-lat").value = position.coords.latitude.toFixed(5);
        document.getElementById("dir-lon").value = position.coords.longitude.toFixed(5);
        input.value = "";
        form.submit();
      }, function () {
        status.textContent = button.getAttribute("data-denied");
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }
})();
