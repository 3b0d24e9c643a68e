/* Find a client: results as you type. The term is posted in the body, as the Search button
 * posts it, never put in an address; without this script the button does the same. */
(function () {
  "use strict";

  var form = document.getElementById("client-search");
  if (!form || !window.fetch || !window.DOMParser) {
    return;
  }
  var input = form.querySelector('input[name="q"]');
  var results = document.getElementById(form.getAttribute("data-results"));
  var DEBOUNCE_MS = 300;
  var MIN_LENGTH = 2;
  var timer = null;
  var latest = 0;

  function search() {
    var term = input.value.trim();
    if (term.length < MIN_LENGTH) {
      return;
    }
    var asked = ++latest;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        if (asked !== latest) {
          return; // a later search is on its way
        }
        var page = new DOMParser().parseFromString(html, "text/html");
        var found = page.getElementById(results.id);
        if (found) {
          results.innerHTML = found.innerHTML;
        }
      })
      .catch(function () {
        // Too many searches in a minute, or no connection: the Search button still works.
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
})();
