// Involve works without this file; it only makes a few things quicker.
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  // Quick exit: replace this page in the history so Back does not return
  // here. Pressing Escape twice quickly does the same from anywhere.
  function leave(e) {
    if (e) { e.preventDefault(); }
    document.body.style.display = "none";
    window.location.replace(exit.href);
  }
  if (exit) {
    exit.addEventListener("click", leave);
    var last = 0;
    document.addEventListener("keydown", function (e) {
      if (e.key !== "Escape") { return; }
      var now = Date.now();
      if (now - last < 600) { leave(); }
      last = now;
    });
  }
  // Move focus to the list of problems when a form comes back with errors.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.setAttribute("tabindex", "-1"); summary.focus(); }
  // A new meeting starts in the organiser's own time zone, as the browser
  // knows it; without this script the form offers a default by language.
  var zoneForm = document.querySelector("form[data-guess-zone]");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  var zoneSelect = zoneForm && zoneForm.querySelector("#f-time_zone");
  if (zoneSelect && zone && zone.indexOf("/") > 0) {
    var label = zone.replace(/_/g, " ").replace(/\//g, " / ");
    var listed = false;
    for (var i = 0; i < zoneSelect.options.length; i++) {
      if (zoneSelect.options[i].value === label) { listed = true; }
    }
    if (!listed) {
      var opt = document.createElement("option");
      opt.textContent = label;
      zoneSelect.insertBefore(opt, zoneSelect.firstChild);
    }
    zoneSelect.value = label;
  }
  // Confirm before destructive actions marked data-confirm.
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { e.preventDefault(); }
  });
})();
