// The web chat's client. No inline script (CSP); all user-visible words come from the server
// (data attributes of <body> or the JSON of the API). Server HTML is allow-listed there; labels
// and the user's own words are only ever set as textContent.
"use strict";

(function () {
  var body = document.body;
  var SESSION_KEY = "engagement-chat-session";
  var SESSION_HEADER = "X-Chat-Session";

  function post(path, payload, token) {
    var headers = { "Content-Type": "application/json" };
    if (token) headers[SESSION_HEADER] = token;
    return fetch(path, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store",
    }).then(function (response) {
      return response
        .json()
        .catch(function () { return {}; })
        .then(function (data) { return { status: response.status, data: data }; });
    });
  }

  // -- the barrier form on the accessibility statement -------------------------------------
  var barrierForm = document.getElementById("barrier-form");
  if (barrierForm) {
    var barrierText = document.getElementById("barrier-text");
    var barrierStatus = document.getElementById("barrier-status");
    barrierForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = barrierText.value.trim();
      if (!text) {
        barrierStatus.textContent = barrierForm.dataset.empty;
        barrierText.focus();
        return;
      }
      post("api/barrier", { text: text }).then(function (result) {
        barrierStatus.textContent = result.data.notice || barrierForm.dataset.error;
        if (result.status === 200) barrierText.value = "";
      }, function () {
        barrierStatus.textContent = barrierForm.dataset.error;
      });
    });
  }

  // -- the chat -----------------------------------------------------------------------------
  var log = document.getElementById("log");
  if (!log) return;
  var form = document.getElementById("composer");
  var field = document.getElementById("message");
  var status = document.getElementById("status");
  var token = null;
  var pollAfter = 0;
  var messageCount = 0;

  function storedToken() {
    try { return window.sessionStorage.getItem(SESSION_KEY); } catch (e) { return null; }
  }

  function storeToken(value) {
    try { window.sessionStorage.setItem(SESSION_KEY, value); } catch (e) { /* private mode */ }
  }

  function ensureSession() {
    if (token) return Promise.resolve(token);
    token = storedToken();
    if (token) return Promise.resolve(token);
    return post("api/session", {}).then(function (result) {
      if (result.status !== 200 || !result.data.token) throw new Error("session");
      token = result.data.token;
      storeToken(token);
      return token;
    });
  }

  function speaker(label) {
    var span = document.createElement("span");
    span.className = "speaker";
    span.textContent = label + ": ";
    return span;
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  function addUserMessage(text) {
    var item = document.createElement("div");
    item.className = "msg msg-user";
    item.appendChild(speaker(body.dataset.you));
    var content = document.createElement("span");
    content.className = "msg-text";
    content.textContent = text;
    item.appendChild(content);
    log.appendChild(item);
    scrollToEnd();
  }

  function addNotice(text) {
    var item = document.createElement("div");
    item.className = "msg msg-notice";
    item.textContent = text;
    log.appendChild(item);
    scrollToEnd();
  }

  function fillMessage(item, message) {
    item.textContent = "";
    item.appendChild(speaker(body.dataset.bot));
    var content = document.createElement("div");
    content.className = "msg-text";
    content.innerHTML = message.html; // allow-listed on the server (bot/web/sanitize.py)
    item.appendChild(content);
    if (message.attachment) {
      var bytes = atob(message.attachment.base64);
      var buffer = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([buffer], { type: message.attachment.mime }));
      link.download = message.attachment.filename;
      link.textContent = message.attachment.filename;
      link.className = "attachment";
      item.appendChild(link);
    }
    var first = null;
    if (message.buttons && message.buttons.length) {
      var group = document.createElement("div");
      group.className = "buttons";
      message.buttons.forEach(function (row) {
        var line = document.createElement("div");
        line.className = "button-row";
        row.forEach(function (spec) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "choice";
          button.textContent = spec.label;
          button.addEventListener("click", function () { press(item, spec.data); });
          line.appendChild(button);
          if (!first) first = button;
        });
        group.appendChild(line);
      });
      item.appendChild(group);
    }
    return first;
  }

  // Shows the messages; returns the first new button (where focus goes after a press).
  function show(messages, pressedItem) {
    var firstButton = null;
    messages.forEach(function (message) {
      if (message.toast) status.textContent = message.toast;
      var item;
      if (message.replace && pressedItem) {
        item = pressedItem;
        pressedItem = null;
      } else {
        item = document.createElement("div");
        item.className = "msg msg-bot";
        messageCount += 1;
        item.id = "m" + messageCount;
        log.appendChild(item);
      }
      var first = fillMessage(item, message);
      if (first && !firstButton) firstButton = first;
    });
    scrollToEnd();
    return firstButton;
  }

  function refused(result) {
    if (result.status === 401) {
      // The stored session is unusable: start a new one next time.
      token = null;
      try { window.sessionStorage.removeItem(SESSION_KEY); } catch (e) { /* ignore */ }
    }
    addNotice(result.data.notice || body.dataset.error);
  }

  function call(path, payload) {
    // "Ich suche eine Antwort" only when it takes a moment: a screen reader would otherwise
    // announce it before every quick answer.
    var working = window.setTimeout(function () { status.textContent = body.dataset.working; }, 600);
    return ensureSession()
      .then(function (value) { return post(path, payload, value); })
      .then(function (result) {
        window.clearTimeout(working);
        status.textContent = "";
        if (result.status !== 200) {
          refused(result);
          return null;
        }
        return result.data.messages || [];
      }, function () {
        window.clearTimeout(working);
        status.textContent = "";
        addNotice(body.dataset.error);
        return null;
      });
  }

  function press(item, data) {
    call("api/press", { data: data, message: item.id }).then(function (messages) {
      if (!messages) return;
      var first = show(messages, item);
      // A step that asks for text: the field is where the user goes next (its buttons, such
      // as "Zurück", are one Shift+Tab away); otherwise the first new button.
      var typing = messages.some(function (message) { return message.expects_text; });
      if (first && !typing) first.focus();
      else field.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = field.value.trim();
    if (!text) {
      field.focus();
      return;
    }
    if (text.length > Number(body.dataset.max)) {
      addNotice(body.dataset.tooLong);
      return;
    }
    addUserMessage(text);
    field.value = "";
    field.focus();
    call("api/send", { text: text }).then(function (messages) {
      if (messages) show(messages, null);
    });
  });

  // Enter sends, Shift+Enter makes a new line (as in messengers).
  field.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // The widget's launcher asks the frame to put the focus into the message field.
  window.addEventListener("message", function (event) {
    if (event.data === "engagement-chat-focus") field.focus();
  });

  // Escape in an embedded chat closes it (the launcher on the host page listens).
  if (window.parent !== window) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") window.parent.postMessage("engagement-chat-close", "*");
    });
  }

  function pollLoop() {
    if (!token) {
      window.setTimeout(pollLoop, 2000);
      return;
    }
    var headers = {};
    headers[SESSION_HEADER] = token;
    fetch("api/poll?after=" + pollAfter, { headers: headers, cache: "no-store", credentials: "omit" })
      .then(function (response) {
        if (response.status !== 200) throw new Error("poll " + response.status);
        return response.json();
      })
      .then(function (data) {
        pollAfter = data.after;
        if (data.messages && data.messages.length) show(data.messages, null);
        pollLoop();
      })
      .catch(function () { window.setTimeout(pollLoop, 5000); });
  }

  call("api/command", { name: "start" }).then(function (messages) {
    if (messages) show(messages, null);
    pollLoop();
  });
})();
