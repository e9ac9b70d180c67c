"use strict";
// The article form: remember which rich-text body was used last, and put a gallery
// photo into it. Loaded as a file (no inline script: the admin runs under a strict CSP).
(function () {
  let active = null;

  document.addEventListener("prose-editor:ready", function (event) {
    const entry = { editor: event.detail.editor, textarea: event.detail.textarea };
    entry.editor.on("focus", function () {
      active = entry;
    });
  });

  function language(textarea) {
    const match = /_([a-z]{2})$/.exec(textarea.id || textarea.name || "");
    return match ? match[1] : "";
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest(".newsroom-insert");
    if (!button) {
      return;
    }
    event.preventDefault();
    const status = document.querySelector(".newsroom-picker-status");
    if (!active) {
      if (status) {
        status.textContent = status.dataset.noEditor;
      }
      return;
    }
    const lang = language(active.textarea);
    const alt = button.dataset["alt" + lang.charAt(0).toUpperCase() + lang.slice(1)] ||
      button.dataset.altAz || button.dataset.altEn || "";
    active.editor.chain().focus().setImage({
      src: button.dataset.src,
      alt: alt,
      width: button.dataset.width,
      height: button.dataset.height,
    }).run();
    if (status) {
      status.textContent = status.dataset.inserted;
    }
  });
})();
