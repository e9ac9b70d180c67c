"use strict";
// django-prose-editor 0.28 translates its dialogs through Django's JavaScript catalogue
// (window.gettext, from the admin's jsi18n), but writes its toolbar tooltips and some menu
// labels in English. This puts each of those through the same catalogue: our
// locale/<lang>/LC_MESSAGES/djangojs.po holds them. A file, not inline script (CSP).
(function () {
  const gettext = window.gettext || function (text) { return text; };
  const interpolate = window.interpolate || function (format, args) {
    return format.replace("%s", args[0]);
  };
  const HEADING = /^heading (\d)$/i;
  let watchingBody = false;

  function translated(text) {
    const heading = HEADING.exec(text);
    if (heading) {
      return interpolate(gettext("Heading %s"), [heading[1]]);
    }
    return gettext(text);
  }

  function translate(root) {
    root.querySelectorAll("[title]").forEach(function (element) {
      const title = element.getAttribute("title");
      const done = translated(title);
      if (done !== title) {
        element.setAttribute("title", done);
        if (!element.hasAttribute("aria-label")) {
          element.setAttribute("aria-label", done);
        }
      }
    });
    root.querySelectorAll("option, .prose-menubar__dropdown *").forEach(function (element) {
      if (element.children.length === 0 && element.textContent) {
        const text = element.textContent.trim();
        const done = translated(text);
        if (done !== text) {
          element.textContent = done;
        }
      }
    });
  }

  document.addEventListener("prose-editor:ready", function (event) {
    const root = event.detail.textarea.closest(".prose-editor") ||
      event.detail.textarea.parentElement;
    if (!root) {
      return;
    }
    translate(root);
    // Dialogs and menus are built later, when they are opened.
    new MutationObserver(function () { translate(root); }).observe(root, {
      childList: true,
      subtree: true,
    });
    if (!watchingBody) {
      watchingBody = true;  // dialogs are appended to the body, once for every editor
      new MutationObserver(function () { translate(document.body); }).observe(document.body, {
        childList: true,
      });
    }
  });
})();
