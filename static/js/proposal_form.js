// The proposal form, enhanced; everything here also works without it (more rows on saving,
// totals as saved, every street's communities listed in groups).
// - "Add a budget line" copies the empty row and counts it in the formset's TOTAL_FORMS.
// - The budget total and requested + co-funding follow what is typed, in fen (no float sums).
// - Only the chosen street's communities show (and any group with a ticked community).
(function () {
  var form = document.querySelector("form.proposal-form");
  if (!form) return;

  function fen(text) {
    var value = String(text || "").replace(/[,\s¥]/g, "");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) return null;
    var parts = value.split(".");
    return Number(parts[0]) * 100 + Number(((parts[1] || "") + "00").slice(0, 2));
  }

  function yuan(amount) {
    var sign = amount < 0 ? "-" : "";
    amount = Math.abs(amount);
    var whole = String(Math.floor(amount / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + "¥" + whole + "." + String(amount % 100).padStart(2, "0");
  }

  // -- budget rows and totals ---------------------------------------------------------------
  var budget = document.getElementById("budget");
  var totalForms = form.querySelector("input[name=budget-TOTAL_FORMS]");
  var body = budget && budget.querySelector("table.formset tbody");
  var template = document.getElementById("budget-empty-row");
  var addButton = document.getElementById("add-budget-row");
  var totals = form.querySelector(".budget-totals");
  var budgetOutput = document.getElementById("budget-total");
  var projectOutput = document.getElementById("project-total");
  var match = document.getElementById("budget-match");

  function lineFen(row) {
    var quantity = row.querySelector("input[name$='-quantity']");
    var price = row.querySelector("input[name$='-unit_price']");
    var removed = row.querySelector("input[name$='-DELETE']");
    if (!quantity || !price || (removed && removed.checked)) return 0;
    var q = fen(quantity.value), p = fen(price.value);
    if (q === null || p === null) return 0;
    return Math.round(q * p / 100);  // each line rounded to the fen, half up, as the server does
  }

  function updateTotals() {
    if (!body || !budgetOutput) return;
    var sum = 0;
    Array.prototype.forEach.call(body.rows, function (row) { sum += lineFen(row); });
    budgetOutput.textContent = yuan(sum);
    var requested = fen(form.querySelector("#id_p-requested_amount").value) || 0;
    var cofunding = fen(form.querySelector("#id_p-cofunding_amount").value) || 0;
    projectOutput.textContent = yuan(requested + cofunding);
    match.textContent = totals.getAttribute(sum === requested + cofunding ? "data-match" : "data-mismatch");
  }

  if (body && template && totalForms && addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var index = Number(totalForms.value);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html;
      var row = holder.querySelector("tr");
      row.querySelector(".row-number").textContent = String(index + 1);
      body.appendChild(row);
      totalForms.value = String(index + 1);
      var first = row.querySelector("select, input:not([type=hidden])");
      if (first) first.focus();
    });
  }
  form.addEventListener("input", updateTotals);
  form.addEventListener("change", updateTotals);
  updateTotals();

  // -- communities of the chosen street ------------------------------------------------------
  var street = document.getElementById("id_p-street");
  var groups = document.querySelectorAll(".community-group");
  function filterCommunities() {
    Array.prototype.forEach.call(groups, function (group) {
      var ticked = group.querySelector("input:checked");
      group.hidden = Boolean(street.value) && group.getAttribute("data-street") !== street.value && !ticked;
    });
  }
  if (street && groups.length) {
    street.addEventListener("change", filterCommunities);
    filterCommunities();
  }
})();
