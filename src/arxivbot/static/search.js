/* Client-side search over search-index.js (a global, works from file://) or
   search-index.json (fetched). Results are built with textContent only: no HTML from data. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var statusLine = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var MAX_RESULTS = 100;

  function words(text) {
    return (text || "").toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .split(/[^\p{L}\p{N}.\/-]+/u).filter(function (w) { return w.length > 0; });
  }

  function prepare(index) {
    return index.papers.map(function (paper) {
      var hay = [paper.id, paper.title, paper.authors.join(" "), paper.abstract,
                 paper.categories.join(" "), paper.days.join(" ")].join(" ");
      paper._haystack = " " + words(hay).join(" ") + " ";
      paper._title = " " + words(paper.title).join(" ") + " ";
      return paper;
    });
  }

  function search(papers, query) {
    var terms = words(query);
    if (terms.length === 0) { return []; }
    var hits = [];
    papers.forEach(function (paper) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var term = terms[i];
        if (paper._haystack.indexOf(" " + term) === -1) { return; }
        score += paper._title.indexOf(" " + term) !== -1 ? 3 : 1;
      }
      hits.push({ paper: paper, score: score });
    });
    hits.sort(function (a, b) {
      return b.score - a.score || (b.paper.days[0] || "").localeCompare(a.paper.days[0] || "");
    });
    return hits.slice(0, MAX_RESULTS);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function show(papers, query) {
    list.textContent = "";
    if (!query.trim()) {
      statusLine.textContent = "Search " + papers.length + " papers.";
      return;
    }
    var hits = search(papers, query);
    statusLine.textContent = hits.length + (hits.length === 1 ? " paper matches" : " papers match") +
      " \u201c" + query + "\u201d.";
    hits.forEach(function (hit) {
      var p = hit.paper;
      var item = el("li", "result");
      var link = el("a", "result-title", p.title);
      link.href = "papers/" + encodeURIComponent(p.stem) + ".html";
      item.appendChild(link);
      var meta = el("div", "result-meta",
        p.authors.slice(0, 6).join(", ") + (p.authors.length > 6 ? " et al." : "") +
        " \u00b7 " + p.categories.join(", ") + " \u00b7 " + p.days[0] + " \u00b7 score " + p.score);
      item.appendChild(meta);
      var abstract = p.abstract.length > 280 ? p.abstract.slice(0, 280) + "\u2026" : p.abstract;
      item.appendChild(el("p", "result-snippet", abstract));
      list.appendChild(item);
    });
  }

  function start(index) {
    var papers = prepare(index);
    var params = new URLSearchParams(window.location.search);
    var initial = params.get("q") || "";
    input.value = initial;
    show(papers, initial);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// */ }
      show(papers, input.value);
    });
    input.addEventListener("input", function () { show(papers, input.value); });
  }

  if (window.ARXIVBOT_SEARCH_INDEX) {
    start(window.ARXIVBOT_SEARCH_INDEX);
  } else {
    fetch("search-index.json").then(function (r) { return r.json(); }).then(start, function () {
      statusLine.textContent = "The search index could not be loaded.";
    });
  }
}());
