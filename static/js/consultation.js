/* The consultation form: follow-up questions that appear when they apply, autosave, progress.
 *
 * Without this script every question is shown (labels say when to answer) and "Save and continue
 * later" posts the answers. No inline script: the page's CSP forbids it, so everything is wired
 * from data- attributes.
 */
(function () {
  "use strict";

  var form = document.getElementById("consultation-form");
  if (!form) {
    return;
  }
  var saveUrl = form.getAttribute("data-save-url");
  var status = document.getElementById("save-status");
  var DEBOUNCE_MS = 800;
  var RETRY_SECONDS = 10;
  var timer = null;
  var dirty = false;
  var saving = false;
  var saveAgain = false;
  var leaving = false;

  function csrfToken() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  // Follow-up questions -------------------------------------------------------------------

  var followUps = Array.prototype.slice.call(form.querySelectorAll("[data-show-when]"));

  function answerOf(name) {
    var checked = form.querySelector('input[name="' + name + '"]:checked');
    if (checked) {
      return checked.value;
    }
    var field = form.querySelector('select[name="' + name + '"]');
    return field ? field.value : "";
  }

  function applies(container) {
    var rule = container.getAttribute("data-show-when").split("=");
    return rule[1].split(",").indexOf(answerOf(rule[0])) !== -1;
  }

  function isFilled(container) {
    var inputs = container.querySelectorAll("input, select, textarea");
    return Array.prototype.some.call(inputs, function (input) {
      if (input.type === "checkbox" || input.type === "radio") {
        return input.checked;
      }
      return input.value.trim() !== "";
    });
  }

  // A list's rows: those filled and one empty row to add another; the rest appear as they fill.
  // Once every row is filled, a new empty row is added (up to the list's data-most-rows).
  function updateItemRows() {
    var lists = form.querySelectorAll("[data-show-when]");
    Array.prototype.forEach.call(lists, function (list) {
      var rows = list.querySelectorAll(":scope > .item-row");
      var emptyShown = false;
      Array.prototype.forEach.call(rows, function (row) {
        var empty = !isFilled(row) && row.querySelector(".is-invalid") === null;
        row.hidden = empty && emptyShown;
        emptyShown = emptyShown || empty;
      });
      var most = Number(list.getAttribute("data-most-rows") || 0);
      if (!emptyShown && rows.length > 0 && rows.length < most) {
        list.appendChild(emptyRowAfter(rows[rows.length - 1], rows.length + 1));
      }
    });
  }

  // A copy of `row` numbered `number` ("Product 7", topical_products_7_name), with no answer.
  function emptyRowAfter(row, number) {
    var copy = row.cloneNode(true);
    var renumber = function (text) {
      return text.replace(/_\d+_/, "_" + number + "_");
    };
    Array.prototype.forEach.call(copy.querySelectorAll("*"), function (element) {
      ["name", "id", "for", "aria-describedby"].forEach(function (attribute) {
        if (element.hasAttribute(attribute)) {
          element.setAttribute(attribute, renumber(element.getAttribute(attribute)));
        }
      });
      element.classList.remove("is-invalid");
    });
    Array.prototype.forEach.call(copy.querySelectorAll(".invalid-feedback"), function (error) {
      error.remove();
    });
    Array.prototype.forEach.call(copy.querySelectorAll("input, select"), function (input) {
      input.value = "";
    });
    var legend = copy.querySelector("legend");
    legend.textContent = legend.textContent.replace(/\d+\s*$/, String(number));
    copy.hidden = false;
    return copy;
  }

  function updateFollowUps() {
    followUps.forEach(function (container) {
      // A list stays in view while it has items, so that answering No never hides what it
      // contradicts; a question the server flagged stays in view until the page is reloaded.
      var show =
        applies(container) ||
        container.querySelector(".is-invalid") !== null ||
        (container.getAttribute("data-keep-filled") === "true" && isFilled(container));
      container.hidden = !show;
    });
    updateItemRows();
  }

  // "None of these apply" ------------------------------------------------------------------
  // Without script the button posts the answers to the save address, which fills them in.

  var NONE_MARK = "none_applied";
  // The questions answered by "None of these apply in any section below" (the practitioner's
  // page only) are marked once more, so that the record says they were answered all at once.
  var ALL_MARK = "none_applied_all";
  var allNoneButton = form.querySelector('button[name="apply_none"][value="all"]');

  function noneMark(name, kind) {
    return form.querySelector(
      'input[type="hidden"][name="' + (kind || NONE_MARK) + '"][value="' + name + '"]'
    );
  }

  function addNoneMark(name, kind) {
    if (!noneMark(name, kind)) {
      var mark = document.createElement("input");
      mark.type = "hidden";
      mark.name = kind;
      mark.value = name;
      form.appendChild(mark);
    }
  }

  function isAnswered(name) {
    if (answerOf(name) !== "") {
      return true;
    }
    // A question whose follow-up holds anything is answered, even without its Yes.
    var followUp = form.querySelector('[data-show-when^="' + name + '="]');
    return followUp !== null && isFilled(followUp);
  }

  function applyNone(button) {
    var answered = 0;
    var kept = 0;
    button.getAttribute("data-none-answers").split(" ").forEach(function (pair) {
      var parts = pair.split("=");
      var name = parts[0];
      if (isAnswered(name)) {
        kept += 1;
        return;
      }
      var input = form.querySelector('input[name="' + name + '"][value="' + parts[1] + '"]');
      input.checked = true;
      addNoneMark(name, NONE_MARK);
      if (button === allNoneButton) {
        addNoneMark(name, ALL_MARK);
      }
      answered += 1;
    });
    var said = document.getElementById("none-apply-" + button.value + "-status");
    said.textContent =
      answered + " question" + (answered === 1 ? "" : "s") + " answered No or None" +
      (kept ? "; " + kept + " already answered kept as they were" : "") +
      ". Check them with the client and change any that does apply.";
    updateFollowUps();
    schedule();
  }

  function forgetNoneMark(input) {
    // An answer changed by hand is no longer the one "None of these apply" gave.
    [NONE_MARK, ALL_MARK].forEach(function (kind) {
      var mark = input.name ? noneMark(input.name, kind) : null;
      if (mark) {
        mark.parentNode.removeChild(mark);
      }
    });
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest('button[name="apply_none"]');
    if (!button) {
      return;
    }
    event.preventDefault();
    applyNone(button);
    // From the keyboard (a click with no pointer), go on to what is left to answer; a tap
    // stays, so that the answers just given stay in view.
    if (event.detail === 0) {
      goOnFrom(button);
    }
  });

  // Enter: this answer, then the next question still to answer -------------------------------
  // From the keyboard, Enter in an answer saves and moves on: to the next question without an
  // answer (to "None of these apply in any section below" while nothing below it is answered,
  // else to its section's "None of these apply" while nothing in that section is answered),
  // into a list just answered Yes, and at the end to "Screen this client". On a yes/no or
  // choice question with nothing chosen yet, Enter chooses the option in focus, and a digit
  // chooses that option (1 the first) and moves on. Tab, arrows and Space keep their meaning.

  var QUESTION = '[id^="div_id_"]';
  var screenButton = form.querySelector('.consultation-actions button:not([formaction])');

  function isShown(element) {
    return element.getClientRects().length > 0;
  }

  function needsAnswer(question) {
    if (!isShown(question) || isFilled(question)) {
      return false;
    }
    var row = question.closest(".item-row");
    if (row) {
      // The other columns of a row begun, or the first row of a list just answered Yes.
      var list = row.parentElement;
      return isFilled(row) || (row === list.querySelector(".item-row") && !isFilled(list));
    }
    return (
      question.closest("[data-show-when]") !== null ||
      question.querySelector(".requiredField") !== null
    );
  }

  function follows(element, other) {
    return Boolean(other.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  function isTouched(section) {
    return Array.prototype.some.call(section.querySelectorAll(QUESTION), isFilled);
  }

  function untouchedSectionButton(question) {
    var section = question.closest(".consultation-section");
    var button = section && section.querySelector('button[name="apply_none"]');
    return button && !isTouched(section) ? button : null;
  }

  function untouchedAllButton(question) {
    if (!allNoneButton || !follows(question, allNoneButton)) {
      return null;
    }
    var below = Array.prototype.filter.call(
      form.querySelectorAll(".consultation-section"),
      function (section) {
        return follows(section, allNoneButton);
      }
    );
    return below.some(isTouched) ? null : allNoneButton;
  }

  function nextToAnswer(after) {
    // The first question after `after` still to answer, else the first before it.
    var open = Array.prototype.filter.call(form.querySelectorAll(QUESTION), function (question) {
      return !after.contains(question) && needsAnswer(question);
    });
    var later = open.filter(function (question) {
      return follows(question, after);
    });
    var question = later[0] || open[0];
    if (!question) {
      return screenButton;
    }
    return (
      untouchedAllButton(question) ||
      untouchedSectionButton(question) ||
      question.querySelector("input:checked") ||
      question.querySelector("input, select, textarea")
    );
  }

  function goOnFrom(element) {
    var next = nextToAnswer(element.closest(QUESTION) || element);
    if (next) {
      next.focus();
    }
  }

  function chooseByNumber(radio, digit) {
    var options = radio.closest(QUESTION).querySelectorAll('input[type="radio"]');
    var option = options[Number(digit) - 1];
    if (option) {
      option.checked = true;
      option.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return option;
  }

  function chooseIfNothingChosen(input) {
    var question = input.closest(QUESTION);
    var choosable = input.type === "radio" || input.type === "checkbox";
    if (choosable && question && !question.querySelector("input:checked")) {
      input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  // Progress and save status --------------------------------------------------------------

  function setStatus(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function showSections(sections) {
    Object.keys(sections).forEach(function (key) {
      var link = document.querySelector('[data-section="' + key + '"]');
      if (!link) {
        return;
      }
      var complete = sections[key] === true;
      link.classList.toggle("is-complete", complete);
      link.querySelector(".section-status").textContent = complete ? "complete" : "not complete";
      link.querySelector(".section-icon").textContent = complete ? "\u2713" : "\u25CB";
    });
  }

  // Autosave ------------------------------------------------------------------------------

  function request(keepalive) {
    return fetch(saveUrl, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      credentials: "same-origin",
      keepalive: keepalive,
    });
  }

  function handle(response) {
    var type = response.headers.get("Content-Type") || "";
    if (response.status === 409) {
      return response.json().then(function (data) {
        leaving = true;
        window.location.assign(data.screening_url);
      });
    }
    if (response.status === 429) {
      var wait = parseInt(response.headers.get("Retry-After") || "", 10);
      var error = new Error("not saved: too many saves");
      error.retrySeconds = wait > 0 ? wait : RETRY_SECONDS;
      throw error;
    }
    if (!response.ok || type.indexOf("application/json") === -1) {
      throw new Error("not saved: " + response.status);
    }
    return response.json().then(function (data) {
      if (!data.saved_at) {
        setStatus("Nothing typed yet: answers are saved as you go.");
        return;
      }
      var refused = Object.keys(data.errors || {}).map(function (name) {
        return data.errors[name].join(" ");
      });
      setStatus(
        "Saved at " + data.saved_at_display + "." +
          (refused.length ? " Not saved: " + refused.join(" ") : "")
      );
      showSections(data.sections);
    });
  }

  function save() {
    clearTimeout(timer);
    timer = null;
    if (!dirty || leaving || !saveUrl) {
      return;
    }
    if (saving) {
      saveAgain = true;
      return;
    }
    dirty = false;
    saving = true;
    setStatus("Saving\u2026");
    request(false)
      .then(handle)
      .catch(function (error) {
        // Keep the answers on the page and try again; a later keystroke saves sooner.
        dirty = true;
        var seconds = error.retrySeconds || RETRY_SECONDS;
        setStatus(
          (error.retrySeconds
            ? "Not saved (too many saves in a short time), retrying in " + seconds + " seconds. "
            : "Not saved, retrying in " + seconds + " seconds: check the connection, or sign " +
              "in again in another tab. ") + "Your answers are still on this page."
        );
        if (timer === null) {
          timer = setTimeout(save, seconds * 1000);
        }
      })
      .then(function () {
        saving = false;
        if (saveAgain) {
          saveAgain = false;
          save();
        }
      });
  }

  function schedule() {
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(save, DEBOUNCE_MS);
  }

  function saveBeforeLeaving() {
    if (!dirty || leaving || !saveUrl) {
      return;
    }
    clearTimeout(timer);
    dirty = false;
    var sent = false;
    try {
      request(true).catch(function () {
        if (navigator.sendBeacon) {
          navigator.sendBeacon(saveUrl, new FormData(form));
        }
      });
      sent = true;
    } catch (error) {
      sent = false;
    }
    if (!sent && navigator.sendBeacon) {
      // The CSRF token travels in the form data (csrfmiddlewaretoken).
      navigator.sendBeacon(saveUrl, new FormData(form));
    }
  }

  form.addEventListener("input", function () {
    updateItemRows();
    schedule();
  });
  form.addEventListener("keydown", function (event) {
    // Enter in a one-line answer saves and moves on; it never presses a button of the form.
    var field = event.target;
    if (field.type === "radio" && /^[1-9]$/.test(event.key) && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      if (chooseByNumber(field, event.key)) {
        goOnFrom(field);
      }
      return;
    }
    var typed = field.tagName === "INPUT" && ["submit", "button", "reset"].indexOf(field.type) === -1;
    if (event.key !== "Enter" || !typed || event.isComposing) {
      return;
    }
    event.preventDefault();
    chooseIfNothingChosen(field);
    dirty = true;
    save();
    goOnFrom(field);
  });
  form.addEventListener("change", function (event) {
    forgetNoneMark(event.target);
    updateFollowUps();
    schedule();
  });
  form.addEventListener("submit", function () {
    // The submit posts the same answers; a late autosave must not race it.
    leaving = true;
    clearTimeout(timer);
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      saveBeforeLeaving();
    }
  });
  window.addEventListener("pagehide", saveBeforeLeaving);

  // Error summary: take the reader there, and from each message to its question. ---------

  function reveal(element) {
    for (var node = element; node && node !== form; node = node.parentElement) {
      if (node.hidden) {
        node.hidden = false;
      }
    }
  }

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest('a[href^="#"]');
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        return;
      }
      event.preventDefault();
      reveal(target);
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  updateFollowUps();
})();
