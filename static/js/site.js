// Behaviour of the member units' pages, kept out of the HTML so the content security policy can forbid inline
// scripts: <select data-autosubmit> submits its form on change, <button data-print> prints the page.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
// Ranking tables on a phone: tapping a row (or Enter on it) opens its detail columns.
function toggleDetails(row) {
  const open = row.classList.toggle("open");
  row.setAttribute("aria-expanded", open ? "true" : "false");
}
document.addEventListener("click", (event) => {
  const row = event.target.closest("[data-toggle-details]");
  if (row) toggleDetails(row);
});
document.addEventListener("keydown", (event) => {
  const row = event.target.closest && event.target.closest("[data-toggle-details]");
  if (row && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    toggleDetails(row);
  }
});
