// The story body's rich-text editor (ProseMirror, vendor/prosemirror.js), in place of the
// body's textarea. The textarea stays the form's field: every change writes the body's HTML
// into it, so Save, Preview and autosave (editor.js) post it as they did. Without this
// script the textarea is there to type HTML in.
//
// The schema is the sanitiser's subset (newsdesk/stories/body.py), so what this editor
// writes is stored unchanged and opens again the same.
(function () {
  "use strict";
  var PM = window.ProseMirror;
  var textarea = document.querySelector("textarea[data-rich-editor]");
  if (!PM || !textarea) return;

  var EMBEDS = {
    youtube: [/^https?:\/\/(?:(?:www\.|m\.)?youtube\.com\/(?:watch\?(?:[^#]*&)?v=|shorts\/|embed\/)|youtu\.be\/)([A-Za-z0-9_-]{11})(?:[?&#/].*)?$/, "https://www.youtube.com/watch?v="],
    vimeo: [/^https?:\/\/(?:www\.|player\.)?vimeo\.com\/(?:video\/)?(\d{1,12})(?:[?#/].*)?$/, "https://vimeo.com/"],
    x: [/^https?:\/\/(?:www\.|mobile\.)?(?:x|twitter)\.com\/(\w{1,30}\/status\/\d{1,25})(?:[?#/].*)?$/, "https://x.com/"],
    instagram: [/^https?:\/\/(?:www\.)?instagram\.com\/(?:p|reel)\/([A-Za-z0-9_-]{5,40})\/?(?:[?#].*)?$/, "https://www.instagram.com/p/", "/"]
  };
  function embedOf(url) {
    url = (url || "").trim();
    for (var kind in EMBEDS) {
      var m = EMBEDS[kind][0].exec(url);
      if (m) return { kind: kind, url: EMBEDS[kind][1] + m[1] + (EMBEDS[kind][2] || "") };
    }
    return null;
  }
  function squash(text) { return (text || "").split(/\s+/).filter(Boolean).join(" "); }

  function figureAttrs(dom) {
    var img = dom.querySelector("img");
    if (!img || !img.getAttribute("src")) return false;
    var caption = "", credit = "", figcaption = dom.querySelector("figcaption");
    if (figcaption) {
      var small = figcaption.querySelector("small");
      credit = small ? squash(small.textContent) : "";
      var copy = figcaption.cloneNode(true);
      copy.querySelectorAll("small").forEach(function (s) { s.remove(); });
      caption = squash(copy.textContent);
    }
    return { picture: dom.getAttribute("data-picture"), src: img.getAttribute("src"),
             alt: squash(img.getAttribute("alt")), caption: caption, credit: credit };
  }

  var schema = new PM.Schema({
    nodes: {
      doc: { content: "(block | figure)+" },
      paragraph: { content: "inline*", group: "block", parseDOM: [{ tag: "p" }], toDOM: function () { return ["p", 0]; } },
      heading: {
        attrs: { level: { default: 2 } }, content: "inline*", group: "block", defining: true,
        parseDOM: [2, 3, 4].map(function (n) { return { tag: "h" + n, attrs: { level: n } }; }),
        toDOM: function (node) { return ["h" + node.attrs.level, 0]; }
      },
      pull_quote: {
        content: "paragraph+", group: "block", defining: true,
        parseDOM: [{ tag: "blockquote.pull-quote", priority: 60 }],
        toDOM: function () { return ["blockquote", { class: "pull-quote" }, 0]; }
      },
      blockquote: { content: "block+", group: "block", defining: true, parseDOM: [{ tag: "blockquote" }], toDOM: function () { return ["blockquote", 0]; } },
      bullet_list: { content: "list_item+", group: "block", parseDOM: [{ tag: "ul" }], toDOM: function () { return ["ul", 0]; } },
      ordered_list: { content: "list_item+", group: "block", parseDOM: [{ tag: "ol" }], toDOM: function () { return ["ol", 0]; } },
      list_item: { content: "paragraph block*", defining: true, parseDOM: [{ tag: "li" }], toDOM: function () { return ["li", 0]; } },
      picture: {
        group: "figure", atom: true, draggable: true,
        attrs: { picture: {}, src: {}, alt: { default: "" }, caption: { default: "" }, credit: { default: "" } },
        parseDOM: [{ tag: "figure[data-picture]", getAttrs: figureAttrs }],
        toDOM: function (node) {
          var a = node.attrs, figure = ["figure", { "data-picture": a.picture }, ["img", { src: a.src, alt: a.alt }]];
          if (a.caption || a.credit) {
            var caption = ["figcaption"];
            if (a.caption) caption.push(a.caption);
            if (a.credit) caption.push(["small", a.credit]);
            figure.push(caption);
          }
          return figure;
        }
      },
      embed: {
        group: "figure", atom: true, draggable: true, attrs: { kind: {}, url: {} },
        parseDOM: [{ tag: "figure[data-embed]", getAttrs: function (dom) {
          var a = dom.querySelector("a"), found = a && embedOf(a.getAttribute("href"));
          return found ? { kind: found.kind, url: found.url } : false;
        } }],
        toDOM: function (node) { return ["figure", { "data-embed": node.attrs.kind }, ["a", { href: node.attrs.url }, node.attrs.url]]; }
      },
      text: { group: "inline" },
      hard_break: { inline: true, group: "inline", selectable: false, parseDOM: [{ tag: "br" }], toDOM: function () { return ["br"]; } }
    },
    marks: {
      link: {
        attrs: { href: {}, title: { default: null } }, inclusive: false,
        parseDOM: [{ tag: "a[href]", getAttrs: function (dom) { return { href: dom.getAttribute("href"), title: dom.getAttribute("title") }; } }],
        toDOM: function (mark) { return ["a", { href: mark.attrs.href, title: mark.attrs.title }, 0]; }
      },
      em: { parseDOM: [{ tag: "em" }, { tag: "i" }], toDOM: function () { return ["em", 0]; } },
      strong: { parseDOM: [{ tag: "strong" }, { tag: "b" }], toDOM: function () { return ["strong", 0]; } }
    }
  });
  var N = schema.nodes, M = schema.marks;

  // Whitespace between blocks (imported text has newlines there) is not text; inside a
  // paragraph every space is kept, as typed.
  function parse(html) {
    var box = document.createElement("div");
    box.innerHTML = html;
    (function strip(el) {
      Array.prototype.slice.call(el.childNodes).forEach(function (child) {
        if (child.nodeType === 3 && !/\S/.test(child.nodeValue) && /^(DIV|UL|OL|BLOCKQUOTE|FIGURE|LI)$/.test(el.nodeName)) {
          el.removeChild(child);
        } else if (child.nodeType === 1 && !/^(P|H2|H3|H4|A|EM|STRONG|I|B)$/.test(child.nodeName)) {
          strip(child);
        }
      });
    })(box);
    return PM.DOMParser.fromSchema(schema).parse(box, { preserveWhitespace: true });
  }
  function serialize(doc) {
    if (doc.childCount === 1 && doc.firstChild.type === N.paragraph && doc.firstChild.content.size === 0) return "";
    var box = document.createElement("div");
    box.appendChild(PM.DOMSerializer.fromSchema(schema).serializeFragment(doc.content));
    return box.innerHTML;
  }

  // Commands
  function markActive(state, type) {
    var sel = state.selection;
    return sel.empty ? !!type.isInSet(state.storedMarks || sel.$from.marks()) : state.doc.rangeHasMark(sel.from, sel.to, type);
  }
  function blockIs(state, type, attrs) {
    var $from = state.selection.$from;
    for (var d = $from.depth; d > 0; d--) {
      var node = $from.node(d);
      if (node.type === type && (!attrs || node.attrs.level === attrs.level)) return true;
    }
    return false;
  }
  function toggleWrap(type) {
    return function (state, dispatch) {
      return blockIs(state, type) ? PM.lift(state, dispatch) : PM.wrapIn(type)(state, dispatch);
    };
  }
  function toggleHeading(level) {
    return function (state, dispatch) {
      if (blockIs(state, N.heading, { level: level })) return PM.setBlockType(N.paragraph)(state, dispatch);
      return PM.setBlockType(N.heading, { level: level })(state, dispatch);
    };
  }
  function toggleList(type) {
    return function (state, dispatch) {
      return blockIs(state, type) ? PM.liftListItem(N.list_item)(state, dispatch) : PM.wrapInList(type)(state, dispatch);
    };
  }
  function insertFigure(node) {
    return function (state, dispatch) {
      var sel = state.selection;
      // At the top level: after the block the cursor is in (pictures are not inside lists or quotes).
      var pos = sel.node && sel.node.type.isAtom && sel.$from.depth === 0 ? sel.to : sel.$from.after(1);
      if (dispatch) {
        var tr = state.tr.insert(pos, node);
        if (pos + node.nodeSize >= tr.doc.content.size) tr.insert(tr.doc.content.size, N.paragraph.create());
        tr.setSelection(PM.NodeSelection.create(tr.doc, pos));
        dispatch(tr.scrollIntoView());
      }
      return true;
    };
  }

  // The toolbar, the dialogs and the editable area, in place of the textarea.
  var wrap = document.createElement("div");
  wrap.className = "rich-editor";
  var toolbar = document.createElement("div");
  toolbar.className = "rich-toolbar";
  toolbar.setAttribute("role", "toolbar");
  toolbar.setAttribute("aria-label", "Text formatting");
  var mount = document.createElement("div");
  mount.className = "rich-body";
  wrap.appendChild(toolbar);
  wrap.appendChild(mount);
  textarea.parentNode.insertBefore(wrap, textarea.nextSibling);
  textarea.hidden = true;
  var label = document.querySelector("label[for='" + textarea.id + "']");
  if (label) { label.id = textarea.id + "-label"; label.removeAttribute("for"); }
  var help = document.getElementById(textarea.id + "_helptext");
  if (help) help.textContent = "Format with the toolbar or the keys: Ctrl+B bold, Ctrl+I italic, Ctrl+K link, Ctrl+Z undo.";

  var buttons = [];
  function button(text, title, command, isActive) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = text;
    b.title = title;
    if (isActive) b.setAttribute("aria-pressed", "false");
    b.addEventListener("mousedown", function (e) { e.preventDefault(); });  // keep the editor's selection
    b.addEventListener("click", function () { command(view.state, view.dispatch, view); view.focus(); });
    toolbar.appendChild(b);
    buttons.push({ el: b, command: command, isActive: isActive });
  }

  var view;
  var plugins = [
    PM.history(),
    PM.inputRules({ rules: [
      PM.textblockTypeInputRule(/^(#{2,4})\s$/, N.heading, function (m) { return { level: m[1].length }; }),
      PM.wrappingInputRule(/^\s*>\s$/, N.blockquote),
      PM.wrappingInputRule(/^\s*([-+*])\s$/, N.bullet_list),
      PM.wrappingInputRule(/^(\d+)\.\s$/, N.ordered_list)
    ] }),
    PM.keymap({
      "Mod-z": PM.undo, "Shift-Mod-z": PM.redo, "Mod-y": PM.redo,
      "Mod-b": PM.toggleMark(M.strong), "Mod-i": PM.toggleMark(M.em),
      "Mod-k": function () { linkDialog(); return true; },
      "Shift-Enter": PM.chainCommands(PM.exitCode, function (state, dispatch) {
        if (dispatch) dispatch(state.tr.replaceSelectionWith(N.hard_break.create()).scrollIntoView());
        return true;
      }),
      "Enter": PM.splitListItem(N.list_item),
      "Tab": PM.sinkListItem(N.list_item), "Shift-Tab": PM.liftListItem(N.list_item)
    }),
    PM.keymap(PM.baseKeymap),
    PM.dropCursor(),
    PM.gapCursor()
  ];

  view = new PM.EditorView(mount, {
    state: PM.EditorState.create({ doc: parse(textarea.value), plugins: plugins }),
    attributes: { "aria-labelledby": textarea.id + "-label", "aria-multiline": "true", role: "textbox",
                  "aria-describedby": textarea.id + "_helptext", class: "body rich-text" },
    dispatchTransaction: function (tr) {
      view.updateState(view.state.apply(tr));
      if (tr.docChanged) {
        textarea.value = serialize(view.state.doc);
        textarea.dispatchEvent(new Event("input", { bubbles: true }));
      }
      refresh();
    },
    handleDoubleClickOn: function (v, pos, node) {
      if (node.type === N.picture) { pictureDialog(node, pos); return true; }
      return false;
    }
  });
  function refresh() {
    buttons.forEach(function (b) {
      b.el.disabled = !b.command(view.state, null, view);
      if (b.isActive) b.el.setAttribute("aria-pressed", String(b.isActive(view.state)));
    });
  }

  // Dialogs: one <dialog> each, made here (the page has no inline markup for them).
  function dialog(title) {
    var d = document.createElement("dialog");
    d.className = "rich-dialog";
    var h = document.createElement("h2");
    h.textContent = title;
    h.id = "rich-dialog-" + title.toLowerCase().replace(/\W+/g, "-");
    d.setAttribute("aria-labelledby", h.id);
    d.appendChild(h);
    document.body.appendChild(d);
    return d;
  }
  function field(parent, labelText, type, hint) {
    var id = "rich-" + labelText.toLowerCase().replace(/\W+/g, "-");
    var p = document.createElement("p");
    var l = document.createElement("label");
    l.htmlFor = id;
    l.textContent = labelText;
    var input = document.createElement("input");
    input.type = type || "text";
    input.id = id;
    p.appendChild(l);
    if (hint) {
      var s = document.createElement("small");
      s.id = id + "-hint";
      s.textContent = hint;
      input.setAttribute("aria-describedby", s.id);
      p.appendChild(s);
    }
    p.appendChild(input);
    parent.appendChild(p);
    return input;
  }
  function actions(parent, list) {
    var p = document.createElement("p");
    p.className = "rich-dialog-actions";
    list.forEach(function (item) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = item[0];
      b.addEventListener("click", item[1]);
      p.appendChild(b);
    });
    parent.appendChild(p);
    return p;
  }
  function alertBox(parent) {
    var p = document.createElement("p");
    p.className = "rich-dialog-error";
    p.setAttribute("role", "alert");
    parent.appendChild(p);
    return p;
  }
  function close(d) { d.close(); view.focus(); }

  // Link
  var linkBox = dialog("Link");
  var linkUrl = field(linkBox, "Address", "url", "A web address (https://…) or an email (mailto:…).");
  var linkError = alertBox(linkBox);
  actions(linkBox, [["Apply", applyLink], ["Remove link", function () {
    var s = view.state, range = linkRange(s);
    view.dispatch(s.tr.removeMark(range.from, range.to, M.link));
    close(linkBox);
  }], ["Cancel", function () { close(linkBox); }]]);
  linkUrl.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); applyLink(); } });
  function linkRange(state) {
    var sel = state.selection, $pos = sel.$from, mark = M.link.isInSet($pos.marks());
    if (!sel.empty || !mark) return { from: sel.from, to: sel.to };
    // A cursor in a link: the whole link.
    var parent = $pos.parent, index = $pos.index(), first, last, i, from = $pos.start();
    if (index >= parent.childCount || !mark.isInSet(parent.child(index).marks)) index -= 1;
    for (first = index; first > 0 && mark.isInSet(parent.child(first - 1).marks); first--);
    for (last = index; last < parent.childCount - 1 && mark.isInSet(parent.child(last + 1).marks); last++);
    for (i = 0; i < first; i++) from += parent.child(i).nodeSize;
    var to = from;
    for (i = first; i <= last; i++) to += parent.child(i).nodeSize;
    return { from: from, to: to };
  }
  function linkDialog() {
    var state = view.state, range = linkRange(state), mark = null;
    state.doc.nodesBetween(range.from, range.to, function (node) { mark = mark || M.link.isInSet(node.marks); });
    linkUrl.value = mark ? mark.attrs.href : "";
    linkError.textContent = "";
    linkBox.showModal();
  }
  function applyLink() {
    var href = linkUrl.value.trim();
    if (/^www\./i.test(href)) href = "https://" + href;
    if (!/^(https?:\/\/[^\s]+|mailto:[^\s]+@[^\s]+)$/i.test(href)) {
      linkError.textContent = "Give a full web address starting with https:// (or http://), or an email as mailto:name@example.org.";
      return;
    }
    var s = view.state, range = linkRange(s), tr = s.tr;
    if (range.from === range.to) {
      tr.insertText(href, range.from);
      range = { from: range.from, to: range.from + href.length };
    }
    tr.removeMark(range.from, range.to, M.link).addMark(range.from, range.to, M.link.create({ href: href }));
    view.dispatch(tr);
    close(linkBox);
  }

  // Picture: search the library, choose, say its caption and credit.
  var pictureBox = dialog("Picture");
  var searchUrl = textarea.getAttribute("data-picture-search");
  var pictureSearch = field(pictureBox, "Search the picture library", "search", "Words of the alt text, caption or credit.");
  var results = document.createElement("ul");
  results.className = "rich-pictures";
  results.setAttribute("aria-label", "Pictures found");
  pictureBox.appendChild(results);
  var details = document.createElement("div");
  details.className = "rich-picture-details";
  var chosenImg = document.createElement("img");
  chosenImg.alt = "";
  details.appendChild(chosenImg);
  var captionInput = field(details, "Caption", "text");
  var creditInput = field(details, "Credit", "text", "Photographer or agency.");
  pictureBox.appendChild(details);
  var pictureError = alertBox(pictureBox);
  var insertButtons = actions(pictureBox, [["Insert picture", insertPicture], ["Cancel", function () { close(pictureBox); }]]);
  var chosen = null, editingAt = null, onChoose = null, searchTimer = null;
  function pictureDialog(node, pos, callback) {
    editingAt = node ? pos : null;
    onChoose = callback || null;
    chosen = node ? { id: node.attrs.picture, src: node.attrs.src, alt: node.attrs.alt } : null;
    captionInput.value = node ? node.attrs.caption : "";
    creditInput.value = node ? node.attrs.credit : "";
    showChosen();
    pictureBox.showModal();
    if (!node) { pictureSearch.value = ""; search(); pictureSearch.focus(); } else captionInput.focus();
  }
  // The lead picture's chooser: the same search, where one click chooses.
  function choosePicture(callback) { pictureDialog(null, null, callback); }
  function showChosen() {
    details.hidden = !chosen || !!onChoose;
    insertButtons.firstChild.hidden = !chosen || !!onChoose;
    insertButtons.firstChild.textContent = editingAt === null ? "Insert picture" : "Save caption and credit";
    if (chosen) { chosenImg.src = chosen.src; }
    pictureError.textContent = "";
  }
  function search() {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      fetch(searchUrl + "?q=" + encodeURIComponent(pictureSearch.value), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          results.textContent = "";
          if (!data.pictures.length) {
            var none = document.createElement("li");
            none.textContent = "No picture matches. Upload pictures in the library first.";
            results.appendChild(none);
          }
          data.pictures.forEach(function (p) {
            var li = document.createElement("li"), b = document.createElement("button"), img = document.createElement("img");
            b.type = "button";
            img.src = p.thumb;
            img.alt = "";
            b.appendChild(img);
            b.appendChild(document.createTextNode(p.alt + (p.credit ? " · " + p.credit : "")));
            b.addEventListener("click", function () {
              if (onChoose) { onChoose(p); close(pictureBox); return; }
              chosen = { id: String(p.id), src: p.src, alt: p.alt };
              captionInput.value = p.caption;
              creditInput.value = p.credit;
              showChosen();
              captionInput.focus();
            });
            li.appendChild(b);
            results.appendChild(li);
          });
        })
        .catch(function () { pictureError.textContent = "The picture library did not answer: try again."; });
    }, 200);
  }
  pictureSearch.addEventListener("input", search);
  function insertPicture() {
    if (!chosen) { pictureError.textContent = "Choose a picture first."; return; }
    var attrs = { picture: chosen.id, src: chosen.src, alt: squash(chosen.alt), caption: squash(captionInput.value), credit: squash(creditInput.value) };
    if (editingAt !== null) {
      view.dispatch(view.state.tr.setNodeMarkup(editingAt, null, attrs));
    } else {
      insertFigure(N.picture.create(attrs))(view.state, view.dispatch);
    }
    close(pictureBox);
  }

  // Embed
  var embedBox = dialog("Embed");
  var embedUrl = field(embedBox, "Address of the post or video", "url", "A YouTube or Vimeo video, a post on X or on Instagram. Readers get a link to it: nothing loads from those sites until they follow it.");
  var embedError = alertBox(embedBox);
  actions(embedBox, [["Insert embed", insertEmbed], ["Cancel", function () { close(embedBox); }]]);
  embedUrl.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); insertEmbed(); } });
  function insertEmbed() {
    var found = embedOf(embedUrl.value);
    if (!found) { embedError.textContent = "That is not an address of a YouTube or Vimeo video, or of a post on X or Instagram."; return; }
    insertFigure(N.embed.create(found))(view.state, view.dispatch);
    close(embedBox);
  }

  button("Paragraph", "Plain paragraph", PM.setBlockType(N.paragraph), function (s) { return s.selection.$from.parent.type === N.paragraph && !blockIs(s, N.list_item); });
  button("Heading", "Sub-heading (## then space)", toggleHeading(2), function (s) { return blockIs(s, N.heading, { level: 2 }); });
  button("Small heading", "Smaller sub-heading (### then space)", toggleHeading(3), function (s) { return blockIs(s, N.heading, { level: 3 }); });
  button("Bold", "Bold (Ctrl+B)", PM.toggleMark(M.strong), function (s) { return markActive(s, M.strong); });
  button("Italic", "Italic (Ctrl+I)", PM.toggleMark(M.em), function (s) { return markActive(s, M.em); });
  button("Link", "Link (Ctrl+K)", function (s, dispatch) { if (dispatch) linkDialog(); return true; }, function (s) { return markActive(s, M.link); });
  button("List", "Bulleted list (- then space)", toggleList(N.bullet_list), function (s) { return blockIs(s, N.bullet_list); });
  button("Numbered list", "Numbered list (1. then space)", toggleList(N.ordered_list), function (s) { return blockIs(s, N.ordered_list); });
  button("Quote", "Quotation (> then space)", toggleWrap(N.blockquote), function (s) { return blockIs(s, N.blockquote); });
  button("Pull quote", "A short line from the story, set large", toggleWrap(N.pull_quote), function (s) { return blockIs(s, N.pull_quote); });
  button("Picture", "A picture from the library, with its caption and credit", function (s, dispatch) {
    if (dispatch) {
      var sel = s.selection;
      if (sel.node && sel.node.type === N.picture) pictureDialog(sel.node, sel.from); else pictureDialog(null);
    }
    return true;
  });
  button("Embed", "A video or a post from YouTube, Vimeo, X or Instagram", function (s, dispatch) {
    if (dispatch) { embedUrl.value = ""; embedError.textContent = ""; embedBox.showModal(); }
    return true;
  });
  button("Undo", "Undo (Ctrl+Z)", PM.undo);
  button("Redo", "Redo (Ctrl+Shift+Z)", PM.redo);
  refresh();

  // The lead picture: chosen here, kept in the form's hidden field until Save.
  var leadInput = document.querySelector("[data-lead-input]"), leadPreview = document.querySelector("[data-lead-preview]");
  var leadChoose = document.querySelector("[data-lead-choose]"), leadRemove = document.querySelector("[data-lead-remove]");
  if (leadInput && leadPreview && leadChoose) {
    leadChoose.hidden = false;
    document.querySelectorAll("[data-lead-library]").forEach(function (el) { el.hidden = true; });
    var setLead = function (p) {
      leadInput.value = p ? p.id : "";
      leadPreview.textContent = "";
      if (p) {
        var img = document.createElement("img");
        img.src = p.thumb;
        img.alt = p.alt;
        img.className = "picture picture-thumb";
        leadPreview.appendChild(img);
      }
      var span = document.createElement("span");
      span.textContent = p ? p.alt + (p.credit ? " · " + p.credit : "") : "None";
      leadPreview.appendChild(span);
      if (leadRemove) leadRemove.hidden = !p;
      leadInput.dispatchEvent(new Event("change", { bubbles: true }));
    };
    leadChoose.addEventListener("click", function () { choosePicture(setLead); });
    if (leadRemove) {
      leadRemove.textContent = "Remove the lead picture";
      leadRemove.addEventListener("click", function (e) { e.preventDefault(); setLead(null); leadChoose.focus(); });
    } else {
      leadRemove = document.createElement("button");
      leadRemove.type = "button";
      leadRemove.textContent = "Remove the lead picture";
      leadRemove.hidden = true;
      leadRemove.addEventListener("click", function () { setLead(null); leadChoose.focus(); });
      leadChoose.parentNode.appendChild(leadRemove);
    }
  }
})();
