// The translators' editor: one click puts a translation-memory suggestion into its field.
// Plain fields take the suggestion's text (a plain field is one segment, so it replaces
// the field); the rich-text body inserts the suggestion's HTML at the cursor, through the
// editor itself, which keeps only the markup it allows.
(function () {
  "use strict";
  var editors = {};

  document.addEventListener("prose-editor:ready", function (event) {
    var detail = event.detail || {};
    if (detail.textarea && detail.editor) {
      editors[detail.textarea.id] = detail.editor;
    }
  });

  function textOf(html) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    return parsed.body.textContent || "";
  }

  function insert(button) {
    var fieldId = button.getAttribute("data-field");
    var html = button.getAttribute("data-html") || "";
    var editor = editors[fieldId];
    if (editor) {
      editor.chain().focus().insertContent(html).run();
      return;
    }
    var field = document.getElementById(fieldId);
    if (!field) {
      return;
    }
    var text = textOf(html);
    if (button.getAttribute("data-whole") === "1" || !field.value) {
      field.value = text;
    } else {
      var start = field.selectionStart || 0;
      var end = field.selectionEnd || 0;
      field.value = field.value.slice(0, start) + text + field.value.slice(end);
    }
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".translators-insert") : null;
    if (button) {
      event.preventDefault();
      insert(button);
    }
  });
})();
