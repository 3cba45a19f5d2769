// ErrorKB on every page: the "/" shortcut, copy buttons, live countdowns.
// Progressive enhancement only: every page works without it.
(function () {
  "use strict";

  var announcer;

  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("aria-live", "polite");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function isTyping(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  // "/" focuses the search box of the page (or the header's) from anywhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    var box = document.querySelector("main [data-search]") || document.querySelector("[data-search]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var label = button.textContent;
    copyText(source.textContent).then(function () {
      button.textContent = "Copied";
      button.setAttribute("data-copied", "");
      announce("Copied to the clipboard");
      window.setTimeout(function () {
        button.textContent = label;
        button.removeAttribute("data-copied");
      }, 2000);
    }, function () {
      announce("Could not copy; select the text and copy it by hand");
    });
  });

  function describe(seconds) {
    if (seconds <= 0) return "now: the window has reset";
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return "in " + (minutes ? minutes + " min " : "") + rest + " s";
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-countdown]").forEach(function (element) {
      var deadline = Date.parse(element.getAttribute("data-countdown"));
      if (!isNaN(deadline)) element.textContent = describe(Math.ceil((deadline - now) / 1000));
    });
  }

  // Called again by paste.js after it swaps in a new diagnosis.
  function enhance(root) {
    (root || document).querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      button.hidden = false;
    });
    tick();
  }

  window.ErrorKB = { enhance: enhance, announce: announce };

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    window.setInterval(tick, 1000);
  });
})();
