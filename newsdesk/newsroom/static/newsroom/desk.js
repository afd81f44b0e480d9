// The newsroom desk: Ctrl+Enter (Cmd+Enter on a Mac) in the breaking-brief box publishes,
// and a brief is sent once even when Publish is pressed twice.
document.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest && event.target.closest("form[data-brief-form]");
  if (!form) return;
  event.preventDefault();
  form.requestSubmit();
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-brief-form]")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "true";
  form.querySelector("button[type=submit]").setAttribute("aria-busy", "true");
});

// Back from another page (bfcache), the form may be sent again.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-brief-form]")) delete form.dataset.sent;
});
