// sems: small enhancements only; every page works without this script.
(function () {
  "use strict";
  // Ask before a destructive action (forms marked data-confirm).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
  // Copy a secret shown once (a new API token) to the clipboard.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim()).then(function () {
          button.textContent = "Copied";
        });
      }
    });
  });
  // A CSV file chosen for import is read into the text area it fills (no upload format needed).
  document.querySelectorAll("input[type=file][data-fills]").forEach(function (input) {
    input.addEventListener("change", function () {
      var target = document.getElementById(input.getAttribute("data-fills"));
      var file = input.files && input.files[0];
      if (!target || !file) { return; }
      var reader = new FileReader();
      reader.onload = function () { target.value = String(reader.result); };
      reader.readAsText(file);
    });
  });
  // A long form (an on-site checklist) is kept in this browser as it is filled in, so an
  // expired session or a lost connection loses nothing; it is forgotten once saved.
  document.querySelectorAll("form[data-autosave]").forEach(function (form) {
    var key = "sems-autosave-" + form.getAttribute("data-autosave");
    var saved = document.querySelector(".notice");
    if (saved && /Saved/.test(saved.textContent)) { window.localStorage.removeItem(key); }
    var stored = window.localStorage.getItem(key);
    if (stored) {
      try {
        var values = JSON.parse(stored);
        Object.keys(values).forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (field && field.value !== values[name]) { field.value = values[name]; }
        });
        var note = form.querySelector(".autosave-note");
        if (note) { note.hidden = false; }
      } catch (e) { window.localStorage.removeItem(key); }
    }
    form.addEventListener("input", function () {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.name !== "csrf_token" && el.type !== "hidden") { values[el.name] = el.value; }
      });
      window.localStorage.setItem(key, JSON.stringify(values));
    });
  });
  // A receipt kept on this device when the reporter asks (never by default: on a shared
  // phone a kept receipt would give the report away), offered again on the receipt page.
  var RECEIPTS = "sems-receipts";
  function keptReceipts() {
    try { return JSON.parse(window.localStorage.getItem(RECEIPTS) || "[]"); } catch (e) { return []; }
  }
  document.querySelectorAll("button[data-keep-receipt]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var target = document.getElementById(button.getAttribute("data-keep-receipt"));
      if (!target) { return; }
      var code = target.textContent.trim();
      var kept = keptReceipts();
      if (kept.indexOf(code) < 0) { kept.push(code); }
      window.localStorage.setItem(RECEIPTS, JSON.stringify(kept));
      button.textContent = "Kept on this device";
    });
  });
  document.querySelectorAll("[data-kept-receipts]").forEach(function (box) {
    var kept = keptReceipts();
    var input = document.getElementById(box.getAttribute("data-kept-receipts"));
    var list = box.querySelector("ul");
    if (!kept.length || !input || !list) { return; }
    kept.forEach(function (code) {
      var item = document.createElement("li");
      var open = document.createElement("button");
      open.type = "button";
      open.className = "secondary receipt-choice";
      open.textContent = code;
      open.addEventListener("click", function () { input.value = code; input.form.submit(); });
      item.appendChild(open);
      list.appendChild(item);
    });
    var forget = box.querySelector("[data-forget-receipts]");
    if (forget) {
      forget.addEventListener("click", function () {
        window.localStorage.removeItem(RECEIPTS);
        box.hidden = true;
      });
    }
    box.hidden = false;
  });
  // Filters submit themselves when a select changes.
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
