/* Timetable: after htmx loads another week or day, keep the keyboard focus on the same control and
   tell screen readers which week is shown. The page works without this file. */
(function () {
  "use strict";
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "timetable") {
      var active = document.activeElement;
      focusedId = active && active.id ? active.id : null;
    }
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var root = document.getElementById("timetable");
    if (!root || (event.detail.target && event.detail.target.id !== "timetable")) return;
    var status = document.getElementById("timetable-status");
    var heading = document.getElementById("timetable-heading");
    if (status && heading) status.textContent = heading.textContent.replace(/\s+/g, " ").trim();
    var target = focusedId ? document.getElementById(focusedId) : null;
    if (target) target.focus(); else if (heading) heading.focus();
    focusedId = null;
  });
})();
