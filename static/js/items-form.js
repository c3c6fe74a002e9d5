/* 附件2/3 表格填报: add and remove rows (was inline in templates/aid_projects/items_form.html) */
(function () {
  const total = document.getElementById("id_items-TOTAL_FORMS");
  const rows = document.getElementById("item-rows");
  const template = document.getElementById("empty-row").innerHTML;
  document.getElementById("add-row").addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    rows.insertAdjacentHTML("beforeend", template.replace(/__prefix__/g, index));
    total.value = index + 1;
  });
  rows.addEventListener("click", function (event) {
    if (!event.target.classList.contains("remove-row")) return;
    // a new row that is removed is left empty: an unchanged extra form is ignored on save
    const row = event.target.closest("tr");
    row.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (el.type === "checkbox") { el.checked = false; } else if (el.type !== "hidden") { el.value = ""; }
    });
    row.hidden = true;
  });
  if (rows.children.length === 0) { document.getElementById("add-row").click(); }
})();
