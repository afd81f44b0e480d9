// The story editor: autosave of drafts, Ctrl/Cmd+S to save, Ctrl+Enter to preview.
// Without this script the Save and Preview buttons do the same work.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var saveButton = form.querySelector("[data-save]");
  var previewButton = form.querySelector("[data-preview]");
  var status = form.querySelector("[data-autosave-status]");
  var revision = form.querySelector("[data-base-revision]");
  var url = form.getAttribute("data-autosave-url");
  var changed = false, stopped = false, inFlight = null;

  function say(text) { if (status) status.textContent = text; }

  function autosave() {
    if (!url || stopped || !changed || inFlight) return inFlight;
    changed = false;
    inFlight = fetch(url, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) {
          revision.value = data.revision;
          say("Saved " + data.saved_at_label);
        } else if (response.status === 409) {
          // A conflict or a live story: saving again automatically would only repeat it.
          stopped = true;
          say((data.error || "Not saved.") + " Autosave is off.");
        } else {
          changed = true;
          say(data.error || "Not saved automatically (" + response.status + ").");
        }
      });
    }).catch(function () {
      changed = true;
      say("Not saved automatically: no connection. Keep this page open, or use Save.");
    }).then(function () { inFlight = null; });
    return inFlight;
  }

  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  form.addEventListener("focusout", function () { autosave(); });
  if (url) setInterval(autosave, 10000);

  // A save while an autosave is on its way would conflict with it: wait for it first.
  form.addEventListener("submit", function (event) {
    if (!inFlight) {
      if (event.submitter !== previewButton) changed = false;  // a preview saves nothing
      return;
    }
    event.preventDefault();
    var submitter = event.submitter;
    inFlight.then(function () { form.requestSubmit(submitter); });
  });

  // The workflow buttons act on the saved story: say so when there are unsaved changes.
  document.querySelectorAll("form[data-workflow]").forEach(function (other) {
    other.addEventListener("submit", function (event) {
      if (changed && !window.confirm("Your latest changes are not saved yet. Go on without them?")) {
        event.preventDefault();
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    var mod = event.ctrlKey || event.metaKey;
    if (mod && (event.key === "s" || event.key === "S")) {
      event.preventDefault();
      form.requestSubmit(saveButton);
    } else if (event.ctrlKey && event.key === "Enter" && previewButton) {
      event.preventDefault();
      form.requestSubmit(previewButton);
    }
  });
})();

// Suggested people and topics: a click adds the name to its comma-separated field.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-add-tag]");
  if (!button) return;
  var field = document.querySelector("[name=" + button.dataset.addTag + "]");
  if (!field) return;
  var names = field.value.split(",").map(function (n) { return n.trim(); }).filter(Boolean);
  if (names.map(function (n) { return n.toLowerCase(); }).indexOf(button.dataset.name.toLowerCase()) < 0) {
    names.push(button.dataset.name);
    field.value = names.join(", ");
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
  button.closest("li").remove();
});
