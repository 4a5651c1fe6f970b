// Behaviour of the member units' pages, kept out of the HTML so the content security policy can forbid inline
// scripts: <select data-autosubmit> submits its form on change, <button data-print> prints the page.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
