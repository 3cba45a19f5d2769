// The paste page, live: the form is posted as you type and the server's own
// diagnosis fragment (the same template as the plain POST) replaces the result.
// The fragment is escaped markup from our own origin; nothing is built from data here.
(function () {
  "use strict";

  var DELAY_MS = 350;

  function liven(form) {
    var region = document.getElementById("diagnosis");
    var body = form.querySelector("textarea[name=body]");
    if (!region || !body) return;
    var note = document.querySelector("[data-live-note]");
    if (note) note.hidden = false;
    var status = document.querySelector("[data-live-status]");
    var timer = null;
    var inflight = null;
    var last = null;

    function run() {
      var data = new FormData(form);
      var key = [data.get("body"), data.get("provider"), data.get("http_status")].join("\u0000");
      if (!String(data.get("body") || "").trim() || key === last) return;
      last = key;
      if (inflight) inflight.abort();
      inflight = new AbortController();
      region.setAttribute("aria-busy", "true");
      fetch(form.action, {
        method: "POST",
        body: data,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: inflight.signal
      }).then(function (response) {
        return response.text();
      }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("[data-diagnosis]");
        if (!fresh) return;
        region.replaceChildren(document.importNode(fresh, true));
        if (window.ErrorKB) window.ErrorKB.enhance(region);
        region.setAttribute("aria-busy", "false");
        // One short sentence for screen readers, not the whole diagnosis on every keystroke.
        if (status) status.textContent = fresh.getAttribute("data-summary") || "";
      }).catch(function (error) {
        if (error.name !== "AbortError") {
          region.setAttribute("aria-busy", "false");
          last = null;
        }
      });
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, DELAY_MS);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    body.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-live-diagnose]").forEach(liven);
  });
})();
