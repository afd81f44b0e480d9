// Live pages: new and changed stories slide into the river (and a section's listing),
// withdrawn ones disappear, and new comments appear, as the newsroom publishes. The page
// is complete without this script; it only keeps an open page current. The stream starts
// after the event the page was made at, and resumes after a lost connection from the
// last event received (the browser sends Last-Event-ID), so nothing is missed.
(function () {
  "use strict";
  var body = document.body;
  if (!window.EventSource || !body || !body.dataset.liveStream) return;
  var rivers = Array.prototype.slice.call(document.querySelectorAll("[data-live-river]"));
  var listing = document.querySelector("[data-live-section]");
  var comments = document.getElementById("comments");
  if (!rivers.length && !listing && !comments) return;

  var url = body.dataset.liveStream + "?after=" + encodeURIComponent(body.dataset.liveAfter || "");
  if (comments && comments.dataset.story) url += "&story=" + encodeURIComponent(comments.dataset.story);

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Screen readers hear of a new item once, politely, without the page moving focus.
  var status = null;
  function announce(item) {
    var link = item.querySelector("a.river-link, h2 a, h3 a");
    if (!link) return;
    if (!status) {
      status = document.createElement("p");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      document.body.appendChild(status);
    }
    status.textContent = "Just in: " + link.textContent.trim();
  }

  function time(element) {
    return Date.parse(element.dataset.published) || 0;
  }

  // Put `item` in `list` by publishing time, newest first, keeping at most `size`.
  function place(list, item, size, old) {
    var when = time(item);
    if (old && time(old) === when) {
      old.replaceWith(item);
      return true;
    }
    if (old) old.remove();
    var next = null;
    for (var i = 0; i < list.children.length; i++) {
      if (time(list.children[i]) < when) { next = list.children[i]; break; }
    }
    if (!next && size && list.children.length >= size) return false;
    list.insertBefore(item, next);
    if (!old) {
      item.classList.add("live-new");
      setTimeout(function () { item.classList.remove("live-new"); }, 8000);
      announce(item);
    }
    while (size && list.children.length > size) list.lastElementChild.remove();
    return true;
  }

  function onStory(data) {
    rivers.forEach(function (river) {
      if (river.dataset.exclude === String(data.story)) return;
      var list = river.querySelector(".river-items");
      var old = list.querySelector('[data-story="' + data.story + '"]');
      if (place(list, fragment(data.river), parseInt(river.dataset.size, 10) || 0, old)) {
        list.hidden = false;
        var empty = river.querySelector(".river-empty");
        if (empty) empty.hidden = true;
      }
    });
    if (listing) {
      var old = listing.querySelector('[data-story="' + data.story + '"]');
      if (old || String(data.section) === listing.dataset.liveSection) {
        if (!old && listing.dataset.livePage !== "1") return;  // only the first page takes new ones
        place(listing, fragment(data.teaser), 0, old);
      }
    }
  }

  function onGone(data) {
    var selector = '[data-story="' + data.story + '"]';
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (element) {
      if (element.closest("[data-live-river], [data-live-section]")) element.remove();
    });
  }

  var source = new EventSource(url);
  source.addEventListener("story", function (event) { onStory(JSON.parse(event.data)); });
  source.addEventListener("gone", function (event) { onGone(JSON.parse(event.data)); });
  ["comment", "uncomment"].forEach(function (name) {
    source.addEventListener(name, function (event) {
      document.dispatchEvent(new CustomEvent("live:" + name, { detail: JSON.parse(event.data) }));
    });
  });
})();
