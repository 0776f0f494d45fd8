// The embed widget: one <script src=".../widget.js" defer> on the operator's page adds a
// launcher button that opens the chat in an iframe from the chat's own server. The chat keeps
// its session in the frame's own storage, so it works where third-party cookies are blocked.
// Styles are set through the DOM (not a style attribute), which a strict host CSP allows.
(function () {
  "use strict";
  var LABELS = __LABELS__;
  var script = document.currentScript;
  if (!script || document.getElementById("engagement-chat-launcher")) return;
  var base = new URL(".", script.src);
  var chatUrl = new URL("./?embed=1", base).href;
  var frameId = "engagement-chat-frame";
  var frame = null;

  var launcher = document.createElement("button");
  launcher.type = "button";
  launcher.id = "engagement-chat-launcher";
  launcher.textContent = LABELS.open;
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", frameId);
  var s = launcher.style;
  s.position = "fixed";
  s.right = "1rem";
  s.bottom = "1rem";
  s.zIndex = "2147483000";
  s.font = "inherit";
  s.fontSize = "1rem";
  s.padding = "0.7rem 1.1rem";
  s.borderRadius = "2rem";
  s.border = "2px solid #ffffff";
  s.background = "#00507a";
  s.color = "#ffffff";
  s.cursor = "pointer";
  s.boxShadow = "0 2px 6px rgba(0,0,0,0.35)";

  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.id = frameId;
      frame.title = LABELS.title;
      frame.src = chatUrl;
      var f = frame.style;
      f.position = "fixed";
      f.right = "1rem";
      f.bottom = "4.5rem";
      f.width = "min(26rem, calc(100vw - 2rem))";
      f.height = "min(40rem, calc(100vh - 6rem))";
      f.border = "1px solid #6b6b6b";
      f.borderRadius = "0.5rem";
      f.background = "#ffffff";
      f.zIndex = "2147483000";
      frame.addEventListener("load", function () {
        frame.contentWindow.postMessage("engagement-chat-focus", base.origin);
      });
      document.body.appendChild(frame);
    } else {
      frame.hidden = false;
      frame.contentWindow.postMessage("engagement-chat-focus", base.origin);
    }
    frame.focus();
    launcher.textContent = LABELS.close;
    launcher.setAttribute("aria-expanded", "true");
  }

  function close() {
    if (frame) frame.hidden = true;
    launcher.textContent = LABELS.open;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  launcher.addEventListener("click", function () {
    if (launcher.getAttribute("aria-expanded") === "true") close();
    else open();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && launcher.getAttribute("aria-expanded") === "true") close();
  });

  // Escape inside the chat (another document) arrives as a message from the frame.
  window.addEventListener("message", function (event) {
    if (event.origin === base.origin && event.data === "engagement-chat-close") close();
  });

  if (document.body) document.body.appendChild(launcher);
  else document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(launcher); });
})();
