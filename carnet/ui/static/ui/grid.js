/* Carnet: the marks grid (grades/teacher/grid.html). No framework, no network beyond the page's own
   endpoints. Without this file the grid still shows every mark, read-only.

   - each cell is saved on change (leaving the cell), without a submit button: POST text + the version
     the page last saw; states saving / saved / error / conflict (icon, colour, text, aria-live);
   - obvious mistakes (above the scale, negative, not a mark) are refused here at once, and always
     again on the server; a refused cell keeps the typed text and saves nothing;
   - keyboard: Enter/ArrowDown down, Shift+Enter/ArrowUp up, Tab/Shift+Tab and ArrowLeft/Right (at the
     text edges) across, Escape puts back the saved value, Ctrl+Enter opens the comment dialog;
     typing replaces (the text is selected on focus);
   - pasting a column from a spreadsheet fills down from the cell and saves it as one column, all or
     nothing.

   The read-only grid (grades/staff/grid.html, data-readonly="true") has links instead of fields: the
   arrows move between the marks, Enter or a click opens the mark's comment and history in the
   dialog (without this file the link opens them as a page). */
(function () {
  "use strict";
  var doc = document;
  var table = doc.getElementById("grid");
  if (!table) return;
  if (table.getAttribute("data-readonly") === "true") { readOnlyGrid(doc, table); return; }
  var msgs = JSON.parse(doc.getElementById("grid-messages").textContent);
  var sprite = table.getAttribute("data-sprite");
  var csrf = table.getAttribute("data-csrf");
  var cellUrl = table.getAttribute("data-cell-url");
  var columnUrl = table.getAttribute("data-column-url");
  var dialogUrl = table.getAttribute("data-dialog-url");
  var gridLocked = table.getAttribute("data-locked") === "true";
  var live = doc.getElementById("grid-live");
  var problems = doc.getElementById("grid-problems");
  var bar = doc.getElementById("grid-bar");
  var barCurrent = doc.getElementById("grid-current");
  var commentButton = doc.getElementById("grid-comment");
  var dialog = doc.getElementById("cell-dialog");
  var dialogBody = doc.getElementById("cell-dialog-body");
  var CODES = ["abs", "absent", "disp", "dispense", "dispensé", "nr", "nn", "non rendu", "non noté", "non note"];

  var headers = Array.prototype.slice.call(table.tHead.rows[0].querySelectorAll("th.grid-col"));
  var columns = headers.map(function (th) {
    return { id: th.getAttribute("data-assessment"), scale: parseFloat(th.getAttribute("data-scale")), title: th.getAttribute("data-title") };
  });
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var cells = rows.map(function (tr, r) {
    return Array.prototype.slice.call(tr.querySelectorAll("input.cell")).map(function (input, c) {
      input.setAttribute("data-r", r);
      input.setAttribute("data-c", c);
      input.id = "cell-" + r + "-" + c;
      if (!gridLocked && tr.getAttribute("data-locked") !== "true") input.readOnly = false;
      return input;
    });
  });
  var current = null;
  var justFocused = null;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : String(values[key]); });
  }
  function scaleText(scale) { return String(scale).replace(/\.0+$/, "").replace(/(\.\d*?)0+$/, "$1").replace(".", ","); }
  function announce(text) {
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 60);
  }
  function icon(name) {
    var svg = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "icon");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var use = doc.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", sprite + "#i-" + name);
    svg.appendChild(use);
    return svg;
  }
  function pos(input) { return { r: +input.getAttribute("data-r"), c: +input.getAttribute("data-c") }; }
  function rowOf(input) { return rows[pos(input).r]; }
  function nameOf(input) { return rowOf(input).getAttribute("data-name"); }
  function editable(input) { return input && !input.readOnly; }

  /* --- validation in the browser (the server checks again) */
  function check(text, scale) {
    var raw = text.trim();
    if (!raw) return null;
    var folded = raw.toLowerCase().replace(/\s+/g, " ");
    if (CODES.indexOf(folded) >= 0) return null;
    var values = { text: raw, scale: scaleText(scale) };
    if (/^-\s*\d+(?:[.,]\d*)?$/.test(folded)) return fill(msgs.negative, values);
    if (!/^\d+(?:[.,]\d*)?$|^[.,]\d+$/.test(folded)) return fill(msgs.garbage, values);
    var decimals = (folded.split(/[.,]/)[1] || "").replace(/0+$/, "");
    if (decimals.length > 2) return fill(msgs.decimals, values);
    if (parseFloat(folded.replace(",", ".")) > scale) return fill(msgs.above, values);
    return null;
  }

  /* --- cell states */
  function noteOf(input, create) {
    var td = input.closest("td");
    var note = td.querySelector(".cell-note");
    if (!note && create) {
      note = doc.createElement("div");
      note.className = "cell-note";
      note.id = input.id + "-note";
      td.appendChild(note);
    }
    return note;
  }
  function setState(input, state, text) {
    var td = input.closest("td");
    td.classList.remove("is-saving", "is-saved", "is-error", "is-conflict");
    var badge = td.querySelector(".cell-state");
    badge.textContent = "";
    badge.removeAttribute("aria-hidden");
    if (state) {
      td.classList.add("is-" + state);
      var name = { saving: "refresh-cw", saved: "check", error: "alert-triangle", conflict: "alert-triangle" }[state];
      badge.appendChild(icon(name));
      var label = doc.createElement("span");
      label.className = "visually-hidden";
      label.textContent = { saving: msgs.saving, saved: msgs.saved, error: msgs.error, conflict: msgs.error }[state];
      badge.appendChild(label);
    }
    var note = noteOf(input, state === "error" || state === "conflict");
    if (state === "error" || state === "conflict") {
      note.textContent = "";
      var p = doc.createElement("p");
      p.textContent = text;
      note.appendChild(p);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
    } else {
      if (note) note.remove();
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
    if (input === current) showCurrent(input);
  }

  function updateRowAndColumn(input, data) {
    var tr = rowOf(input);
    if (data.average !== undefined) tr.querySelector("[data-average]").textContent = data.average || "\u2014";
    if (data.stats) updateStats(pos(input).c, data.stats);
  }
  function updateStats(c, stats) {
    var foot = table.tFoot;
    if (!foot) return;
    ["mean", "min", "max"].forEach(function (key) {
      var cellsOfKey = foot.querySelectorAll('[data-stat="' + key + '"]');
      if (cellsOfKey[c]) cellsOfKey[c].textContent = stats[key] || "\u2014";
    });
    var counts = foot.querySelectorAll('[data-stat="count"]');
    if (counts[c]) counts[c].textContent = stats.count + "/" + rows.length;
  }

  /* --- saving one cell */
  function post(url, body, json) {
    var headers = { "X-CSRFToken": csrf, "X-Requested-With": "fetch", "Accept": "application/json" };
    if (json) headers["Content-Type"] = "application/json";
    return fetch(url, { method: "POST", credentials: "same-origin", headers: headers, body: body }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; }, function () {
        return { status: response.status, data: { ok: false, message: msgs.network } };
      });
    });
  }

  var queue = Promise.resolve();

  function save(input, options) {
    options = options || {};
    if (!editable(input) && !options.force) return Promise.resolve(null);
    if (input._busy) { input._again = true; return Promise.resolve(null); }
    var text = input.value.trim();
    var p = pos(input);
    var column = columns[p.c];
    var td = input.closest("td");
    var unchanged = text === (input.getAttribute("data-saved") || "") && !td.classList.contains("is-error") && !td.classList.contains("is-conflict");
    if (unchanged && options.comment === undefined) return Promise.resolve(null);
    var problem = check(text, column.scale);
    if (problem) {
      setState(input, "error", problem);
      announce(fill(msgs.error_for, { name: nameOf(input), message: problem }));
      return Promise.resolve({ ok: false, message: problem });
    }
    var body = new URLSearchParams();
    body.set("assessment", column.id);
    body.set("student", rowOf(input).getAttribute("data-student"));
    body.set("text", text);
    body.set("version", input.getAttribute("data-version") || "");
    if (options.comment !== undefined) body.set("comment", options.comment);
    input._busy = true;
    setState(input, "saving");
    // One save at a time: the answers then come back in the order of the typing, so the column's
    // statistics shown are those of the last save, never of an older one that answered late.
    var request = queue.then(function () { return post(cellUrl, body); });
    queue = request.catch(function () {});
    return request.then(function (answer) {
      var data = answer.data || {};
      if (data.ok) {
        if (input.value.trim() === text) input.value = data.text;
        input.setAttribute("data-saved", data.text);
        input.setAttribute("data-version", data.version == null ? "" : data.version);
        if (data.comment !== undefined) input.setAttribute("data-comment", data.comment || "");
        setState(input, "saved");
        updateRowAndColumn(input, data);
        announce(fill(msgs.saved_for, { name: nameOf(input), text: data.text || "\u2014" }));
      } else if (data.code === "mark_conflict") {
        showConflict(input, data.current || {});
      } else {
        var message = data.message || msgs.network;
        setState(input, "error", message);
        announce(fill(msgs.error_for, { name: nameOf(input), message: message }));
      }
      return data;
    }, function () {
      setState(input, "error", msgs.network);
      announce(fill(msgs.error_for, { name: nameOf(input), message: msgs.network }));
    }).then(function (data) {
      input._busy = false;
      if (input._again) {
        input._again = false;
        if (input.value.trim() !== text) save(input);
      }
      return data;
    });
  }

  function showConflict(input, theirs) {
    var text = theirs.text || msgs.conflict_empty;
    var message = fill(msgs.conflict, { by: theirs.by || "?", at: theirs.at || "?", text: text });
    setState(input, "conflict", message);
    var note = noteOf(input, true);
    var actions = doc.createElement("div");
    actions.className = "cell-note-actions";
    var keep = doc.createElement("button");
    keep.type = "button";
    keep.className = "btn btn-primary btn-sm";
    keep.textContent = msgs.keep_mine;
    keep.addEventListener("click", function () {
      input.setAttribute("data-version", theirs.version == null ? "" : theirs.version);
      save(input, { force: true }).then(function () { input.focus(); });
    });
    var take = doc.createElement("button");
    take.type = "button";
    take.className = "btn btn-secondary btn-sm";
    take.textContent = msgs.take_theirs;
    take.addEventListener("click", function () {
      input.value = theirs.text || "";
      input.setAttribute("data-saved", theirs.text || "");
      input.setAttribute("data-version", theirs.version == null ? "" : theirs.version);
      setState(input, "saved");
      input.focus();
    });
    actions.appendChild(keep);
    actions.appendChild(take);
    note.appendChild(actions);
    announce(fill(msgs.conflict_for, { name: nameOf(input) }) + " " + message);
  }

  /* --- moving around */
  function focusCell(r, c) {
    if (r < 0 || c < 0 || r >= cells.length || !cells[r] || c >= cells[r].length) return false;
    cells[r][c].focus();
    return true;
  }
  function showCurrent(input) {
    if (!bar) return;
    bar.hidden = false;
    var p = pos(input);
    var td = input.closest("td");
    var status = td.classList.contains("is-error") || td.classList.contains("is-conflict") ? " \u2014 " + msgs.error : "";
    barCurrent.textContent = nameOf(input) + " \u00b7 " + columns[p.c].title + status;
  }

  table.addEventListener("focusin", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell")) return;
    current = input;
    showCurrent(input);
    input.select();  // typing replaces
    justFocused = input;
    // On a phone the fixed bottom bars may cover the cell: keep it in the middle of the screen.
    if (window.innerWidth < 900) {
      var box = input.getBoundingClientRect();
      if (box.top < 80 || box.bottom > window.innerHeight - 160) input.scrollIntoView({ block: "center", inline: "nearest" });
    }
  });
  // A click that focuses a cell keeps its text selected (the mouseup would otherwise place the caret).
  table.addEventListener("mouseup", function (event) {
    if (event.target === justFocused) event.preventDefault();
    justFocused = null;
  });
  table.addEventListener("change", function (event) {
    if (event.target.classList.contains("cell")) save(event.target);
  });
  table.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell")) return;
    justFocused = null;
    var p = pos(input);
    var start = input.selectionStart, end = input.selectionEnd, length = input.value.length;
    var all = start === 0 && end === length;
    var moved = false;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey || event.altKey)) {
      event.preventDefault();
      openDialog(input);
      return;
    }
    if (event.key === "Enter" || event.key === "ArrowDown" || event.key === "ArrowUp") {
      var up = event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey);
      if (event.key === "Enter") event.preventDefault();
      moved = focusCell(p.r + (up ? -1 : 1), p.c);
      if (!moved && event.key === "Enter" && !up) moved = focusCell(0, p.c + 1);
      if (!moved && event.key === "Enter") save(input);
      if (moved || event.key !== "Enter") event.preventDefault();
    } else if (event.key === "ArrowLeft" && (all || (start === 0 && end === 0))) {
      moved = focusCell(p.r, p.c - 1);
      if (moved) event.preventDefault();
    } else if (event.key === "ArrowRight" && (all || (start === length && end === length))) {
      moved = focusCell(p.r, p.c + 1);
      if (moved) event.preventDefault();
    } else if (event.key === "Escape") {
      var saved = input.getAttribute("data-saved") || "";
      if (input.value !== saved || input.closest("td").classList.contains("is-error")) {
        event.preventDefault();
        input.value = saved;
        setState(input, null);
        input.select();
      }
    }
  });

  /* --- pasting a column from a spreadsheet */
  function pastedValues(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
    return lines.map(function (line) { return line.split("\t")[0].trim(); });
  }
  function showProblems(title, list) {
    problems.textContent = "";
    problems.appendChild(icon("alert-triangle"));
    var box = doc.createElement("div");
    var strong = doc.createElement("p");
    strong.textContent = title;
    box.appendChild(strong);
    if (list && list.length) {
      var ul = doc.createElement("ul");
      list.forEach(function (item) {
        var li = doc.createElement("li");
        li.textContent = (item.name ? item.name + " : " : "") + item.message;
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    problems.appendChild(box);
    problems.hidden = false;
  }
  function clearProblems() { problems.hidden = true; problems.textContent = ""; }

  table.addEventListener("paste", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("cell") || !editable(input)) return;
    var data = (event.clipboardData || window.clipboardData);
    if (!data) return;
    var values = pastedValues(data.getData("text") || "");
    if (values.length < 2) {
      if (values.length === 1) {
        event.preventDefault();
        input.value = values[0];
        save(input);
      }
      return;
    }
    event.preventDefault();
    var p = pos(input);
    var column = columns[p.c];
    if (p.r + values.length > rows.length) {
      showProblems(fill(msgs.paste_too_long, { count: values.length, rows: rows.length - p.r }), []);
      announce(problems.textContent);
      return;
    }
    var targets = values.map(function (_v, i) { return cells[p.r + i][p.c]; });
    var errors = [];
    values.forEach(function (value, i) {
      var target = targets[i];
      if (!editable(target)) { errors.push({ name: nameOf(target), message: msgs.error }); return; }
      var problem = check(value, column.scale);
      if (problem) errors.push({ name: nameOf(target), message: problem });
    });
    if (errors.length) {
      showProblems(msgs.paste_failed, errors);
      announce(msgs.paste_failed);
      return;
    }
    clearProblems();
    targets.forEach(function (target, i) { target.value = values[i]; setState(target, "saving"); });
    announce(msgs.paste_saving);
    var entries = targets.map(function (target, i) {
      return { student: rowOf(target).getAttribute("data-student"), text: values[i], version: target.getAttribute("data-version") || null };
    });
    var payload = JSON.stringify({ assessment: column.id, entries: entries });
    var request = queue.then(function () { return post(columnUrl, payload, true); });
    queue = request.catch(function () {});
    request.then(function (answer) {
      var data = answer.data || {};
      if (data.ok) {
        var byStudent = {};
        (data.cells || []).forEach(function (cell) { byStudent[cell.student] = cell; });
        targets.forEach(function (target) {
          var tr = rowOf(target);
          var cell = byStudent[tr.getAttribute("data-student")];
          if (!cell) return;
          target.value = cell.text;
          target.setAttribute("data-saved", cell.text);
          target.setAttribute("data-version", cell.version == null ? "" : cell.version);
          setState(target, "saved");
          var average = (data.averages || {})[tr.getAttribute("data-student")];
          if (average !== undefined) tr.querySelector("[data-average]").textContent = average || "\u2014";
        });
        if (data.stats) updateStats(p.c, data.stats);
        announce(fill(msgs.paste_saved, { count: targets.length }));
      } else {
        targets.forEach(function (target) { target.value = target.getAttribute("data-saved") || ""; setState(target, null); });
        showProblems(msgs.paste_failed + (data.message ? " " + data.message : ""), data.errors || []);
        announce(msgs.paste_failed);
      }
    }, function () {
      targets.forEach(function (target) { target.value = target.getAttribute("data-saved") || ""; setState(target, null); });
      showProblems(msgs.network, []);
    });
  });

  /* --- the comment and history dialog */
  function openDialog(input) {
    if (!dialog || !input) return;
    var p = pos(input);
    var query = new URLSearchParams({ assessment: columns[p.c].id, student: rowOf(input).getAttribute("data-student") });
    fetch(dialogUrl + "?" + query.toString(), { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        dialogBody.innerHTML = html;
        var form = dialogBody.querySelector("form[data-comment-form]");
        if (form) {
          if (!editable(input)) form.querySelectorAll("textarea, button[type=submit]").forEach(function (el) { el.disabled = true; });
          form.addEventListener("submit", function (event) {
            event.preventDefault();
            var comment = form.querySelector("textarea").value;
            var text = input.getAttribute("data-saved") || "";
            input.value = text;
            save(input, { comment: comment, force: true }).then(function (data) {
              if (data && data.ok) {
                var flag = input.parentNode.querySelector(".cell-flag");
                if (comment && !flag) {
                  flag = doc.createElement("span");
                  flag.className = "cell-flag";
                  flag.appendChild(icon("message-square"));
                  input.parentNode.appendChild(flag);
                }
                if (flag) { if (comment) flag.title = comment; else flag.remove(); }
                dialog.close();
              } else if (data) {
                var error = form.querySelector(".field-error") || doc.createElement("p");
                error.className = "field-error";
                error.textContent = data.message || msgs.error;
                form.insertBefore(error, form.firstChild);
              }
            });
          });
        }
        dialogBody.querySelectorAll("[data-close]").forEach(function (button) {
          button.addEventListener("click", function () { dialog.close(); });
        });
        dialog._returnTo = input;
        if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
        var first = dialogBody.querySelector("textarea, button");
        if (first) first.focus();
      }, function () { announce(msgs.network); });
  }
  if (dialog) {
    dialog.addEventListener("close", function () { if (dialog._returnTo) dialog._returnTo.focus(); });
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
  }
  if (commentButton) {
    commentButton.addEventListener("click", function () { openDialog(current || (cells[0] && cells[0][0])); });
  }

  window.addEventListener("beforeunload", function (event) {
    var busy = cells.some(function (row) { return row.some(function (input) { return input._busy; }); });
    if (busy) { event.preventDefault(); event.returnValue = ""; }
  });

  /* The read-only grid: move between the marks with the arrows, open a mark's history in the dialog. */
  function readOnlyGrid(doc, table) {
    var msgs = JSON.parse(doc.getElementById("grid-messages").textContent);
    var live = doc.getElementById("grid-live");
    var dialog = doc.getElementById("cell-dialog");
    var dialogBody = doc.getElementById("cell-dialog-body");
    // cells[r][c]: the link of a mark, or null for an empty cell (not focusable)
    var cells = Array.prototype.slice.call(table.tBodies[0].rows).map(function (tr, r) {
      return Array.prototype.slice.call(tr.querySelectorAll("td.grid-cell")).map(function (td, c) {
        var link = td.querySelector("a.cell");
        if (link) { link.setAttribute("data-r", r); link.setAttribute("data-c", c); }
        return link;
      });
    });
    var STEPS = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowRight: [0, 1], ArrowLeft: [0, -1] };

    function announce(text) {
      live.textContent = "";
      window.setTimeout(function () { live.textContent = text; }, 60);
    }
    // The next mark from (r, c) in the direction (dr, dc), skipping empty cells.
    function next(r, c, dr, dc) {
      for (r += dr, c += dc; r >= 0 && r < cells.length && c >= 0 && c < (cells[r] || []).length; r += dr, c += dc) {
        if (cells[r][c]) return cells[r][c];
      }
      return null;
    }

    table.addEventListener("keydown", function (event) {
      var link = event.target;
      var step = STEPS[event.key];
      if (!step || !link.classList || !link.classList.contains("cell") || event.altKey || event.ctrlKey || event.metaKey) return;
      var target = next(+link.getAttribute("data-r"), +link.getAttribute("data-c"), step[0], step[1]);
      event.preventDefault();
      if (target) {
        target.focus();
        if (window.innerWidth < 900) target.scrollIntoView({ block: "nearest", inline: "nearest" });
      }
    });

    function open(link) {
      fetch(link.href, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          dialogBody.innerHTML = html;
          dialogBody.querySelectorAll("[data-close]").forEach(function (button) {
            button.addEventListener("click", function () { dialog.close(); });
          });
          dialog._returnTo = link;
          if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
          var first = dialogBody.querySelector("button, a[href]");
          if (first) first.focus();
        }, function () { announce(msgs.network); });
    }
    table.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.cell");
      if (!link || !dialog || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      open(link);
    });
    if (dialog) {
      dialog.addEventListener("close", function () { if (dialog._returnTo) dialog._returnTo.focus(); });
      dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    }
  }
})();
