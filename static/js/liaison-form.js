/* 联络员表: the authority list gets a filter box (was inline in templates/aid_projects/liaison_form.html) */
// 登记管理机关: a filter box above the grouped list (name or division code), no library needed
document.querySelectorAll("select[data-searchable]").forEach(function (select) {
  var box = document.createElement("input");
  box.type = "search";
  box.className = "form-control form-control-sm mb-1";
  box.placeholder = "输入名称或区划代码筛选，如“城关”或“5401”";
  box.id = select.id + "-search";
  box.setAttribute("aria-label", "筛选登记管理机关");
  select.parentNode.insertBefore(box, select);
  box.addEventListener("input", function () {
    var q = box.value.trim();
    var first = null;
    select.querySelectorAll("optgroup").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll("option").forEach(function (option) {
        var hit = !q || option.text.indexOf(q) >= 0 || group.label.indexOf(q) >= 0;
        option.hidden = !hit;
        if (hit) { shown += 1; first = first || option; }
      });
      group.hidden = shown === 0;
    });
    if (q && first && select.selectedOptions.length && select.selectedOptions[0].hidden) { first.selected = true; }
  });
});
