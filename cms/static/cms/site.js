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

// Galleries (cms/blocks/gallery.html): each thumbnail links to its large photo; here the
// photo opens in a <dialog> instead, with previous/next and Escape to close. No outside
// script: pages are served under a Content-Security-Policy of 'self'. The labels come from
// the gallery's own data attributes, so they follow the page's language.
(function () {
  var dialog, img, caption, links, index, labels;
  function show(i) {
    index = (i + links.length) % links.length;
    img.src = links[index].getAttribute("href");
    img.alt = links[index].getAttribute("data-caption") || "";
    caption.textContent = links[index].getAttribute("data-caption") || "";
  }
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function build(grid) {
    labels = {
      prev: grid.getAttribute("data-prev"),
      next: grid.getAttribute("data-next"),
      close: grid.getAttribute("data-close"),
    };
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-label", grid.getAttribute("data-label") || "");
    img = document.createElement("img");
    caption = document.createElement("p");
    var bar = document.createElement("div");
    bar.className = "lightbox-bar";
    bar.appendChild(button(labels.prev, function () { show(index - 1); }));
    bar.appendChild(button(labels.next, function () { show(index + 1); }));
    bar.appendChild(button(labels.close, function () { dialog.close(); }));
    dialog.appendChild(img);
    dialog.appendChild(caption);
    dialog.appendChild(bar);
    dialog.addEventListener("click", function (event) { if (event.target === dialog) dialog.close(); });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") show(index - 1);
      if (event.key === "ArrowRight") show(index + 1);
    });
    document.body.appendChild(dialog);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".gallery-link") : null;
    if (!link || typeof HTMLDialogElement === "undefined") return;
    event.preventDefault();
    var grid = link.closest(".gallery-grid");
    if (!dialog) build(grid);
    links = Array.prototype.slice.call(grid.querySelectorAll(".gallery-link"));
    show(links.indexOf(link));
    if (!dialog.open) dialog.showModal();
  });
})();
