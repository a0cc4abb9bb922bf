/* Like / dislike buttons. They appear only when the page is served by `arxivbot serve` with
   an admin token configured: static/server.js (written as `null` for static hosts, answered
   by the server itself) says so. The bearer token (the server's ARXIVBOT_ADMIN_TOKEN) is
   asked for once and kept in this browser's localStorage. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var TOKEN_KEY = "arxivbot-admin-token";
  var boxes = document.querySelectorAll(".feedback[data-arxiv-id]");
  if (boxes.length === 0 || !window.fetch || location.protocol === "file:") { return; }

  function say(box, text) { box.querySelector(".feedback-status").textContent = text; }

  function token() {
    var saved = window.localStorage.getItem(TOKEN_KEY);
    if (saved) { return saved; }
    var typed = window.prompt("Admin token of this arxivbot server (ARXIVBOT_ADMIN_TOKEN):");
    if (typed) { window.localStorage.setItem(TOKEN_KEY, typed.trim()); }
    return typed ? typed.trim() : "";
  }

  function send(box, value) {
    var secret = token();
    if (!secret) { say(box, "no token given"); return; }
    var id = box.getAttribute("data-arxiv-id");
    fetch(root + "api/feedback/" + encodeURIComponent(id), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Authorization": "Bearer " + secret },
      body: JSON.stringify({ value: value })
    }).then(function (response) {
      if (response.ok) {
        say(box, value === "like" ? "Noted: more like this." : "Noted: less like this.");
      } else if (response.status === 401) {
        window.localStorage.removeItem(TOKEN_KEY);
        say(box, "token refused; try again");
      } else {
        say(box, "feedback is off on this server (" + response.status + ")");
      }
    }).catch(function () { say(box, "could not reach the server"); });
  }

  var server = window.arxivbotServer;
  if (!server || !server.feedback) { return; }
  Array.prototype.forEach.call(boxes, function (box) {
    box.hidden = false;
    Array.prototype.forEach.call(box.querySelectorAll("button"), function (button) {
      button.addEventListener("click", function () { send(box, button.getAttribute("data-value")); });
    });
  });
})();
