// The wire desk: new and changed items slide into the queue as they arrive (over the live
// stream every page uses; the stream says which items, the desk fetches their rows signed
// in), j/k move through the queue, Enter or a click shows an item in the preview pane.
// Without this script the queue is a plain list of links that reloads with a chosen item.
(function () {
  "use strict";
  var desk = document.querySelector("[data-wire-desk]");
  if (!desk) return;
  var queue = desk.querySelector("[data-wire-queue]");
  var pane = desk.querySelector("[data-wire-pane]");
  var current = null;

  function rows() { return Array.prototype.slice.call(queue.querySelectorAll(".wire-row")); }

  function select(row, load) {
    if (!row) return;
    if (current) current.classList.remove("wire-selected");
    current = row;
    row.classList.add("wire-selected");
    var link = row.querySelector(".wire-link");
    link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    if (load) preview(link);
  }

  function preview(link) {
    fetch(link.dataset.preview, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { pane.innerHTML = html; })
      .catch(function () { window.location.href = link.href; });
  }

  queue.addEventListener("click", function (event) {
    var link = event.target.closest(".wire-link");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    select(link.closest(".wire-row"), true);
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target.matches("input, textarea, select, [contenteditable]")) return;
    var all = rows(), at = current ? all.indexOf(current) : -1;
    if (event.key === "j") { select(all[Math.min(at + 1, all.length - 1)], true); event.preventDefault(); }
    else if (event.key === "k") { select(all[Math.max(at - 1, 0)], true); event.preventDefault(); }
  });

  // A priority item (a routing rule says so) arriving: a short tone, made here, no file.
  var audio = null;
  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      audio = audio || new Context();
      var tone = audio.createOscillator(), gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
      tone.connect(gain);
      gain.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.3);
      desk.dataset.beeps = String(Number(desk.dataset.beeps || 0) + 1);
    } catch (e) { /* no sound: the highlight still shows */ }
  }
  // Browsers let a page make sound only after a gesture: the first key or click unlocks it.
  document.addEventListener("pointerdown", function () { if (audio && audio.resume) audio.resume(); });

  // Live: the stream names the items; their rows come from the desk, with the page's filters.
  var body = document.body;
  if (!window.EventSource || !body.dataset.liveStream) return;
  var stream = new EventSource(body.dataset.liveStream + "?after=" + encodeURIComponent(body.dataset.liveAfter || ""));
  stream.addEventListener("wire", function (event) {
    var data = JSON.parse(event.data);
    if (!data.items || !data.items.length) return;
    var url = desk.dataset.rows + "?" + (desk.dataset.query ? desk.dataset.query + "&" : "") + "ids=" + data.items.join(",");
    fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html.trim();
        Array.prototype.slice.call(template.content.children).reverse().forEach(function (row) {
          var old = queue.querySelector('[data-wire-item="' + row.dataset.wireItem + '"]');
          var wasCurrent = old && old === current;
          if (old) old.remove();
          // Another report of the same event: the group's one row takes its place.
          if (row.dataset.wireGroup) {
            Array.prototype.slice.call(queue.querySelectorAll('[data-wire-group="' + row.dataset.wireGroup + '"]'))
              .forEach(function (other) { if (other === current) wasCurrent = true; other.remove(); });
          }
          if (row.hasAttribute("data-priority") && !old) beep();
          queue.insertBefore(row, queue.firstElementChild);
          if (wasCurrent) { current = row; row.classList.add("wire-selected"); }
          else {
            row.classList.add("live-new");
            setTimeout(function () { row.classList.remove("live-new"); }, 8000);
          }
        });
        var empty = pane.querySelector(".wire-empty");
        if (empty && queue.children.length) empty.textContent = "Choose an item to read it here.";
      });
  });
})();
