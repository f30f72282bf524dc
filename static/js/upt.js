/* SDP — keyboard help and form sections for the UPT register's pages. Everything here is an aid:
   without JavaScript every page and form still works (all sections shown, links clicked). */
(function () {
  "use strict";

  function isTyping(element) {
    return element && (element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName));
  }

  // "/" jumps to the search box; a letter shown in <kbd> next to a link or button follows it.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.activeElement && document.activeElement.hasAttribute("data-search")) {
      document.activeElement.blur();  // back to the page's shortcuts
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || isTyping(document.activeElement)) {
      return;
    }
    if (event.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
      return;
    }
    if (!/^[a-z]$/.test(event.key)) {
      return;
    }
    var target = document.querySelector('[data-key="' + event.key + '"]');
    if (target) {
      event.preventDefault();
      target.click();
    }
  });

  // Sections that only some choices need (the UPT of a transfer, the verdict of a register change) are
  // shown for those choices; hidden ones are disabled so that stale values are not sent.
  function fieldValue(form, name) {
    var field = form.elements[name];
    if (!field || field.disabled) {
      return "";
    }
    return field.value || "";
  }

  function refresh(form) {
    form.querySelectorAll("[data-show-field]").forEach(function (section) {
      var values = (section.getAttribute("data-show-values") || "").split(",");
      var show = values.indexOf(fieldValue(form, section.getAttribute("data-show-field"))) >= 0;
      section.hidden = !show;
      section.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !show;
      });
    });
  }

  document.querySelectorAll("form.register-form").forEach(function (form) {
    if (!form.querySelector("[data-show-field]")) {
      return;
    }
    refresh(form);
    form.addEventListener("change", function () {
      refresh(form);
    });
  });

  // A register change to a B register proposes the next number of that register's book (the form's
  // data-suggest), unless the operator typed another one.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var suggestions = JSON.parse(input.getAttribute("data-suggest"));
    var register = input.form && input.form.elements.register_to;
    if (!register) {
      return;
    }
    function propose() {
      var proposed = input.getAttribute("data-proposed") || "";
      if (input.value === "" || input.value === proposed) {
        input.value = suggestions[register.value] || "";
        input.setAttribute("data-proposed", input.value);
      }
    }
    propose();
    register.addEventListener("change", propose);
  });

  // After a refused submit, put the cursor in the first field to fix.
  var invalid = document.querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea");
  if (invalid) {
    invalid.focus();
  } else {
    var summary = document.getElementById("kesalahan");
    if (summary) {
      summary.focus();
    }
  }
})();
