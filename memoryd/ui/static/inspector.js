// memoryd inspector: the little the pages need beyond HTML. Everything works without it,
// except the live snapshot (reload the page instead).
(function () {
  "use strict";

  // Forms that change memory may ask first (data-confirm holds the question).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  var box = document.getElementById("snapshot");
  if (!box) {
    return;
  }
  var fragmentUrl = box.getAttribute("data-fragment-url");
  var streamUrl = box.getAttribute("data-stream-url");
  var status = document.getElementById("snapshot-status");
  var POLL_MS = 5000;

  function currentVersion() {
    var body = box.querySelector("[data-snapshot-body]");
    return body ? body.getAttribute("data-version") : "";
  }

  // The server renders the snapshot; this only swaps the fragment in when it is newer.
  function refresh() {
    if (document.hidden) {
      return;
    }
    fetch(fragmentUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) {
          return;
        }
        var parsed = new DOMParser().parseFromString(html, "text/html");
        var fresh = parsed.querySelector("[data-snapshot-body]");
        var old = box.querySelector("[data-snapshot-body]");
        if (!fresh || !old || fresh.getAttribute("data-version") === currentVersion()) {
          return;
        }
        old.replaceWith(document.importNode(fresh, true));
        if (status) {
          status.textContent = "Snapshot version " + fresh.getAttribute("data-version") + " received.";
        }
      })
      .catch(function () { /* the daemon is restarting: the next tick tries again */ });
  }

  function poll() {
    window.setInterval(refresh, POLL_MS);
  }

  // Live updates through the API's SSE route when the daemon has it (the page says so);
  // if it cannot be opened (e.g. it needs a bearer header), poll instead.
  if (streamUrl && window.EventSource) {
    var opened = false;
    var source = new EventSource(streamUrl);
    var onSnapshot = function () { opened = true; refresh(); };
    source.onmessage = onSnapshot;
    source.addEventListener("snapshot", onSnapshot);
    source.onerror = function () {
      if (!opened) {
        source.close();
        poll();
      }
    };
  } else {
    poll();
  }
})();
