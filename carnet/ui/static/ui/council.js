/* Carnet: class council pages. No framework, no network beyond our own API.
   - Fast lists ([data-fastlist]: appraisals, conduct marks): each field saves when the person leaves
     it (PUT to data-endpoint, JSON, CSRF header), Ctrl+Enter (Enter in a mark field) saves and moves to
     the next student; saving / saved / error states are shown on the row and announced; a conflict
     shows both texts and lets the person choose. Phrase chips insert text in the last field used.
   - Council page ([data-council-grid]): J / K anywhere (ArrowDown / ArrowUp in the grid) move to the
     next / previous student; htmx swaps the student panel and the URL follows (?student=). */
(function () {
  "use strict";
  var doc = document;

  function csrfToken() {
    try {
      return JSON.parse(doc.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function announce(regionId, text) {
    var region = doc.getElementById(regionId);
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 30);
  }

  function formatWhen(iso) {
    if (!iso) return "";
    try {
      return new Date(iso).toLocaleString(doc.documentElement.lang || "fr", { dateStyle: "short", timeStyle: "short" });
    } catch (e) {
      return iso;
    }
  }

  // --- fast lists -------------------------------------------------------------------------------
  function setupFastList(list) {
    var kind = list.getAttribute("data-fastlist");
    var msg = function (name) { return list.getAttribute("data-msg-" + name) || ""; };
    var fields = Array.prototype.slice.call(list.querySelectorAll(".fastlist-row textarea, .fastlist-row input"));
    var lastField = null;
    // What the server sent, not what is in the field now: text typed before this script ran (a slow
    // phone) is unsaved and must still be saved when the person leaves the field.
    fields.forEach(function (field) { field.setAttribute("data-saved", field.defaultValue); });

    function rowOf(field) { return field.closest(".fastlist-row"); }

    function setStatus(row, state, text) {
      var status = row.querySelector(".fastlist-status");
      row.setAttribute("data-state", state);
      if (!status) return;
      status.textContent = "";
      var span = doc.createElement("span");
      span.className = "fastlist-state fastlist-state-" + state;
      span.textContent = text;
      status.appendChild(span);
    }

    function next(field) {
      var index = fields.indexOf(field);
      return index >= 0 && index + 1 < fields.length ? fields[index + 1] : null;
    }

    function payload(field) {
      var row = rowOf(field);
      var version = field.getAttribute("data-version");
      var body = {
        period: list.getAttribute("data-period"),
        student: row.getAttribute("data-student"),
        expected_version: version ? parseInt(version, 10) : null
      };
      if (kind === "conduct") {
        body.value = field.value;
      } else {
        body.kind = list.getAttribute("data-kind");
        body.subject = list.getAttribute("data-subject") || null;
        body.text = field.value;
      }
      return body;
    }

    function showConflict(field, details) {
      var row = rowOf(field);
      var box = row.querySelector(".fastlist-conflict");
      if (!box) return;
      var theirs = kind === "conduct" ? (details.current_value || "") : (details.current_text || "");
      box.textContent = "";
      var who = doc.createElement("p");
      who.textContent = msg("by") + " " + (details.updated_by || "—") + (details.updated_at ? ", " + formatWhen(details.updated_at) : "") + " :";
      var quote = doc.createElement("blockquote");
      quote.className = "council-quote";
      quote.textContent = theirs || "—";
      var actions = doc.createElement("div");
      actions.className = "cluster";
      var keep = doc.createElement("button");
      keep.type = "button";
      keep.className = "btn btn-primary btn-sm";
      keep.textContent = msg("keep");
      keep.addEventListener("click", function () {
        field.setAttribute("data-version", details.version == null ? "" : String(details.version));
        box.hidden = true;
        save(field);
        field.focus();
      });
      var take = doc.createElement("button");
      take.type = "button";
      take.className = "btn btn-secondary btn-sm";
      take.textContent = msg("take");
      take.addEventListener("click", function () {
        field.value = theirs;
        field.setAttribute("data-saved", theirs);
        field.setAttribute("data-version", details.version == null ? "" : String(details.version));
        box.hidden = true;
        setStatus(row, "saved", msg("saved"));
        field.focus();
      });
      actions.appendChild(keep);
      actions.appendChild(take);
      box.appendChild(who);
      box.appendChild(quote);
      box.appendChild(actions);
      box.hidden = false;
    }

    function save(field) {
      if (field.readOnly) return;
      var row = rowOf(field);
      var name = row.getAttribute("data-name") || "";
      if (field.getAttribute("data-busy")) {
        field.setAttribute("data-again", "1");
        return;
      }
      var sent = field.value;
      field.setAttribute("data-busy", "1");
      setStatus(row, "saving", msg("saving"));
      fetch(list.getAttribute("data-endpoint"), {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(payload(field))
      }).then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        var data = result.data || {};
        if (result.ok) {
          field.setAttribute("data-version", data.version == null ? "" : String(data.version));
          if (kind === "conduct" && field.value === sent) field.value = data.text || "";
          field.setAttribute("data-saved", field.value === sent ? field.value : sent);
          setStatus(row, "saved", msg("saved"));
          announce("fastlist-live", name + " : " + msg("saved"));
        } else if (data.code && /_conflict$/.test(data.code)) {
          setStatus(row, "conflict", msg("conflict"));
          showConflict(field, data.details || {});
          announce("fastlist-live", name + " : " + msg("conflict"));
        } else {
          setStatus(row, "error", msg("error") + " : " + (data.message || ""));
          announce("fastlist-live", name + " : " + msg("error") + " — " + (data.message || ""));
        }
      }).catch(function () {
        setStatus(row, "error", msg("network"));
        announce("fastlist-live", name + " : " + msg("network"));
      }).then(function () {
        field.removeAttribute("data-busy");
        if (field.getAttribute("data-again")) {
          field.removeAttribute("data-again");
          if (field.value !== field.getAttribute("data-saved")) save(field);
        }
      });
    }

    function saveIfChanged(field) {
      if (field.value !== field.getAttribute("data-saved")) save(field);
    }

    list.addEventListener("focusin", function (event) {
      if (fields.indexOf(event.target) >= 0) lastField = event.target;
    });
    list.addEventListener("focusout", function (event) {
      if (fields.indexOf(event.target) >= 0) saveIfChanged(event.target);
    });
    list.addEventListener("keydown", function (event) {
      var field = event.target;
      if (fields.indexOf(field) < 0 || event.key !== "Enter") return;
      var isText = field.tagName === "TEXTAREA";
      if (isText && !(event.ctrlKey || event.metaKey)) return;
      event.preventDefault();
      saveIfChanged(field);
      var following = next(field);
      if (following) following.focus();
    });

    var scope = list.closest(".card") || doc;
    scope.querySelectorAll(".phrase-chip").forEach(function (chip) {
      chip.addEventListener("mousedown", function (event) { event.preventDefault(); });
      chip.addEventListener("click", function () {
        var field = lastField || fields[0];
        if (!field || field.readOnly) return;
        var phrase = chip.getAttribute("data-phrase") || "";
        var value = field.value;
        var start = typeof field.selectionStart === "number" ? field.selectionStart : value.length;
        var end = typeof field.selectionEnd === "number" ? field.selectionEnd : value.length;
        var before = value.slice(0, start);
        var after = value.slice(end);
        var glue = before && !/\s$/.test(before) ? " " : "";
        field.value = before + glue + phrase + after;
        var caret = (before + glue + phrase).length;
        field.focus();
        try { field.setSelectionRange(caret, caret); } catch (e) { /* not a text field */ }
      });
    });
  }

  // --- council page -----------------------------------------------------------------------------
  function setupCouncil(grid) {
    var rows = function () { return Array.prototype.slice.call(grid.querySelectorAll("tbody tr[data-student]")); };
    var refocus = null;

    function currentIndex() {
      // The panel on screen says who is current: the rows' highlight follows only after htmx settles,
      // and a key pressed in between must not move from the previous student.
      var list = rows();
      var panel = doc.getElementById("council-panel");
      var student = panel && panel.getAttribute("data-student");
      var i;
      if (student) for (i = 0; i < list.length; i++) if (list[i].getAttribute("data-student") === student) return i;
      for (i = 0; i < list.length; i++) if (list[i].classList.contains("is-selected")) return i;
      return -1;
    }

    function move(delta) {
      var list = rows();
      if (!list.length) return;
      var index = currentIndex();
      var target = list[Math.min(list.length - 1, Math.max(0, index + delta))];
      if (!target || target === list[index]) return;
      var link = target.querySelector("[data-council-student]");
      if (!link) return;
      link.focus();
      link.click();
    }

    doc.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) {
        if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.id === "council-text") {
          event.preventDefault();
          var form = event.target.form;
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        }
        return;
      }
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
      var inGrid = grid.contains(event.target) || grid.parentElement.contains(event.target);
      var key = event.key;
      if (key === "j" || key === "J" || (inGrid && key === "ArrowDown")) {
        event.preventDefault();
        move(1);
      } else if (key === "k" || key === "K" || (inGrid && key === "ArrowUp")) {
        event.preventDefault();
        move(-1);
      }
    });

    doc.addEventListener("htmx:beforeRequest", function (event) {
      var panel = doc.getElementById("council-panel");
      var active = doc.activeElement;
      refocus = null;
      if (panel && active && panel.contains(active)) {
        if (active.hasAttribute("data-council-next")) refocus = "[data-council-next], [data-council-previous]";
        else if (active.hasAttribute("data-council-previous")) refocus = "[data-council-previous], [data-council-next]";
        else if (active.closest("form")) refocus = "[data-council-form] button[type=submit]";
        else refocus = "#panel-title";
      }
      void event;
    });

    doc.addEventListener("htmx:afterSettle", function () {
      var panel = doc.getElementById("council-panel");
      if (!panel) return;
      var student = panel.getAttribute("data-student");
      rows().forEach(function (row) {
        var selected = row.getAttribute("data-student") === student;
        row.classList.toggle("is-selected", selected);
        var link = row.querySelector("[data-council-student]");
        if (link) {
          if (selected) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
        }
      });
      var cell = grid.querySelector('[data-mention-of="' + student + '"]');
      if (cell) {
        var mention = panel.getAttribute("data-mention") || "";
        cell.textContent = "";
        if (mention) {
          var badge = doc.createElement("span");
          badge.className = "badge badge-info badge-wrap";
          badge.textContent = mention;
          cell.appendChild(badge);
        }
      }
      if (refocus) {
        // The same button if it is still there, else the other one (at either end of the class).
        var candidates = refocus.split(", ");
        var target = null;
        for (var i = 0; i < candidates.length && !target; i++) target = panel.querySelector(candidates[i]);
        target = target || panel.querySelector("#panel-title");
        if (target) target.focus();
        refocus = null;
      }
      announce("council-live", panel.getAttribute("data-status") || panel.getAttribute("data-announce"));
      var selectedRow = grid.querySelector("tr.is-selected");
      if (selectedRow && selectedRow.scrollIntoView) selectedRow.scrollIntoView({ block: "nearest" });
    });
  }

  function init() {
    doc.querySelectorAll("[data-fastlist]").forEach(setupFastList);
    var grid = doc.querySelector("[data-council-grid]");
    if (grid) setupCouncil(grid);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
