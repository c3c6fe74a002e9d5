/* Portal-wide behaviour, no dependencies. */
(function () {
  "use strict";

  // 「换一张」: a new captcha image and key, the rest of the form untouched
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-captcha-refresh]");
    if (!button) return;
    event.preventDefault();
    var box = button.closest("form") || document;
    fetch(button.getAttribute("data-captcha-refresh"), {headers: {"X-Requested-With": "XMLHttpRequest"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var img = box.querySelector("img.captcha");
        var key = box.querySelector("input[name$='_0'][type='hidden']");
        var answer = box.querySelector("input[name$='_1']");
        if (img) img.src = data.image_url;
        if (key) key.value = data.key;
        if (answer) { answer.value = ""; answer.focus(); }
      });
  });

  // <form data-confirm="…">: asks before sending (the Content-Security-Policy allows no onsubmit="…")
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
  });

  // <button data-print>: the printable documents' 打印 (no onclick="…" under the policy)
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // <a data-history-back>: 取消 goes back a page (no javascript: address under the policy)
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-history-back]");
    if (!link) return;
    event.preventDefault();
    window.history.back();
  });

  // a form that came back with errors: the summary at its top takes the focus, its links go to the fields
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    } else {
      var first = document.querySelector("form .is-invalid, form [aria-invalid='true']");
      if (first) first.focus();
    }
  });
})();
