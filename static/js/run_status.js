// The matching run's admin page refreshes its progress block while the run is under way: it asks the run's status
// URL (JSON: {html, active}) every two seconds and swaps the block in, until the run is done or failed. A file of
// its own, so the content security policy (script-src 'self') can forbid inline scripts.
(function () {
  "use strict";
  const EVERY_MS = 2000;
  function poll(block) {
    const url = block.dataset.runStatusUrl;
    if (!url || block.dataset.runActive !== "1") return;
    window.setTimeout(() => {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
        .then((data) => {
          const holder = document.createElement("div");
          holder.innerHTML = data.html;
          const fresh = holder.querySelector("[data-run-status-url]");
          if (!fresh) return;
          block.replaceWith(fresh);
          poll(fresh);
        })
        .catch(() => poll(block));
    }, EVERY_MS);
  }
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-run-status-url]").forEach(poll);
  });
})();
