// Pages for guests are the same for everyone, so their forms come with an empty CSRF
// token. When the reader starts using a form (or sends it), this asks the server for a
// token once and fills in every empty token field. Without this script a guest's post
// is shown back once to be confirmed, with a token.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.dataset.tokenUrl;
  var pending = null;

  function tokenFields() {
    return document.querySelectorAll("form[method=post] input[name=csrfmiddlewaretoken]");
  }

  function fill(token) {
    Array.prototype.forEach.call(tokenFields(), function (input) {
      if (!input.value) input.value = token;
    });
    return token;
  }

  // Resolves once every token field is filled in (or it could not be: the server then asks to confirm).
  function ready() {
    var missing = Array.prototype.some.call(tokenFields(), function (input) { return !input.value; });
    if (!missing) return Promise.resolve(null);  // a signed-in reader's page has its token
    if (!url || !window.fetch) return Promise.resolve("");
    if (!pending) {
      pending = fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (data) {
          if (!data.token) throw new Error("no token");
          return fill(data.token);
        })
        .catch(function () { pending = null; return ""; });
    } else {
      pending.then(fill);  // fields added since (new comments) get it too
    }
    return pending;
  }

  // After the server said the token was missing or stale: the next send fetches a new one.
  function reset() {
    pending = null;
    Array.prototype.forEach.call(tokenFields(), function (input) { input.value = ""; });
  }

  function needsToken(form) {
    var input = form && form.method === "post" && form.querySelector("input[name=csrfmiddlewaretoken]");
    return !!input && !input.value;
  }

  document.addEventListener("focusin", function (event) {
    if (needsToken(event.target.form)) ready();
  });

  // Forms posted the ordinary way (like, report) wait for the token, then go on; a form
  // a script sends itself (the comment form) calls newsdeskCsrf.ready() instead.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !needsToken(form) || form.dataset.csrfTried) return;
    event.preventDefault();
    var submitter = event.submitter;
    ready().then(function () {
      form.dataset.csrfTried = "1";  // once only: without a token the server asks to confirm
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
      delete form.dataset.csrfTried;
    });
  });

  window.newsdeskCsrf = { ready: ready, reset: reset };
})();
