/* The consent page's signature pad: the client draws with a finger, a pen or the mouse, and the
 * drawing (a PNG data URL) goes in the hidden "signature" field. Without this script the pad
 * stays hidden and the client types their full name instead.
 */
(function () {
  "use strict";

  var pad = document.querySelector("[data-signature-pad]");
  var field = document.getElementById("id_signature");
  if (!pad || !field) {
    return;
  }
  var canvas = pad.querySelector("canvas");
  var context = canvas.getContext("2d");
  var drawing = false;
  var inked = false;

  pad.hidden = false;
  var box = canvas.getBoundingClientRect();
  canvas.width = Math.round(box.width);
  canvas.height = Math.round(box.height);
  context.lineWidth = 2.5;
  context.lineCap = "round";
  context.lineJoin = "round";
  context.strokeStyle = "#111";

  function point(event) {
    var rect = canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * canvas.width) / rect.width,
      y: ((event.clientY - rect.top) * canvas.height) / rect.height,
    };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var at = point(event);
    context.beginPath();
    context.moveTo(at.x, at.y);
    context.lineTo(at.x + 0.1, at.y + 0.1);
    context.stroke();
    inked = true;
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) {
      return;
    }
    var at = point(event);
    context.lineTo(at.x, at.y);
    context.stroke();
  });
  function finish() {
    if (drawing && inked) {
      field.value = canvas.toDataURL("image/png");
    }
    drawing = false;
  }
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);

  pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    field.value = "";
    inked = false;
  });
})();
