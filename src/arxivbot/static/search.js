/* The static site's search: the query language (query.js) over the prebuilt index of every
   generated day. The index is loaded only here, and only once there is something to search:
   search-index.js (a script that sets a global: works from file://, where fetch() of a local
   file is refused). Results are built with textContent only: no HTML from the data. The URL
   (?q=&cat=&from=&to=&summary=1) is the shareable form of a search. */
(function () {
  "use strict";
  var Q = window.ArxivbotQuery;
  var script = document.currentScript;
  var indexSrc = (script && script.getAttribute("data-index")) || "search-index.js";
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var category = document.getElementById("search-category");
  var from = document.getElementById("search-from");
  var to = document.getElementById("search-to");
  var summary = document.getElementById("search-summary");
  var statusLine = document.getElementById("search-status");
  var errorBox = document.getElementById("search-error");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 50;
  var papers = null;
  var loading = null;
  var shown = [];
  var showing = 0;

  function rows(index) {
    var fields = index.fields;
    return index.papers.map(function (row) {
      var paper = {};
      fields.forEach(function (name, i) { paper[name] = row[i]; });
      return paper;
    });
  }

  /* Load the index once (a <script> element: the same code path over http and file://). */
  function load() {
    if (loading) { return loading; }
    loading = new Promise(function (resolve, reject) {
      if (window.ARXIVBOT_SEARCH_INDEX) { resolve(window.ARXIVBOT_SEARCH_INDEX); return; }
      var tag = document.createElement("script");
      tag.src = indexSrc;
      tag.onload = function () { resolve(window.ARXIVBOT_SEARCH_INDEX); };
      tag.onerror = function () { reject(new Error("index")); };
      document.head.appendChild(tag);
    }).then(function (index) { papers = rows(index); return papers; });
    return loading;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  /* Text with <mark>s around the query's matches (positions from query.js, text nodes only). */
  function marked(tag, className, terms, text) {
    var node = el(tag, className);
    var found = Q.highlights(terms, text);
    var last = 0;
    found.spans.forEach(function (span) {
      if (span[0] < last) { return; }
      node.appendChild(document.createTextNode(found.text.slice(last, span[0])));
      node.appendChild(el("mark", "", found.text.slice(span[0], span[1])));
      last = span[1];
    });
    node.appendChild(document.createTextNode(found.text.slice(last)));
    return node;
  }

  function snippet(terms, abstract) {
    var found = Q.highlights(terms, abstract);
    var start = found.spans.length ? Math.max(0, found.spans[0][0] - 120) : 0;
    var text = found.text.slice(start, start + 320);
    return (start > 0 ? "\u2026" : "") + text + (start + 320 < found.text.length ? "\u2026" : "");
  }

  function facetsOf() {
    return {
      category: category.value.trim().toLowerCase(),
      from: from.value, to: to.value, summary: summary.checked
    };
  }

  function passes(paper, facets) {
    if (facets.summary && !paper.summary) { return false; }
    if (facets.from && !paper.days.some(function (d) { return d >= facets.from; })) { return false; }
    if (facets.to && !paper.days.some(function (d) { return d <= facets.to; })) { return false; }
    if (facets.category) {
      var wanted = facets.category.replace(/\*$/, "");
      var prefix = wanted !== facets.category;
      return paper.categories.some(function (c) {
        var low = c.toLowerCase();
        return prefix ? low.indexOf(wanted) === 0 : low === wanted;
      });
    }
    return true;
  }

  /* Like the ranking: each positive term found adds its weight, half again in the title. */
  function score(terms, doc) {
    var total = 0;
    terms.forEach(function (term) {
      var where = Q.termFields(term, doc);
      if (where.length) { total += term.weight * (where.indexOf("title") >= 0 ? 1.5 : 1); }
    });
    return total;
  }

  function search(text, facets) {
    var root = Q.parse(text);
    var terms = Q.positiveTerms(root);
    if (terms.length === 0) {
      throw new Q.QueryError("a search needs at least one term that is not negated", "", 0);
    }
    var hits = [];
    papers.forEach(function (paper) {
      if (!passes(paper, facets)) { return; }
      var doc = Q.document(paper);
      if (Q.evaluate(root, doc)) { hits.push({ paper: paper, score: score(terms, doc) }); }
    });
    hits.sort(function (a, b) {
      return b.score - a.score || b.paper.days[0].localeCompare(a.paper.days[0]) ||
        b.paper.score - a.paper.score;
    });
    return { hits: hits, terms: terms };
  }

  function item(hit, terms) {
    var p = hit.paper;
    var li = el("li", "result");
    var link = marked("a", "result-title", terms, p.title);
    link.href = "papers/" + encodeURIComponent(p.stem) + ".html";
    li.appendChild(link);
    li.appendChild(el("div", "result-meta",
      p.authors.slice(0, 6).join(", ") + (p.authors.length > 6 ? " et al." : "") +
      " \u00b7 " + p.categories.join(", ") + " \u00b7 " + p.days[0] + " \u00b7 score " + p.score +
      (p.summary ? " \u00b7 summarised" : "")));
    li.appendChild(marked("p", "result-snippet", terms, snippet(terms, p.abstract)));
    return li;
  }

  function showMore(terms) {
    shown.slice(showing, showing + PAGE).forEach(function (hit) { list.appendChild(item(hit, terms)); });
    showing = Math.min(shown.length, showing + PAGE);
    more.hidden = showing >= shown.length;
  }

  function run(text) {
    list.textContent = "";
    errorBox.hidden = true;
    more.hidden = true;
    serverLinks(text);
    if (!text.trim()) { statusLine.textContent = ""; return; }
    var result;
    try {
      result = search(text, facetsOf());
    } catch (err) {
      if (!(err instanceof Q.QueryError)) { throw err; }
      errorBox.textContent = String(err);
      errorBox.hidden = false;
      statusLine.textContent = "";
      return;
    }
    shown = result.hits;
    showing = 0;
    statusLine.textContent = shown.length + (shown.length === 1 ? " paper matches" : " papers match") +
      " \u201c" + text + "\u201d.";
    more.onclick = function () { showMore(result.terms); };
    showMore(result.terms);
  }

  /* Under `arxivbot serve` (static/server.js says so): the full history and a search feed. */
  function serverLinks(text) {
    var server = window.arxivbotServer;
    if (!server || !server.search) { return; }
    var query = new URLSearchParams({ q: text }).toString();
    document.getElementById("search-server").hidden = false;
    document.getElementById("search-server-link").href = server.search + "?" + query;
    document.getElementById("search-subscribe").hidden = !text.trim();
    document.getElementById("search-feed").href = server.search + "/atom?" + query;
  }

  function fromUrl() {
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    category.value = params.get("cat") || "";
    from.value = params.get("from") || "";
    to.value = params.get("to") || "";
    summary.checked = params.get("summary") === "1";
  }

  function toUrl() {
    var url = new URL(window.location.href);
    var pairs = [["q", input.value], ["cat", category.value], ["from", from.value], ["to", to.value],
                 ["summary", summary.checked ? "1" : ""]];
    pairs.forEach(function (pair) {
      if (pair[1]) { url.searchParams.set(pair[0], pair[1]); } else { url.searchParams.delete(pair[0]); }
    });
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// */ }
  }

  function go() {
    load().then(function () { run(input.value); }, function () {
      statusLine.textContent = "The search index could not be loaded.";
    });
  }

  fromUrl();
  serverLinks(input.value);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    toUrl();
    go();
  });
  input.addEventListener("focus", load, { once: true });
  if (input.value) { go(); }
}());
