// The secretary's live count of sign-ups on a community task's admin page: polls the JSON endpoint named in
// data-url every 5 seconds until the task is full (CSP: script-src 'self', no inline script).
(function () {
  "use strict";
  function poll(el) {
    fetch(el.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        el.textContent = data.signed_up + "/" + data.wanted;
        el.dataset.full = data.full ? "1" : "0";
        if (!data.full && data.status === "published") { window.setTimeout(function () { poll(el); }, 5000); }
      })
      .catch(function () { window.setTimeout(function () { poll(el); }, 15000); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".signups-live[data-url]").forEach(poll);
  });
})();
