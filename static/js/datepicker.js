/* A Chinese date picker on every date input, whatever the browser's language (flatpickr, vendored with its
   zh locale under static/vendor/flatpickr).  Dates are sent as YYYY-MM-DD; typing is allowed, and a date
   typed in another form (2026/1/5, 2026年1月5日, 20260105) is understood here as on the server.  Text the
   picker cannot read is left as typed, so the server says beside the field why it is not a date. */
(function () {
  "use strict";
  if (typeof flatpickr === "undefined") return;

  var PATTERNS = [
    /^(\d{4})-(\d{1,2})-(\d{1,2})$/, /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/,
    /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/, /^(\d{4})(\d{2})(\d{2})$/
  ];

  function parse(text) {
    text = (text || "").trim().replace(/\s+/g, "");
    for (var i = 0; i < PATTERNS.length; i++) {
      var m = PATTERNS[i].exec(text);
      if (!m) continue;
      var y = +m[1], mo = +m[2], d = +m[3];
      var date = new Date(y, mo - 1, d);
      if (date.getFullYear() === y && date.getMonth() === mo - 1 && date.getDate() === d) return date;
      return undefined;  // a real pattern but no such day: the server explains
    }
    return undefined;
  }

  function attach(input) {
    if (input._flatpickr) return;
    // a refused value the server sent back stays as it was typed (a type=date input reads it as empty)
    var typed = input.getAttribute("value") || "";
    input.addEventListener("input", function () { typed = input.value; });
    function keepTyped(selected) {
      // flatpickr empties what it cannot read: keep it, the server names the problem
      if (!selected.length && typed) input.value = typed;
    }
    input.type = "text";
    input.value = typed;
    input.setAttribute("autocomplete", "off");
    if (!input.placeholder) input.placeholder = "年-月-日，如 2026-01-05";
    var picker = flatpickr(input, {
      locale: "zh",
      dateFormat: "Y-m-d",
      allowInput: true,
      allowInvalidPreload: true,
      disableMobile: true,
      parseDate: function (text) { return parse(text); },
      onOpen: function () { typed = ""; },
      onChange: keepTyped,
      onValueUpdate: keepTyped,
      onClose: keepTyped
    });
    // typing is allowed, so flatpickr leaves Escape and Tab to the input: close the calendar on them,
    // or a keyboard user leaves it open over the fields below
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Tab") picker.close();
    });
  }

  function attachAll(root) {
    (root || document).querySelectorAll("input[type=date], input[data-datepicker]").forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { attachAll(event.target); });
})();
