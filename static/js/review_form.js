// The scoring sheet, enhanced: the weighted total follows the scores as they are typed (the
// page itself shows the total as last saved), and after a refused save the error summary at
// the top takes the focus, so the reviewer hears and sees what to correct.
(function () {
  var summary = document.getElementById("review-errors");
  if (summary) summary.focus();

  var output = document.getElementById("weighted-total");
  if (!output) return;
  var inputs = Array.prototype.slice.call(document.querySelectorAll("input[data-weight][data-max]"));

  function total() {
    var sum = 0;
    inputs.forEach(function (input) {
      var score = Number(input.value);
      var max = Number(input.getAttribute("data-max"));
      var weight = Number(input.getAttribute("data-weight"));
      // Out-of-range or unfinished entries add nothing: the server names them on saving.
      if (input.value === "" || !Number.isInteger(score) || score < 0 || score > max || !max) return;
      sum += weight * score / max;
    });
    return (Math.round(sum * 100) / 100).toFixed(2);
  }

  function update() {
    output.textContent = total();
  }

  inputs.forEach(function (input) { input.addEventListener("input", update); });
})();
