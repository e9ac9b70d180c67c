"use strict";
// One switch for the whole article form: Azerbaijani, English, or both side by side,
// instead of a pair of tabs on every translated field. The choice is remembered in this
// browser. Fields of a hidden language are still sent with the form; a hidden field with
// an error makes the form show both. A file, not inline script (the admin's CSP).
(function () {
  const KEY = "newsroom-languages";
  const CHOICES = ["az", "en", "both"];

  function remembered() {
    try {
      const value = window.localStorage.getItem(KEY);
      return CHOICES.indexOf(value) >= 0 ? value : "both";
    } catch (error) {
      return "both";
    }
  }

  function choose(form, switcher, value) {
    CHOICES.forEach(function (choice) {
      form.classList.toggle("newsroom-lang--" + choice, choice === value);
    });
    switcher.querySelectorAll("button[data-language]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.language === value));
    });
    try {
      window.localStorage.setItem(KEY, value);
    } catch (error) {
      // Storage disabled: the choice lasts for this page.
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const switcher = document.querySelector(".newsroom-languages");
    const form = switcher && switcher.closest("form");
    if (!form) {
      return;
    }
    switcher.hidden = false;
    const hasErrors = form.querySelector(
      ".form-row.errors[class$='_az'], .form-row.errors[class$='_en']"
    );
    choose(form, switcher, hasErrors ? "both" : remembered());
    switcher.addEventListener("click", function (event) {
      const button = event.target.closest("button[data-language]");
      if (button) {
        event.preventDefault();
        choose(form, switcher, button.dataset.language);
      }
    });
  });
})();
