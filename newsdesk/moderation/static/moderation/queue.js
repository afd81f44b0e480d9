// Keyboard shortcuts for the moderation queue. Every action is a plain form that
// works without this script; the script only moves focus and presses buttons.
(function () {
  "use strict";

  var current = null;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue-row]"));
  }

  function mark(row) {
    if (current === row) return;
    if (current) current.removeAttribute("aria-current");
    current = row;
    if (row) row.setAttribute("aria-current", "true");
  }

  function select(row) {
    mark(row);
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    var index = all.indexOf(current);
    if (index < 0) {
      index = step > 0 ? 0 : all.length - 1;
    } else {
      index = Math.min(Math.max(index + step, 0), all.length - 1);
    }
    select(all[index]);
  }

  function press(key) {
    var button = current && current.querySelector('button[data-key="' + key + '"]');
    if (button) button.form.requestSubmit(button);
  }

  function focusField(key) {
    if (!current) return;
    var field = current.querySelector('input[data-key="' + key + '"]');
    if (!field) return;
    var details = field.closest("details");
    if (details) details.open = true;
    field.focus();
  }

  function typing(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  // Clicking or tabbing into a row makes it the current one.
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("[data-queue-row]");
    if (row) mark(row);
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target)) {
      // Escape leaves a field and goes back to its comment.
      if (event.key === "Escape" && current) {
        event.preventDefault();
        current.focus();
      }
      return;
    }
    if (document.querySelector("dialog[open]")) return;
    var actions = {
      j: function () { move(1); },
      ArrowDown: function () { move(1); },
      k: function () { move(-1); },
      ArrowUp: function () { move(-1); },
      a: function () { press("a"); },
      s: function () { press("s"); },
      r: function () { focusField("r"); },
      b: function () { focusField("b"); },
      "?": function () {
        var help = document.getElementById("shortcut-help");
        if (help && help.showModal) help.showModal();
      },
    };
    var action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
})();
