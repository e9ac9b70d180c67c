"use strict";
// The article form keeps what is typed: the browser asks before leaving a form with
// unsaved changes, and the bodies are copied to this browser's localStorage as they are
// written, so a closed tab or a crash does not lose them; the next time the form opens
// with different bodies, the copy is offered back. A file, not inline script: the admin
// runs under a strict Content-Security-Policy.
(function () {
  const KEY = "newsroom-draft:" + window.location.pathname;
  const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
  const editors = {};
  let dirty = false;
  let saveTimer = null;

  function read() {
    try {
      const draft = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (draft && Date.now() - draft.saved < MAX_AGE_MS) {
        return draft;
      }
    } catch (error) {
      // Storage disabled or a broken entry: there is no draft to offer.
    }
    return null;
  }

  function write(submitted) {
    const bodies = {};
    Object.keys(editors).forEach(function (name) {
      bodies[name] = editors[name].getHTML();
    });
    try {
      window.localStorage.setItem(
        KEY, JSON.stringify({ saved: Date.now(), submitted: submitted, bodies: bodies })
      );
    } catch (error) {
      // Full or disabled storage: the leave-page warning still protects the text.
    }
  }

  function changed() {
    dirty = true;
    window.clearTimeout(saveTimer);
    saveTimer = window.setTimeout(function () { write(false); }, 800);
  }

  document.addEventListener("prose-editor:ready", function (event) {
    const textarea = event.detail.textarea;
    if (!/^body_/.test(textarea.name || "")) {
      return;
    }
    editors[textarea.name] = event.detail.editor;
    event.detail.editor.on("update", changed);
  });

  function differs(draft) {
    return Object.keys(draft.bodies || {}).some(function (name) {
      return editors[name] && editors[name].getHTML() !== draft.bodies[name];
    });
  }

  function offer(draft, bar) {
    const when = new Date(draft.saved);
    bar.querySelector(".newsroom-draft__time").textContent = when.toLocaleString(
      document.documentElement.lang || undefined
    );
    bar.hidden = false;
    bar.querySelector(".newsroom-draft__restore").addEventListener("click", function () {
      Object.keys(draft.bodies).forEach(function (name) {
        if (editors[name]) {
          editors[name].commands.setContent(draft.bodies[name], { emitUpdate: true });
        }
      });
      dirty = true;
      bar.hidden = true;
    });
    bar.querySelector(".newsroom-draft__discard").addEventListener("click", function () {
      window.localStorage.removeItem(KEY);
      bar.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("#content-main form");
    if (!form) {
      return;
    }
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });
    form.addEventListener("submit", function () {
      dirty = false;
      window.clearTimeout(saveTimer);
      write(true);
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    const draft = read();
    const bar = document.querySelector(".newsroom-draft");
    if (!draft || !bar) {
      return;
    }
    if (differs(draft)) {
      offer(draft, bar);
    } else if (draft.submitted) {
      // The save this draft was sent with is on the page: nothing left to offer.
      window.localStorage.removeItem(KEY);
    }
  });
})();
