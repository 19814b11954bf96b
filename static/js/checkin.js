// Reload the check-in QR code as its time window turns (the page works without it, but the
// code shown would expire after two windows).
(function () {
  var image = document.getElementById("check-in-qr");
  if (!image) return;
  var base = image.getAttribute("src");
  var seconds = parseInt(image.getAttribute("data-refresh-seconds"), 10) || 30;
  setInterval(function () {
    image.setAttribute("src", base + "?t=" + Date.now());
  }, Math.max(seconds * 1000 / 3, 3000));
})();
