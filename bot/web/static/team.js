// The offline team page (/team). No inline script (CSP). Texts come from the server; the list
// is server-rendered and escaped there. Typed replies and focus survive a refresh.
"use strict";

(function () {
  var list = document.getElementById("team-log");
  if (!list) return;
  var status = document.getElementById("team-status");
  var errorText = document.body.dataset.error;
  var busy = false;
  var generation = 0;  // a refresh that started before an action must not undo its result

  function show(data, focusId) {
    if (!data || typeof data.html !== "string") return;
    if (data.version !== list.dataset.version) {
      var typed = {};
      list.querySelectorAll("textarea").forEach(function (area) {
        if (area.value) typed[area.id] = area.value;
      });
      var active = document.activeElement;
      var activeId = active && list.contains(active) ? active.id : null;
      list.innerHTML = data.html;
      list.dataset.version = data.version;
      Object.keys(typed).forEach(function (id) {
        var area = document.getElementById(id);
        if (area) area.value = typed[id];
      });
      var target = document.getElementById(focusId || activeId || "");
      if (target) target.focus();
    }
    if (data.notice) status.textContent = data.notice;
  }

  function post(path, payload, focusId) {
    busy = true;
    generation += 1;
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
      credentials: "omit",
      cache: "no-store",
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (data) {
      if (typeof data.html === "string") show(data, focusId);
      else status.textContent = data.notice || errorText;
    }, function () {
      status.textContent = errorText;
    }).then(function () { busy = false; });
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.team-press");
    if (!button) return;
    var number = Number(button.dataset.message);
    // Focus moves to the message's heading: the button may be gone after the press.
    post("team/api/press", { message: number, data: button.dataset.data }, "m" + number + "-who");
  });

  list.addEventListener("submit", function (event) {
    var form = event.target.closest("form.team-reply");
    if (!form) return;
    event.preventDefault();
    var area = form.querySelector("textarea");
    var text = area.value.trim();
    if (!text) { area.focus(); return; }
    area.value = "";
    post("team/api/reply", { message: Number(form.dataset.message), text: text }, area.id);
  });

  // New cards (requests from the chat) arrive without a reload.
  function refresh() {
    if (busy) return;
    var started = generation;
    fetch("team/api/messages", { cache: "no-store", credentials: "omit" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!busy && started === generation) show(data, null);
      }, function () {});
  }
  setInterval(refresh, 1500);
})();
