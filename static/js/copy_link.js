/* The "Copy" button beside a link: shown only when the browser can copy. */
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    if (!navigator.clipboard) {
      return;
    }
    var input = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById("copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(
        function () { status.textContent = "Link copied."; },
        function () { input.select(); status.textContent = "Select the link and copy it."; }
      );
    });
  });
})();
