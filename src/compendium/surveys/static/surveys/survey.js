// The survey's pages work without this file; it only adds comforts to the automatic saving.
(function () {
  "use strict";

  function saving() {
    return document.querySelector("form[data-autosave].htmx-request");
  }

  document.addEventListener("DOMContentLoaded", function () {
    // GOV.UK error summary: move focus to it when a page shows one, so screen-reader and
    // keyboard users hear what went wrong first.
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }

    var forms = document.querySelectorAll("form[data-autosave]");
    Array.prototype.forEach.call(forms, function (form) {
      // htmx saves 1.5 s after the last keystroke. Closing the tab within that delay must not
      // lose the last words typed: what is still pending goes with a beacon, which the browser
      // delivers even as the page goes away (the form carries its CSRF token and version).
      var pending = false;
      var mark = function () { pending = true; };
      form.addEventListener("input", mark);
      form.addEventListener("change", mark);
      form.addEventListener("htmx:beforeRequest", function () { pending = false; });
      form.addEventListener("submit", function () { pending = false; });
      window.addEventListener("pagehide", function () {
        // A new policy whose first save is still under way has no id yet: a beacon now would
        // add it a second time.
        var newId = form.querySelector("#proposal-id");
        if (newId && !newId.value && form.classList.contains("htmx-request")) {
          return;
        }
        if (pending && navigator.sendBeacon) {
          pending = false;
          navigator.sendBeacon(form.getAttribute("data-autosave"), new FormData(form));
        }
      });
    });
  });

  // A button pressed while an automatic save is on its way waits for it (and for the new
  // version it brings back), so the page's own save is never refused as out of date.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.waiting) {
      event.preventDefault();  // a second press while waiting
      return;
    }
    if (!saving()) {
      return;
    }
    event.preventDefault();
    form.dataset.waiting = "yes";
    var submitter = event.submitter;
    var retry = function () {
      window.setTimeout(function () {
        if (saving()) {
          return;  // the next queued save started: wait for it too
        }
        document.body.removeEventListener("htmx:afterRequest", retry);
        delete form.dataset.waiting;
        if (submitter) {
          form.requestSubmit(submitter);
        } else {
          form.requestSubmit();
        }
      }, 0);
    };
    document.body.addEventListener("htmx:afterRequest", retry);
  }, true);
})();
