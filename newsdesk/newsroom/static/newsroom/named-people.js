// People linked because the story's text names them: an "Unlink" button takes the name out
// of the People field (saving then keeps them unlinked). Without this script the editor
// deletes the name from the field by hand.
(function () {
  "use strict";
  document.querySelectorAll("[data-remove-tag]").forEach(function (button) {
    var name = button.parentNode.querySelector("[data-named-person]");
    if (name) name.hidden = true;
    button.hidden = false;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-remove-tag]");
    if (!button) return;
    var field = document.querySelector("input[name=" + button.dataset.removeTag + "]");
    if (!field) return;
    var gone = button.dataset.name.toLowerCase();
    field.value = field.value.split(",").map(function (n) { return n.trim(); })
      .filter(function (n) { return n && n.toLowerCase() !== gone; }).join(", ");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    var item = button.closest("li");
    item.textContent = button.dataset.name + " will be unlinked when you save.";
  });
})();
