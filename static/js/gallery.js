// The gallery viewer: a photo's link opens the full photo over the page, in a <dialog>,
// with its caption (and credit), previous/next buttons and arrow keys; Escape
// closes it and focus returns to the link. Without JavaScript each link opens the photo.
(function () {
  "use strict";

  function text(node) {
    return node ? node.textContent.trim() : "";
  }

  function setup(gallery) {
    var links = Array.prototype.slice.call(gallery.querySelectorAll(".gallery__link"));
    if (!links.length || typeof HTMLDialogElement !== "function") {
      return;
    }
    var label = gallery.dataset;
    var dialog = document.createElement("dialog");
    dialog.className = "gallery-viewer";
    dialog.setAttribute("aria-label", label.labelDialog);
    var figure = document.createElement("figure");
    figure.className = "gallery-viewer__figure";
    var image = document.createElement("img");
    image.className = "gallery-viewer__image";
    var caption = document.createElement("figcaption");
    caption.className = "gallery-viewer__caption";
    figure.appendChild(image);
    figure.appendChild(caption);
    var controls = document.createElement("div");
    controls.className = "gallery-viewer__controls";
    function button(name, action) {
      var control = document.createElement("button");
      control.type = "button";
      control.textContent = name;
      control.addEventListener("click", action);
      controls.appendChild(control);
      return control;
    }
    var current = 0;
    var opener = null;
    var previous = button(label.labelPrevious, function () { show(current - 1); });
    var count = document.createElement("span");
    count.className = "gallery-viewer__count";
    count.setAttribute("aria-live", "polite");
    controls.appendChild(count);
    var next = button(label.labelNext, function () { show(current + 1); });
    var close = button(label.labelClose, function () { dialog.close(); });
    dialog.appendChild(figure);
    dialog.appendChild(controls);
    document.body.appendChild(dialog);

    function show(index) {
      current = (index + links.length) % links.length;
      var link = links[current];
      var item = link.closest(".gallery__figure");
      var thumbnail = link.querySelector("img");
      image.src = link.href;
      image.alt = thumbnail ? thumbnail.alt : "";
      // The gallery's own caption, with the photo's credit inside it when it has one.
      var source = item.querySelector(".gallery__caption");
      caption.textContent = text(source).replace(/\s+/g, " ");
      if (source && source.lang) {
        caption.lang = source.lang;  // a caption in the other language says so
      } else {
        caption.removeAttribute("lang");
      }
      caption.hidden = !caption.textContent;
      count.textContent = label.labelCount
        .replace("%(number)s", String(current + 1))
        .replace("%(total)s", String(links.length));
      previous.hidden = next.hidden = links.length < 2;
    }

    links.forEach(function (link, index) {
      link.addEventListener("click", function (event) {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
          return;  // a new tab or window, as the reader asked
        }
        event.preventDefault();
        opener = link;
        show(index);
        dialog.showModal();
        close.focus();
      });
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowRight") {
        event.preventDefault();
        show(current + 1);
      } else if (event.key === "ArrowLeft") {
        event.preventDefault();
        show(current - 1);
      }
    });
    // Escape closes a modal dialog by itself; either way focus goes back to the link.
    dialog.addEventListener("close", function () {
      image.removeAttribute("src");
      if (opener) {
        opener.focus();
      }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) {
        dialog.close();  // a click on the backdrop
      }
    });
  }

  document.querySelectorAll("[data-gallery]").forEach(setup);
})();
