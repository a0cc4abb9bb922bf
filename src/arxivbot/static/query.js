/* The query language of arxivbot (src/arxivbot/rank/query.py) in the browser: the same
   lexer, parser, canonical printer, error messages and positions, and the same matching
   rules (rank/text.py: tokens, inflections, acronyms, prefixes, fields). A Chromium test
   (tests/render/test_site_query_js.py) runs a table of queries through both, so the two
   cannot drift. Exposes window.ArxivbotQuery = {parse, toText, matches, positiveTerms}. */
(function () {
  "use strict";

  var FIELDS = { ti: "title", abs: "abstract", au: "authors", cat: "categories",
                 co: "comment", jr: "journal_ref", has: "links" };
  // enrich/links.py HAS_VALUES, in its order (the parity test fails if they differ)
  var HAS_VALUES = ["code", "github", "gitlab", "hf", "huggingface", "project", "link"];
  var OPERATORS = { AND: true, OR: true, NOT: true };
  var SPECIAL = "()\",^";
  var MIN_PREFIX = 3;
  var MIN_BASE = 3;
  var TOKEN_RE = /[\p{L}\p{N}]+/gu;
  var ACRONYM_RE = /^(?=.*\p{L})(?:(?![a-z])[\p{L}\p{N}]){1,5}$/u;
  var STARTS_UNARY = { NOT: true, FIELD: true, LP: true, QUOTE: true, WORD: true };

  function QueryError(message, query, position) {
    this.message = message;
    this.query = query;
    this.position = position;
  }
  QueryError.prototype.toString = function () {
    if (!this.query) { return this.message; }
    var caret = new Array(this.position + 1).join(" ") + "^";
    return this.message + " at position " + this.position + "\n  " + this.query + "\n  " + caret;
  };

  /* Python's repr() of a str, as the Python messages print it. */
  function pyRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var body = text.replace(/\\/g, "\\\\");
    if (quote === "'") { body = body.replace(/'/g, "\\'"); }
    return quote + body + quote;
  }

  function isSpace(ch) { return /\s/.test(ch); }

  function tokens(text) { return (text || "").normalize("NFKC").match(TOKEN_RE) || []; }

  function foldAccents(text) { return text.normalize("NFKD").replace(/\p{M}/gu, ""); }

  // ------------------------------------------------------------------ lexer
  /* Positions count code points, as Python's do: the text is lexed as an array of them. */
  function lex(text) {
    var chars = Array.from(text);
    var out = [];
    var i = 0;
    while (i < chars.length) {
      var ch = chars[i];
      if (isSpace(ch)) {
        i += 1;
      } else if (ch === "(" || ch === ")" || ch === ",") {
        out.push({ kind: { "(": "LP", ")": "RP", ",": "COMMA" }[ch], value: ch, position: i });
        i += 1;
      } else if (ch === '"') {
        var end = chars.indexOf('"', i + 1);
        if (end < 0) { throw new QueryError('unterminated quote: expected a closing "', text, i); }
        out.push({ kind: "QUOTE", value: chars.slice(i + 1, end).join(""), position: i });
        i = end + 1;
      } else if (ch === "^") {
        i = lexWeight(text, chars, i, out);
      } else if (ch === "-") {
        if (i + 1 >= chars.length || isSpace(chars[i + 1])) {
          throw new QueryError("expected a term right after '-'", text, i + 1);
        }
        out.push({ kind: "NOT", value: "-", position: i });
        i += 1;
      } else {
        i = lexWord(text, chars, i, out);
      }
    }
    out.push({ kind: "END", value: "", position: chars.length });
    return out;
  }

  function lexWeight(text, chars, start, out) {
    var end = start + 1;
    while (end < chars.length && /[0-9.]/.test(chars[end])) { end += 1; }
    var number = chars.slice(start + 1, end).join("");
    if (!/^(\d+\.?\d*|\.\d+)$/.test(number)) {
      throw new QueryError("expected a positive number after '^'", text, start + 1);
    }
    if (parseFloat(number) <= 0) {
      throw new QueryError("a weight must be greater than 0", text, start + 1);
    }
    out.push({ kind: "CARET", value: number, position: start });
    return end;
  }

  function lexWord(text, chars, start, out) {
    var end = start;
    while (end < chars.length && !isSpace(chars[end]) && SPECIAL.indexOf(chars[end]) < 0) { end += 1; }
    var word = chars.slice(start, end).join("");
    var colon = word.indexOf(":");
    if (colon >= 0 && Object.prototype.hasOwnProperty.call(FIELDS, word.slice(0, colon))) {
      var head = word.slice(0, colon);
      out.push({ kind: "FIELD", value: head, position: start });
      if (word.length > colon + 1) { return lexWord(text, chars, start + head.length + 1, out); }
      return end;
    }
    if (OPERATORS[word] === true) {
      out.push({ kind: word, value: word, position: start });
      return end;
    }
    var prefix = word.slice(-1) === "*";
    var stem = prefix ? word.slice(0, -1) : word;
    var stemChars = Array.from(stem);
    if (stemChars.indexOf("*") >= 0) {
      throw new QueryError("'*' is only allowed at the end of a word", text, start + stemChars.indexOf("*"));
    }
    if (prefix && stemChars.length < MIN_PREFIX) {
      throw new QueryError("a prefix wildcard needs at least " + MIN_PREFIX +
        " characters before '*'", text, start);
    }
    if (tokens(stem).length === 0) {
      throw new QueryError(pyRepr(word) + " has no letters or digits to match", text, start);
    }
    out.push({ kind: "WORD", value: stem, position: start, prefix: prefix });
    return end;
  }

  // ------------------------------------------------------------------ parser
  function term(words, fields) {
    return { type: "term", words: words, field: fields.field || null,
             weight: fields.weight || 1, exact: !!fields.exact, prefix: !!fields.prefix };
  }

  function Parser(text) {
    this.text = text;
    this.toks = lex(text);
    this.i = 0;
  }
  Parser.prototype.peek = function () { return this.toks[this.i]; };
  Parser.prototype.take = function () { this.i += 1; return this.toks[this.i - 1]; };
  Parser.prototype.fail = function (message, tok) {
    return new QueryError(message, this.text, (tok || this.peek()).position);
  };
  Parser.prototype.parse = function () {
    if (this.peek().kind === "END") { throw this.fail("empty query: expected a term"); }
    var node = this.parseOr();
    var tok = this.peek();
    if (tok.kind !== "END") {
      var what = tok.kind === "RP" ? "')' without a matching '('" : pyRepr(tok.value);
      throw this.fail("unexpected " + what + ": expected AND, OR or the end of the query");
    }
    return node;
  };
  Parser.prototype.parseOr = function () {
    var items = [this.parseAnd()];
    while (this.peek().kind === "OR" || this.peek().kind === "COMMA") {
      var op = this.take();
      if (!STARTS_UNARY[this.peek().kind]) { throw this.fail("expected a term after " + pyRepr(op.value)); }
      items.push(this.parseAnd());
    }
    return combine("or", items);
  };
  Parser.prototype.parseAnd = function () {
    var items = [this.parseUnary()];
    for (;;) {
      var kind = this.peek().kind;
      if (kind === "AND") {
        var op = this.take();
        if (!STARTS_UNARY[this.peek().kind]) { throw this.fail("expected a term after " + pyRepr(op.value)); }
      } else if (!STARTS_UNARY[kind]) {
        break;
      }
      items.push(this.parseUnary());
    }
    return combine("and", items);
  };
  Parser.prototype.parseUnary = function () {
    var tok = this.peek();
    if (tok.kind === "NOT") {
      this.take();
      if (!STARTS_UNARY[this.peek().kind]) { throw this.fail("expected a term after " + pyRepr(tok.value)); }
      return { type: "not", child: this.parseUnary() };
    }
    var fieldName = tok.kind === "FIELD" ? this.take().value : null;
    var node = this.parseAtom(fieldName);
    if (this.peek().kind === "CARET") { node = weigh(node, parseFloat(this.take().value)); }
    if (fieldName === "has") { this.checkHas(node, tok); }
    return fieldName ? withField(node, fieldName) : node;
  };
  /* has: takes a link kind (has:code), not free words. */
  Parser.prototype.checkHas = function (node, tok) {
    if (node.type === "not") { this.checkHas(node.child, tok); return; }
    var items = node.type === "term" ? [node] : node.children;
    for (var i = 0; i < items.length; i++) {
      var item = items[i];
      if (item.type !== "term") {
        this.checkHas(item, tok);
      } else {
        var label = item.words.join(" ") + (item.prefix ? "*" : "");
        if (HAS_VALUES.indexOf(label.toLowerCase()) < 0) {
          var known = HAS_VALUES.map(function (v) { return "has:" + v; }).join(", ");
          throw this.fail("unknown has:" + label + ": expected one of " + known, tok);
        }
      }
    }
  };
  Parser.prototype.parseAtom = function (fieldName) {
    var tok = this.peek();
    if (tok.kind !== "LP" && tok.kind !== "QUOTE" && tok.kind !== "WORD") {
      throw this.fail("expected a term" + (fieldName ? " after '" + fieldName + ":'" : ""));
    }
    this.take();
    if (tok.kind === "LP") {
      if (this.peek().kind === "RP") { throw this.fail("empty parentheses: expected a term"); }
      var node = this.parseOr();
      if (this.peek().kind !== "RP") {
        throw this.fail("expected ')' to close the '(' opened at " + tok.position);
      }
      this.take();
      return node;
    }
    if (tok.kind === "QUOTE") {
      var words = tok.value.split(/\s+/).filter(function (w) { return w.length > 0; });
      if (words.length === 0 || tokens(tok.value).length === 0) {
        throw this.fail("empty phrase: expected words inside the quotes", tok);
      }
      return term(words, { exact: true });
    }
    var run = [tok.value];
    var last = tok;
    while (!last.prefix && this.peek().kind === "WORD") {
      last = this.take();
      run.push(last.value);
    }
    return term(run, { prefix: last.prefix });
  };

  function combine(type, items) {
    if (items.length === 1) { return items[0]; }
    var flat = [];
    items.forEach(function (item) {
      if (item.type === type) { flat.push.apply(flat, item.children); } else { flat.push(item); }
    });
    return { type: type, children: flat };
  }

  function copyTerm(node, changes) {
    return term(node.words, {
      field: "field" in changes ? changes.field : node.field,
      weight: "weight" in changes ? changes.weight : node.weight,
      exact: node.exact, prefix: node.prefix
    });
  }

  function weigh(node, weight) {
    if (node.type === "term") { return copyTerm(node, { weight: node.weight * weight }); }
    if (node.type === "not") { return node; }
    return { type: node.type, children: node.children.map(function (c) { return weigh(c, weight); }) };
  }

  function withField(node, fieldName) {
    if (node.type === "term") { return node.field ? node : copyTerm(node, { field: fieldName }); }
    if (node.type === "not") { return { type: "not", child: withField(node.child, fieldName) }; }
    return { type: node.type, children: node.children.map(function (c) { return withField(c, fieldName); }) };
  }

  // ------------------------------------------------------------------ printer
  /* Python's repr() of a float ("2.5", "0.1", "1e-05" aside); integers print bare. */
  function fmtWeight(weight) {
    if (weight === Math.floor(weight) && isFinite(weight)) { return String(weight); }
    return String(weight);
  }

  function termText(node) {
    var body = node.words.join(" ");
    body = node.exact ? '"' + body + '"' : body + (node.prefix ? "*" : "");
    var prefix = node.field ? node.field + ":" : "";
    var suffix = node.weight === 1 ? "" : "^" + fmtWeight(node.weight);
    return prefix + body + suffix;
  }

  function toText(node, parent) {
    parent = parent || 0;
    if (node.type === "term") { return termText(node); }
    if (node.type === "not") { return "NOT " + toText(node.child, 3); }
    var level = node.type === "and" ? 2 : 1;
    var text = node.children.map(function (c) { return toText(c, level); })
      .join(node.type === "and" ? " AND " : " OR ");
    return parent >= level ? "(" + text + ")" : text;
  }

  // ------------------------------------------------------------------ matching (rank/text.py)
  function isAcronym(word) { return ACRONYM_RE.test(word) && !/^\p{Nd}+$/u.test(word); }

  function endsWith(text, suffix) { return text.slice(-suffix.length) === suffix; }

  var baseCache = {};
  function bases(word) {
    var low = word.toLowerCase();
    var cached = baseCache[low];
    if (cached) { return cached; }
    var found = {};
    found[low] = true;
    function add(base) { if (base.length >= MIN_BASE) { found[base] = true; } }
    function addStem(stem) {
      if (stem.length < MIN_BASE || !/[aeiouy]/.test(stem)) { return; }
      found[stem] = true;
      found[stem + "e"] = true;
      var last = stem[stem.length - 1];
      if (stem.length >= 4 && last === stem[stem.length - 2] && "aeiouy".indexOf(last) < 0) {
        found[stem.slice(0, -1)] = true;
      }
    }
    if (endsWith(low, "ies") && low.length - 3 >= MIN_BASE - 1) { found[low.slice(0, -3) + "y"] = true; }
    if (endsWith(low, "es") && !endsWith(low, "ies")) { add(low.slice(0, -2)); }
    if (endsWith(low, "s") && !endsWith(low, "ss") && !endsWith(low, "us") && !endsWith(low, "is")) {
      add(low.slice(0, -1));
    }
    ["ing", "ed"].forEach(function (suffix) {
      if (endsWith(low, suffix)) { addStem(low.slice(0, -suffix.length)); }
    });
    baseCache[low] = found;
    return found;
  }

  function acronymMatches(word, token) {
    var folded = token.toLowerCase();
    var target = word.toLowerCase();
    if (folded !== target && folded !== target + "s") { return false; }
    if (/\p{N}/u.test(word)) { return true; }
    var letters = Array.from(token).slice(0, Array.from(word).length).filter(function (ch) { return /\p{L}/u.test(ch); });
    var uppers = letters.filter(function (ch) { return ch !== ch.toLowerCase() && ch === ch.toUpperCase(); });
    return uppers.length >= Math.min(2, letters.length);
  }

  /* One query word as a predicate over (folded token, original token). */
  function wordPattern(word, exact, prefix) {
    var low = word.toLowerCase();
    if (prefix) { return function (folded) { return folded.indexOf(low) === 0; }; }
    if (isAcronym(word)) { return function (folded, original) { return acronymMatches(word, original); }; }
    if (exact) { return function (folded) { return folded === low; }; }
    var own = bases(word);
    var seen = new Map();  // abstracts repeat their words: decide each token once
    return function (folded) {
      var known = seen.get(folded);
      if (known !== undefined) { return known; }
      var other = bases(folded);
      var hit = false;
      for (var key in other) { if (own[key] === true && other[key] === true) { hit = true; break; } }
      seen.set(folded, hit);
      return hit;
    };
  }

  function compilePhrase(words, exact, prefix) {
    return words.map(function (w, i) { return wordPattern(w, exact, prefix && i === words.length - 1); });
  }

  function fieldText(text) {
    var original = tokens(text);
    return { original: original, folded: original.map(function (t) { return t.toLowerCase(); }) };
  }

  function countPhrase(field, phrase) {
    var n = 0;
    for (var start = 0; start + phrase.length <= field.folded.length; start++) {
      var ok = true;
      for (var k = 0; k < phrase.length && ok; k++) {
        ok = phrase[k](field.folded[start + k], field.original[start + k]);
      }
      if (ok) { n += 1; }
    }
    return n;
  }

  function compiled(node) {
    if (!node._phrase) {
      var words = [];
      node.words.forEach(function (w) { words.push.apply(words, tokens(w)); });
      node._phrase = compilePhrase(words, node.exact, node.prefix);
      node._authorPhrase = compilePhrase(words.map(foldAccents), node.exact, false);
    }
    return node;
  }

  var FIELDS_OF = { ti: ["title"], abs: ["abstract"], au: ["authors"], co: ["comment"], jr: ["journal_ref"] };

  /* A paper as the matcher sees it: {title, abstract, authors[], categories[], comment,
     journal_ref}; each field is tokenised once, on first use. */
  var documents = new WeakMap();  // one tokenisation per paper, shared by every search

  function document(paper) {
    var made = documents.get(paper);
    if (made) { return made; }
    made = makeDocument(paper);
    documents.set(paper, made);
    return made;
  }

  function makeDocument(paper) {
    var cache = {};
    return {
      paper: paper,
      field: function (name) {
        if (!(name in cache)) {
          cache[name] = name === "authors"
            ? (paper.authors || []).map(function (a) { return fieldText(foldAccents(a)); })
            : fieldText(paper[name] || "");
        }
        return cache[name];
      }
    };
  }

  /* The fields where a term occurs (title before abstract), as term_fields does. */
  function termFields(node, doc) {
    compiled(node);
    if (node.field === "cat") {
      var wanted = node.words.join(" ").toLowerCase();
      var hit = (doc.paper.categories || []).some(function (c) {
        var low = c.toLowerCase();
        return node.prefix ? low.indexOf(wanted) === 0 : low === wanted;
      });
      return hit ? ["categories"] : [];
    }
    if (node.field === "has") {  // the index lists each paper's link kinds (has: values)
      var kinds = doc.paper.has || [];
      return kinds.indexOf(node.words.join(" ").toLowerCase()) >= 0 ? ["links"] : [];
    }
    var names = FIELDS_OF[node.field] || ["title", "abstract"];
    return names.filter(function (name) {
      if (name === "authors") {
        return doc.field("authors").some(function (a) { return countPhrase(a, node._authorPhrase) > 0; });
      }
      return countPhrase(doc.field(name), node._phrase) > 0;
    });
  }

  function evaluate(node, doc) {
    if (node.type === "term") { return termFields(node, doc).length > 0; }
    if (node.type === "not") { return !evaluate(node.child, doc); }
    if (node.type === "and") { return node.children.every(function (c) { return evaluate(c, doc); }); }
    return node.children.some(function (c) { return evaluate(c, doc); });
  }

  function positiveTerms(node) {
    if (node.type === "term") { return [node]; }
    if (node.type === "not") { return []; }
    var out = [];
    node.children.forEach(function (c) { out.push.apply(out, positiveTerms(c)); });
    return out;
  }

  /* Token spans [start, end) of ``text`` (NFKC) matched by any positive term: for <mark>. */
  function highlights(terms, text) {
    var normal = (text || "").normalize("NFKC");
    var spans = [];
    var re = new RegExp(TOKEN_RE.source, "gu");
    var found;
    while ((found = re.exec(normal)) !== null) {
      spans.push([found.index, found.index + found[0].length]);
    }
    var field = fieldText(normal);
    var marked = [];
    terms.forEach(function (node) {
      if (node.field && node.field !== "ti" && node.field !== "abs") { return; }
      var phrase = compiled(node)._phrase;
      for (var s = 0; s + phrase.length <= field.folded.length; s++) {
        var ok = true;
        for (var k = 0; k < phrase.length && ok; k++) { ok = phrase[k](field.folded[s + k], field.original[s + k]); }
        if (ok) { marked.push([spans[s][0], spans[s + phrase.length - 1][1]]); }
      }
    });
    marked.sort(function (a, b) { return a[0] - b[0]; });
    return { text: normal, spans: marked };
  }

  function parse(text) { return new Parser(text).parse(); }

  window.ArxivbotQuery = {
    parse: parse,
    toText: function (node) { return toText(node, 0); },
    matches: function (node, paper) { return evaluate(node, document(paper)); },
    document: document,
    evaluate: evaluate,
    termFields: termFields,
    positiveTerms: positiveTerms,
    highlights: highlights,
    QueryError: QueryError
  };
}());
