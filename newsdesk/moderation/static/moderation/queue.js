// Keyboard shortcuts for the moderation queue. Every action is a plain form that works
// without this script: its answer is the queue again, on the comment to deal with next
// (marked aria-current and anchored). The script sends the forms in the background and puts
// that answer in place of the page's, so that a, a, a approves three comments in a row.
(function () {
  "use strict";

  var current = null;
  var busy = false;  // an action is on its way: keys pressed meanwhile wait their turn
  var waiting = [];

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

  // The comment the page opens on: the one the server marked after an action (focused), else
  // the anchored one, else the first (marked only: the page's focus stays where it is).
  function start() {
    current = null;
    var marked = document.querySelector("[data-queue-row][aria-current]");
    var anchored = location.hash && document.getElementById(location.hash.slice(1));
    if (marked) {
      select(marked);
    } else if (anchored && anchored.hasAttribute("data-queue-row")) {
      select(anchored);
    } else if (rows().length) {
      mark(rows()[0]);
    }
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

  function undo() {
    var button = document.querySelector("button[data-undo]");
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

  // What the page says after an action, read out once (the replaced messages are new nodes,
  // which screen readers do not all announce).
  function announce(text) {
    var region = document.getElementById("queue-announce");
    if (!region) {
      region = document.createElement("p");
      region.id = "queue-announce";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  // The queue's answer in place of the page's main part and newsroom menu (its counts).
  function show(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var main = doc.querySelector("main");
    if (!main || !doc.querySelector(".queue, .queue-empty")) {
      location.assign(url);  // not the queue (signed out, say): go there as a browser would
      return;
    }
    document.querySelector("main").replaceChildren.apply(document.querySelector("main"),
      Array.prototype.slice.call(main.childNodes));
    var menu = document.querySelector('nav[aria-label="Newsroom"]');
    var newMenu = doc.querySelector('nav[aria-label="Newsroom"]');
    if (menu && newMenu) menu.replaceWith(newMenu);
    document.title = doc.title;
    var marked = document.querySelector("[data-queue-row][aria-current]");
    history.replaceState(null, "", url.split("#")[0] + (marked ? "#" + marked.id : ""));
    start();
    var said = document.querySelector("main .messages");
    if (said) announce(said.textContent.trim());
  }

  function send(form, submitter) {
    busy = true;
    var data = new FormData(form, submitter);
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text().then(function (html) { return { html: html, url: response.url }; });
      })
      .then(function (answer) {
        busy = false;
        try {
          show(answer.html, answer.url);
        } catch (error) {
          location.assign(answer.url);  // acted on already: only the page is to show
          return;
        }
        // The keys pressed meanwhile act on the comment the queue is now on: a, a, a is three.
        while (!busy && waiting.length) run(waiting.shift());
      }, function () {
        // Not sent, or refused: sent the plain way instead, the browser shows what the server says.
        busy = false;
        waiting = [];
        form.setAttribute("data-plain", "");
        form.requestSubmit(submitter);
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("[data-queue-action]") || form.hasAttribute("data-plain")) return;
    if (!window.fetch || !window.DOMParser) return;
    event.preventDefault();
    if (!busy) send(form, event.submitter);
  });

  // Clicking or tabbing into a row makes it the current one.
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("[data-queue-row]");
    if (row) mark(row);
  });

  var actions = {
    j: function () { move(1); },
    ArrowDown: function () { move(1); },
    k: function () { move(-1); },
    ArrowUp: function () { move(-1); },
    a: function () { press("a"); },
    s: function () { press("s"); },
    u: undo,
    r: function () { focusField("r"); },
    b: function () { focusField("b"); },
    "?": function () {
      var help = document.getElementById("shortcut-help");
      if (help && help.showModal) help.showModal();
    },
  };

  function run(key) {
    actions[key]();
  }

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
    if (!Object.prototype.hasOwnProperty.call(actions, event.key)) return;
    event.preventDefault();
    if (busy) {
      if (waiting.length < 20) waiting.push(event.key);
    } else {
      run(event.key);
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
