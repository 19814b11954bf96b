// The menu button for narrow screens. Loaded in <head> without defer so the "js-nav" class is set
// before the first paint: the stylesheet folds the navigation away only under that class, so a
// browser without JavaScript keeps every link visible and never sees a button that does nothing.
(function () {
  "use strict";
  document.documentElement.classList.add("js-nav");

  function setUp() {
    var button = document.querySelector(".nav-toggle");
    var nav = button && document.getElementById(button.getAttribute("aria-controls"));
    if (!nav) {
      return;
    }
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
    }
    function isOpen() {
      return button.getAttribute("aria-expanded") === "true";
    }
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(!isOpen());
    });
    // Escape closes the menu and returns focus to the button, as for any disclosure.
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) {
        setOpen(false);
        button.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
