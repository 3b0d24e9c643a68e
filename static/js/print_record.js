/* The record page's print button: log the print (POST, no client data in the URL), then print.
 * Without this script the button posts the form, which logs the print and returns to the page.
 */
(function () {
  "use strict";

  var form = document.getElementById("print-form");
  if (!form || !window.fetch) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    }).finally(function () {
      window.print();
    });
  });
})();
