// The menu button on a phone. A file, not an inline script: union pages are served under a
// Content-Security-Policy without inline scripts, cached pages carry no per-request nonce.
(function () {
  var button = document.querySelector(".menu-toggle");
  if (!button) return;
  document.documentElement.classList.add("has-menu-toggle");
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
  });
})();
