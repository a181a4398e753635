// Suggestions under the search box: the ARIA 1.2 combobox pattern with a listbox popup.
// Without this script the box is a plain search field; with it, typing two letters lists
// index words and titles from /api/suggest (for the last word of several). While the
// server is still reading its word lists ("ready": false, right after a start) it asks again. Down and Up move through them (the input shows
// the one chosen), Enter searches, Escape closes the list and brings back what was typed.
// The texts come from the input's data- attributes, so that they are in the page's language.
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input || !input.dataset.suggest || !window.fetch) {
    return;
  }
  var MIN_CHARS = 2;
  var DELAY_MS = 120;
  // Asking again while the server reads its word lists: every RETRY_MS, for about 15 s.
  var RETRY_MS = 250;
  var MAX_RETRIES = 60;
  var list = document.createElement("ul");
  list.id = "q-suggestions";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.dataset.listLabel);
  list.hidden = true;
  var status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  input.parentNode.appendChild(list);
  input.parentNode.appendChild(status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  var options = [];
  var active = -1;
  var typed = input.value;
  var timer = null;
  var pending = null;

  function isOpen() {
    return !list.hidden;
  }

  function open() {
    if (options.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    setActive(-1);
  }

  function setActive(index) {
    if (active >= 0 && options[active]) {
      options[active].setAttribute("aria-selected", "false");
    }
    active = index;
    if (index < 0) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    var option = options[index];
    option.setAttribute("aria-selected", "true");
    input.setAttribute("aria-activedescendant", option.id);
    input.value = option.dataset.value;
    if (option.scrollIntoView) {
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function announce(count) {
    var text = count === 0 ? input.dataset.none
      : count === 1 ? input.dataset.one
        : input.dataset.many.replace("{count}", String(count));
    status.textContent = text;
  }

  function show(suggestions) {
    list.textContent = "";
    options = suggestions.map(function (s, i) {
      var li = document.createElement("li");
      li.id = "q-suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.value = s.text;
      li.textContent = s.text;
      li.className = "suggestion-" + s.kind;
      // mousedown, not click: the input would lose its focus and close the list first.
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        input.value = s.text;
        close();
        input.form.submit();
      });
      list.appendChild(li);
      return li;
    });
    active = -1;
    announce(options.length);
    if (options.length) {
      open();
    } else {
      close();
    }
  }

  function fetchSuggestions(retries) {
    var text = input.value;
    if (text.trim().length < MIN_CHARS) {
      options = [];
      list.textContent = "";
      close();
      return;
    }
    if (pending) {
      pending.abort();
    }
    pending = window.AbortController ? new AbortController() : null;
    var url = input.dataset.suggest + "?q=" + encodeURIComponent(text);
    fetch(url, pending ? { signal: pending.signal } : {})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        // An answer to an older text than the box now holds is of no use.
        if (data && data.query === input.value) {
          show(data.suggestions);
          if (data.ready === false && retries < MAX_RETRIES) {
            timer = window.setTimeout(function () { fetchSuggestions(retries + 1); }, RETRY_MS);
          }
        }
      })
      .catch(function () { /* aborted or offline: the form works without suggestions */ });
  }

  input.addEventListener("input", function () {
    typed = input.value;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { fetchSuggestions(0); }, DELAY_MS);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "Down") {
      if (!options.length) {
        return;
      }
      event.preventDefault();
      if (!isOpen()) {
        open();
      }
      setActive(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" || event.key === "Up") {
      if (!options.length) {
        return;
      }
      event.preventDefault();
      if (!isOpen()) {
        open();
      }
      setActive(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Escape" || event.key === "Esc") {
      if (isOpen()) {
        event.preventDefault();
        input.value = typed;
        close();
      }
    } else if (event.key === "Enter") {
      close();
    } else if (event.key === "Tab") {
      close();
    }
  });

  input.addEventListener("blur", function () {
    close();
  });
})();
