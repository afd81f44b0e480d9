// Comments without page reloads: post and reply in place, and show new approved
// comments and the count on an open page (from the page's live stream). Without this script the forms post and
// redirect back, so everything still works.
(function () {
  "use strict";
  var section = document.getElementById("comments");
  var form = document.getElementById("comment-form");
  if (!section || !window.fetch) return;
  var list = section.querySelector("[data-comment-list]");
  var countBox = section.querySelector(".comment-count");
  var empty = section.querySelector(".comments-empty");

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function setCount(count) {
    if (typeof count !== "number" || !countBox) return;
    countBox.querySelector("[data-comment-count]").textContent = count;
    countBox.lastChild.textContent = count === 1 ? " comment" : " comments";
    countBox.hidden = count === 0;
  }

  function place(id, thread, html) {
    if (document.getElementById("comment-" + id)) return;
    var item = fragment(html);
    var parent = thread && document.getElementById("comment-" + thread);
    if (parent) {
      var replies = parent.querySelector(":scope > ol.replies");
      if (!replies) {
        replies = document.createElement("ol");
        replies.className = "replies";
        parent.appendChild(replies);
      }
      replies.appendChild(item);
    } else {
      list.hidden = false;
      list.appendChild(item);
    }
    if (empty) empty.hidden = true;
    return item;
  }

  if (form) {
    var status = form.querySelector("[data-form-status]");
    var parentField = form.querySelector("input[name=parent]");
    var button = form.querySelector("button[type=submit]");

    section.addEventListener("click", function (event) {
      var link = event.target.closest("[data-reply]");
      if (!link) return;
      event.preventDefault();
      parentField.value = link.dataset.reply;
      var note = form.querySelector(".replying-to") || form.insertBefore(document.createElement("p"), form.firstChild.nextSibling);
      note.className = "replying-to";
      note.textContent = "Replying to " + link.dataset.replyName + " ";
      var cancel = document.createElement("button");
      cancel.type = "button";
      cancel.className = "link-button";
      cancel.textContent = "Cancel";
      cancel.addEventListener("click", function () { parentField.value = ""; note.remove(); button.textContent = "Post comment"; });
      note.appendChild(cancel);
      button.textContent = "Post reply";
      form.querySelector("textarea").focus();
    });

    // A refusal shows as it does without JavaScript: an alert at the top of the form with
    // each problem its own list item, and each field in error marked and described by its own.
    function clearErrors() {
      var box = form.querySelector(".form-error");
      if (box) box.remove();
      form.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      form.querySelectorAll("[aria-invalid]").forEach(function (field) {
        field.removeAttribute("aria-invalid");
        var ids = (field.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
          return id && id !== field.id + "-error";
        });
        field.setAttribute("aria-describedby", ids.join(" "));
      });
    }

    function showError(messages, fields) {
      clearErrors();
      var box = document.createElement("div");
      box.className = "form-error";
      box.id = "comment-form-error";
      box.setAttribute("role", "alert");
      box.appendChild(document.createElement("p")).textContent = "Your comment was not sent (your text is still here):";
      var items = box.appendChild(document.createElement("ul"));
      (Array.isArray(messages) ? messages : [messages]).forEach(function (message) {
        items.appendChild(document.createElement("li")).textContent = message;
      });
      Object.keys(fields || {}).forEach(function (name) {
        var field = form.elements[name];
        if (!field || !field.id || name === "__all__") return;
        var note = document.createElement("span");
        note.className = "field-error";
        note.id = field.id + "-error";
        fields[name].forEach(function (error) { note.appendChild(document.createElement("span")).textContent = error.message; });
        field.parentNode.insertBefore(note, field.nextSibling);
        field.setAttribute("aria-invalid", "true");
        field.setAttribute("aria-describedby", (note.id + " " + (field.getAttribute("aria-describedby") || "")).trim());
      });
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      form.insertBefore(box, token ? token.nextSibling : form.firstChild);
      status.textContent = "";
      box.scrollIntoView({ block: "nearest" });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      status.textContent = "Sending…";
      clearErrors();
      // A guest's page comes without a CSRF token: site/csrf.js fetches one first.
      var csrf = window.newsdeskCsrf;
      (csrf ? csrf.ready() : Promise.resolve()).then(function () {
        return fetch(form.action, {
          method: "POST", body: new FormData(form), credentials: "same-origin",
          headers: { "Accept": "application/json" }
        });
      }).then(function (response) {
        // A page that is not JSON (a proxy's error, a CSRF failure) is a refusal too, not a lost connection.
        return response.json().catch(function () { return {}; })
          .then(function (data) { return { ok: response.ok, data: data }; });
      }).then(function (result) {
        var data = result.data;
        if (!result.ok) {
          // Nothing is lost: the text stays in the form.
          showError(data.errors || data.error || "Your comment could not be sent. Please try again.", data.fields);
          if (data.started) form.querySelector("input[name=started]").value = data.started;
          if (data.csrf && csrf) csrf.reset();  // the token was stale: the next send fetches another
          return;
        }
        var item = place(data.id, data.thread, data.html);
        setCount(data.count);
        clearErrors();
        form.querySelector("textarea").value = "";
        parentField.value = "";
        var note = form.querySelector(".replying-to");
        if (note) note.remove();
        button.textContent = "Post comment";
        status.textContent = data.message;
        if (item) item.scrollIntoView({ block: "nearest" });
      }).catch(function () {
        showError("The connection failed: your comment is still here, please send it again.");
      }).then(function () { button.disabled = false; });
    });
  }

  // New, changed and hidden comments arrive on the page's live stream (live.js).
  document.addEventListener("live:comment", function (event) {
    var data = event.detail;
    if (String(data.story) !== section.dataset.story) return;
    var old = document.getElementById("comment-" + data.comment);
    if (old) {
      var item = fragment(data.html);
      var replies = old.querySelector(":scope > ol.replies");
      if (replies) item.appendChild(replies);
      old.replaceWith(item);
    } else {
      place(data.comment, data.thread, data.html);
    }
    setCount(data.count);
  });
  document.addEventListener("live:uncomment", function (event) {
    var data = event.detail;
    var old = String(data.story) === section.dataset.story && document.getElementById("comment-" + data.comment);
    if (old && !old.querySelector(".comment-pending")) old.remove();
  });
})();
