/* The reading view on digest pages: keyboard navigation (j/k move, o opens or closes the
   paper, s likes it where feedback.js is active), "new since your last visit" and read
   marks kept in this browser's localStorage, and a per-day "Mark all as read". Without
   JavaScript the page stays a plain list whose <details> open by themselves. */
(function () {
  "use strict";
  var papers = Array.prototype.slice.call(document.querySelectorAll("article.paper[data-arxiv-id]"));
  var list = document.querySelector(".paper-list");
  if (!list || papers.length === 0) { return; }
  // One record per site (a profile's site is its own folder): keyed by the folder's path.
  var scope = location.pathname.replace(/(days|papers)\/[^/]*$/, "").replace(/[^/]*$/, "");
  var SEEN = "arxivbot-seen:" + scope;
  var READ = "arxivbot-read:" + scope;
  var current = -1;

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { return {}; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* full or off */ }
  }

  var seen = load(SEEN);
  var read = load(READ);
  var firstVisit = Object.keys(seen).length === 0;
  var stamp = new Date().toISOString().slice(0, 10);

  function idOf(paper) { return paper.getAttribute("data-arxiv-id"); }

  function markRead(paper) {
    read[idOf(paper)] = stamp;
    paper.classList.add("is-read");
    paper.classList.remove("is-new");
    paper.querySelector(".new-badge").hidden = true;
  }

  papers.forEach(function (paper) {
    var id = idOf(paper);
    if (read[id]) { paper.classList.add("is-read"); }
    if (!firstVisit && !seen[id] && !read[id]) {
      paper.classList.add("is-new");
      paper.querySelector(".new-badge").hidden = false;
    }
    seen[id] = seen[id] || stamp;
    var more = paper.querySelector("details.paper-more");
    if (more) {
      more.addEventListener("toggle", function () { if (more.open) { markRead(paper); save(READ, read); } });
    }
  });
  save(SEEN, seen);

  var tools = document.querySelector(".reader-tools");
  if (tools) {
    tools.hidden = false;
    tools.querySelector(".mark-all-read").addEventListener("click", function () {
      papers.forEach(markRead);
      save(READ, read);
    });
  }

  function select(index) {
    if (index < 0 || index >= papers.length) { return; }
    if (current >= 0) { papers[current].classList.remove("is-current"); }
    current = index;
    var paper = papers[current];
    paper.classList.add("is-current");
    paper.setAttribute("tabindex", "-1");
    paper.focus({ preventScroll: true });
    paper.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var key = event.key;
    if (key === "j") {
      select(current + 1);
    } else if (key === "k") {
      select(Math.max(0, current - 1));
    } else if (key === "o" && current >= 0) {
      var more = papers[current].querySelector("details.paper-more");
      if (more) { more.open = !more.open; }
    } else if (key === "s" && current >= 0) {
      var box = papers[current].querySelector(".feedback");
      if (!box || box.hidden || !window.ArxivbotFeedback) { return; }
      window.ArxivbotFeedback.send(box, "like");
    } else {
      return;
    }
    event.preventDefault();
  });
}());
