/* Triage pages: keyboard shortcuts, the copy button, and showing only the
   assessment fields that apply. Every page works without this file; it is
   loaded from our own origin because the CSP forbids inline script. */
(function () {
  "use strict";

  var TEXT_TYPES = ["text", "search", "number", "date", "email", "url", "tel", "password"];

  function isTyping(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || el.isContentEditable) return true;
    return tag === "input" && TEXT_TYPES.indexOf((el.type || "text").toLowerCase()) !== -1;
  }

  function submit(form, button) {
    if (!form) return;
    button = button || form.querySelector("button[type=submit]");
    if (form.requestSubmit) form.requestSubmit(button || undefined);
    else if (button) button.click();
    else form.submit();
  }

  /* Copy: the live address goes to the clipboard as text; it is never opened. */
  function say(text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) status.textContent = text;
  }

  function copyFallback(text) {
    var input = document.getElementById("live-address");
    if (input) {
      input.focus();
      input.select();
    }
    try {
      if (document.execCommand("copy")) {
        say("Copied. Paste it only in your isolated viewing environment.");
        return;
      }
    } catch (e) { /* fall through */ }
    say("Press Ctrl+C to copy the selected address.");
  }

  function copy(button) {
    var text = button.getAttribute("data-copy-text") || "";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { say("Copied. Paste it only in your isolated viewing environment."); },
        function () { copyFallback(text); }
      );
    } else {
      copyFallback(text);
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-text]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });

  /* Only the fields that apply to the chosen outcome are shown; hidden ones
     are disabled, so they are not sent (the server refuses them anyway). */
  function showApplicable(form) {
    var chosen = form.querySelector("input[name=outcome]:checked");
    var outcome = chosen ? chosen.value : "";
    [[".criminal-details", outcome.indexOf("criminal_") === 0],
     [".duplicate-details", outcome === "duplicate"]].forEach(function (pair) {
      var box = form.querySelector(pair[0]);
      if (!box) return;
      box.hidden = !pair[1];
      Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (field) {
        field.disabled = !pair[1];
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-assessment-form]"), function (form) {
    showApplicable(form);
    form.addEventListener("change", function (event) {
      if (event.target && event.target.name === "outcome") showApplicable(form);
    });
  });

  function assessmentForm(from) {
    return (from && from.closest && from.closest("form[data-assessment-form]")) ||
      document.querySelector("form[data-assessment-form]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.metaKey) return;
    var target = event.target;
    if (event.key === "Enter" && event.ctrlKey) {
      var form = assessmentForm(target);
      if (form) {
        event.preventDefault();
        submit(form);
      }
      return;
    }
    if (event.ctrlKey) return;
    if (event.key === "Enter" && target && target.type === "radio" && target.form &&
        target.form.hasAttribute("data-assessment-form")) {
      event.preventDefault();
      submit(target.form);
      return;
    }
    if (isTyping(target)) return;
    if (event.key === "n") {
      var next = document.querySelector("form[data-shortcut-next]");
      if (next) {
        event.preventDefault();
        submit(next);
      }
    } else if (/^[1-8]$/.test(event.key)) {
      var radios = document.querySelectorAll("form[data-assessment-form] input[name=outcome]");
      var radio = radios[Number(event.key) - 1];
      if (radio) {
        event.preventDefault();
        radio.checked = true;
        radio.focus();
        radio.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (event.key === "c") {
      var button = document.querySelector("[data-copy-text]");
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
