/* The roll call, enhanced. The form works without this file (radio buttons and a minutes field per
   student). Here each row gets one big button: a tap cycles present -> absent -> late -> present;
   late shows quick minute choices (5, 10, 15, other). Keyboard: Enter/Space cycle, A absent,
   R late, P present, arrows move to the previous/next student. The radio buttons and the minutes
   field stay the source of truth, so the POST is the same with or without JavaScript. */
(function () {
  "use strict";
  var ORDER = ["present", "absent", "late"];

  function init(form) {
    if (form.hasAttribute("data-enhanced")) return;
    form.setAttribute("data-enhanced", "");
    form.classList.add("roll-js");
    var labels = {
      present: form.dataset.labelPresent, absent: form.dataset.labelAbsent, late: form.dataset.labelLate,
      minutes: form.dataset.labelMinutes, other: form.dataset.labelOther, needed: form.dataset.labelLateNeeded,
      quick: form.dataset.labelQuick
    };
    var help = form.querySelector(".roll-help-js");
    if (help) help.hidden = false;
    var live = form.querySelector("#roll-live");
    var rows = Array.prototype.slice.call(form.querySelectorAll(".roll-row"));
    var toggles = [];

    function radios(row) { return row.querySelectorAll("input[type=radio]"); }
    function stateOf(row) {
      var checked = row.querySelector("input[type=radio]:checked");
      return checked ? checked.value : "present";
    }
    function minutesInput(row) { return row.querySelector("input[type=number]"); }

    function counts() {
      var result = { present: 0, absent: 0, late: 0 };
      rows.forEach(function (row) { result[stateOf(row)] += 1; });
      Object.keys(result).forEach(function (key) {
        var el = form.querySelector("[data-count=" + key + "]");
        if (el) el.textContent = String(result[key]);
      });
    }

    function syncQuick(row) {
      var input = minutesInput(row);
      var value = input ? input.value : "";
      row.querySelectorAll(".roll-quick[data-minutes]").forEach(function (button) {
        var pressed = button.dataset.minutes === value;
        if (button.dataset.minutes === "other") pressed = value !== "" && ["5", "10", "15"].indexOf(value) === -1;
        button.setAttribute("aria-pressed", pressed ? "true" : "false");
      });
    }

    function paint(row) {
      var state = stateOf(row);
      row.dataset.state = state;
      var toggle = row.querySelector(".roll-toggle");
      toggle.querySelector(".roll-toggle-state").textContent = labels[state];
      var input = minutesInput(row);
      if (input) {
        input.required = state === "late";
        input.setCustomValidity("");
      }
      syncQuick(row);
    }

    function setState(row, state, announce) {
      radios(row).forEach(function (radio) { radio.checked = radio.value === state; });
      paint(row);
      counts();
      if (announce && live) live.textContent = row.dataset.name + " : " + labels[state];
    }

    rows.forEach(function (row, index) {
      var field = row.querySelector(".roll-field");
      var disabled = field.disabled;
      var toggle = document.createElement("button");
      toggle.type = "button";
      toggle.className = "roll-toggle";
      toggle.disabled = disabled;
      var name = document.createElement("span");
      name.className = "roll-toggle-name";
      name.textContent = row.dataset.name;
      var state = document.createElement("span");
      state.className = "roll-toggle-state";
      toggle.appendChild(name);
      toggle.appendChild(document.createTextNode(" "));
      toggle.appendChild(state);
      field.insertBefore(toggle, field.querySelector(".roll-info") || field.querySelector(".roll-choices"));
      toggles.push(toggle);

      var choices = row.querySelector(".roll-choices");
      var input = minutesInput(row);
      var quickLabel = document.createElement("span");
      quickLabel.className = "roll-quick-label";
      quickLabel.textContent = labels.quick;
      choices.insertBefore(quickLabel, choices.firstChild);
      ["5", "10", "15", "other"].forEach(function (value) {
        var quick = document.createElement("button");
        quick.type = "button";
        quick.className = "roll-quick";
        quick.dataset.minutes = value;
        quick.disabled = disabled;
        quick.textContent = value === "other" ? labels.other : value + " " + labels.minutes;
        quick.setAttribute("aria-pressed", "false");
        quick.addEventListener("click", function () {
          if (value === "other") {
            if (input) { input.focus(); input.select(); }
          } else if (input) {
            input.value = value;
            input.setCustomValidity("");
          }
          syncQuick(row);
        });
        choices.insertBefore(quick, row.querySelector(".roll-minutes"));
      });
      if (input) {
        input.addEventListener("input", function () { input.setCustomValidity(""); syncQuick(row); });
      }

      toggle.addEventListener("click", function () {
        var next = ORDER[(ORDER.indexOf(stateOf(row)) + 1) % ORDER.length];
        setState(row, next, true);
      });
      toggle.addEventListener("keydown", function (event) {
        var key = event.key;
        if (event.altKey || event.ctrlKey || event.metaKey) return;
        var direct = { a: "absent", A: "absent", r: "late", R: "late", p: "present", P: "present" }[key];
        if (direct) {
          event.preventDefault();
          setState(row, direct, true);
          return;
        }
        if (key === "ArrowDown" || key === "ArrowUp") {
          var target = toggles[index + (key === "ArrowDown" ? 1 : -1)];
          if (target) { event.preventDefault(); target.focus(); }
        }
      });
      paint(row);
    });
    counts();

    form.addEventListener("submit", function (event) {
      var missing = null;
      rows.forEach(function (row) {
        var input = minutesInput(row);
        if (stateOf(row) !== "late" || !input) return;
        var value = parseInt(input.value, 10);
        if (!(value >= 1 && value <= 240)) {
          input.setCustomValidity(labels.needed);
          if (!missing) missing = input;
        }
      });
      if (missing) {
        event.preventDefault();
        missing.reportValidity();
        missing.focus();
      }
    });
  }

  function start() {
    document.querySelectorAll("form.roll").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
