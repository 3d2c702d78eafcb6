// The OWES report form (/raporty/nowy, /raporty/{id}/edycja): type-ahead for the inputs that name a
// gmina, a powiat or a register organisation (the WAI-ARIA combobox pattern: an editable input with
// a list popup, arrow keys, Enter, Escape), and the unit beside each number in the form its number
// takes ("1 podmiot, 2 podmioty, 5 podmiotów").
// The form works without this script: the server resolves typed names, and gminas and powiats of
// the region are offered by a plain <datalist>.
(function () {
  "use strict";
  var form = document.querySelector("form.report-form");
  if (!form) { return; }
  var status = document.getElementById("lookup-status");

  // --- units in the right plural form ---------------------------------------------------------
  function formIndex(text) {
    var compact = text.replace(/[\s\u00a0]/g, "").replace(",", ".");
    if (!/^[-+]?\d+(\.\d+)?$/.test(compact)) { return 2; }
    var number = Number(compact);
    if (number !== Math.floor(number)) { return 3; }  // a fraction: "3,5 godziny", "0,5 etatu"
    var n = Math.abs(number);
    if (n === 1) { return 0; }
    if (n % 10 >= 2 && n % 10 <= 4 && !(n % 100 >= 12 && n % 100 <= 14)) { return 1; }
    return 2;
  }
  function showUnit(input) {
    var unit = document.getElementById(input.getAttribute("data-unit"));
    if (!unit) { return; }
    var forms = [unit.getAttribute("data-one"), unit.getAttribute("data-few"), unit.getAttribute("data-many"),
      unit.getAttribute("data-fraction")];
    unit.textContent = forms[formIndex(input.value.trim())];
  }
  form.addEventListener("input", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-unit")) { showUnit(event.target); }
  });

  // --- type-ahead -----------------------------------------------------------------------------
  var list = document.createElement("ul");
  list.id = "lookup-list";
  list.className = "lookup-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  document.body.appendChild(list);
  var owner = null;    // the input whose suggestions are shown
  var items = [];
  var active = -1;
  var timer = null;
  var asked = 0;

  function place() {
    if (!owner) { return; }
    var box = owner.getBoundingClientRect();
    var below = window.innerHeight - box.bottom - 6;
    var above = box.top - 6;
    var room = below >= 160 || below >= above ? below : above;
    list.style.maxHeight = Math.max(96, Math.min(room, 256)) + "px";
    list.style.minWidth = Math.min(box.width, window.innerWidth - 8) + "px";
    list.style.left = Math.max(4, Math.min(box.left, window.innerWidth - list.offsetWidth - 4)) + "px";
    list.style.top = (room === below ? box.bottom + 2 : Math.max(4, box.top - list.offsetHeight - 2)) + "px";
  }
  function close() {
    list.hidden = true;
    list.textContent = "";
    items = [];
    active = -1;
    if (owner) {
      owner.setAttribute("aria-expanded", "false");
      owner.removeAttribute("aria-activedescendant");
    }
  }
  function mark(index) {
    var options = list.children;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    active = index;
    if (index >= 0 && options[index]) {
      owner.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      owner.removeAttribute("aria-activedescendant");
    }
  }
  function choose(index) {
    if (!owner || !items[index]) { return; }
    owner.value = items[index].value;
    close();
    owner.dispatchEvent(new Event("change", { bubbles: true }));
  }
  function show(input, rows) {
    owner = input;
    items = rows;
    list.textContent = "";
    rows.forEach(function (row, i) {
      var option = document.createElement("li");
      option.id = "lookup-opt-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = row.label;
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { choose(i); });
      list.appendChild(option);
    });
    list.setAttribute("aria-label", input.getAttribute("aria-label") || (input.labels && input.labels[0] ? input.labels[0].textContent : ""));
    list.hidden = rows.length === 0;
    input.setAttribute("aria-expanded", rows.length ? "true" : "false");
    active = -1;
    place();
    if (status) {
      status.textContent = rows.length
        ? status.getAttribute("data-found").replace("%s", rows.length)
        : status.getAttribute("data-none");
    }
  }
  function ask(input) {
    var text = input.value.trim();
    var kind = input.getAttribute("data-lookup");
    if (text.length < 2 || /\((id \d+|\d{4}|\d{7})\)$/.test(text)) { close(); return; }
    var url = kind === "organisation"
      ? "/api/v1/report-lookups/organisations?q=" + encodeURIComponent(text)
      : "/api/v1/report-lookups/territories?level=" + kind + "&q=" + encodeURIComponent(text);
    var mine = ++asked;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (rows) { if (mine === asked && document.activeElement === input) { show(input, rows); } })
      .catch(function () { /* suggestions are a convenience: the server resolves typed names */ });
  }

  var inputs = form.querySelectorAll("input[data-lookup]");
  for (var i = 0; i < inputs.length; i++) {
    var input = inputs[i];
    input.removeAttribute("list");  // the script's list replaces the plain one
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", "lookup-list");
  }
  form.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-lookup")) { return; }
    clearTimeout(timer);
    timer = setTimeout(function () { ask(input); }, 150);
  });
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-lookup")) { return; }
    var open = !list.hidden && owner === input;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { ask(input); return; }
      mark(Math.min(active + 1, items.length - 1));
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      mark(Math.max(active - 1, 0));
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();  // Enter picks the suggestion; it does not send the form
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  form.addEventListener("focusout", function (event) {
    if (event.target === owner) { setTimeout(close, 100); }
  });
  window.addEventListener("resize", place);
  window.addEventListener("scroll", place, true);
})();
