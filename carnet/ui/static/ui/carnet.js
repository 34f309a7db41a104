/* Carnet: small progressive enhancements. Every page works without this file.
   - data-confirm="Question ?" on a form, a submit button or a link asks before going on;
   - messages get a close button; success messages fade out after a while (not while hovered/focused);
   - <details class="menu"> closes on Escape and on a click outside;
   - data-autosubmit on a select submits its form on change (the form's .js-hide button is hidden). */
(function () {
  "use strict";
  var doc = document;

  function closest(el, selector) {
    return el && el.closest ? el.closest(selector) : null;
  }

  doc.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  doc.addEventListener("click", function (event) {
    var link = closest(event.target, "a[data-confirm]");
    if (link && !window.confirm(link.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
    doc.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });

  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    doc.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary) summary.focus();
    });
  });

  doc.addEventListener("change", function (event) {
    var select = event.target;
    if (select.hasAttribute && select.hasAttribute("data-autosubmit") && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
    }
  });

  function dismiss(alert) {
    alert.classList.add("fade-out");
    window.setTimeout(function () { alert.remove(); }, 450);
  }

  function enhance(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (select) {
      var form = select.form;
      if (form) form.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    });
    root.querySelectorAll(".messages .alert:not([data-enhanced])").forEach(function (alert) {
      alert.setAttribute("data-enhanced", "");
      var close = doc.createElement("button");
      close.type = "button";
      close.className = "btn btn-ghost btn-sm alert-close";
      close.setAttribute("aria-label", closest(alert, ".messages").getAttribute("data-close-label") || "\u00d7");
      close.textContent = "\u00d7";
      close.addEventListener("click", function () { dismiss(alert); });
      alert.appendChild(close);
      if (alert.classList.contains("alert-success")) {
        var held = false;
        ["mouseenter", "focusin"].forEach(function (name) { alert.addEventListener(name, function () { held = true; }); });
        ["mouseleave", "focusout"].forEach(function (name) { alert.addEventListener(name, function () { held = false; }); });
        var timer = window.setInterval(function () {
          if (!held) { window.clearInterval(timer); dismiss(alert); }
        }, 8000);
      }
    });
  }

  // The phone tab bar's "Plus" sheet closes with Escape (focus back on its button) or a tap elsewhere.
  doc.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = doc.querySelector(".nav-more-menu[open]");
    if (open) { open.removeAttribute("open"); open.querySelector("summary").focus(); }
  });
  doc.addEventListener("click", function (event) {
    var open = doc.querySelector(".nav-more-menu[open]");
    if (open && !open.contains(event.target)) open.removeAttribute("open");
  });

  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", function () { enhance(doc); });
  } else {
    enhance(doc);
  }
  doc.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
