"""The query language: lexer, parser → AST, canonical printer, matcher.

Grammar (precedence low → high; see docs/query-language.md)::

    query  := or
    or     := and (("OR" | ",") and)*
    and    := unary (["AND"] unary)*          # juxtaposed terms are ANDed
    unary  := ("NOT" | "-") unary | [field ":"] atom ["^" number]
    atom   := "(" or ")" | '"' words '"' | word+  # a run of bare words is ONE phrase
    field  := ti | abs | au | cat | co | jr | has     # has:code, has:github … (enrich.links)

A bare run (``speculative decoding^3``) is a phrase that tolerates inflections; a quoted
phrase matches its words exactly (case-insensitive, no inflections). ``quantiz*`` is a
prefix wildcard (at least 3 characters). Operators are upper case; ``and``/``or`` are words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from arxivbot.enrich.links import HAS_VALUES
from arxivbot.errors import QueryError
from arxivbot.models import Paper
from arxivbot.rank.document import PaperText
from arxivbot.rank.term import Term as Term  # re-exported: parse_query builds them
from arxivbot.rank.text import tokens

FIELD_PREFIXES = {
    "ti": "title",
    "abs": "abstract",
    "au": "authors",
    "cat": "categories",
    "co": "comment",
    "jr": "journal_ref",
    "has": "links",
}
OPERATORS = frozenset({"AND", "OR", "NOT"})
_SPECIAL = frozenset('()",^')
MIN_PREFIX = 3


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not


@dataclass(frozen=True)
class Query:
    """A parsed query. Equality is structural (the AST), not textual."""

    root: Node
    source: str = field(default="", compare=False)

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self) -> str:
        """The canonical form: explicit AND/OR/NOT, minimal parentheses."""
        return to_text(self.root)

    def matches(self, paper: Paper | PaperText) -> bool:
        doc = paper if isinstance(paper, PaperText) else PaperText(paper)
        return evaluate(self.root, doc)

    def positive_terms(self) -> tuple[Term, ...]:
        """Terms that can score: every term not under a NOT."""
        return tuple(_positive(self.root))


def evaluate(node: Node, doc: PaperText) -> bool:
    if isinstance(node, Term):
        return bool(doc.term_fields(node))
    if isinstance(node, Not):
        return not evaluate(node.child, doc)
    if isinstance(node, And):
        return all(evaluate(child, doc) for child in node.children)
    return any(evaluate(child, doc) for child in node.children)


def _positive(node: Node) -> Iterator[Term]:
    if isinstance(node, Term):
        yield node
    elif isinstance(node, And | Or):
        for child in node.children:
            yield from _positive(child)


# ---------------------------------------------------------------- printer


def _fmt_weight(weight: float) -> str:
    return str(int(weight)) if weight == int(weight) else repr(weight)


def _term_text(term: Term) -> str:
    body = " ".join(term.words)
    body = f'"{body}"' if term.exact else body + ("*" if term.prefix else "")
    prefix = f"{term.field}:" if term.field else ""
    suffix = "" if term.weight == 1.0 else f"^{_fmt_weight(term.weight)}"
    return prefix + body + suffix


def to_text(node: Node, parent: int = 0) -> str:
    if isinstance(node, Term):
        return _term_text(node)
    if isinstance(node, Not):
        return "NOT " + to_text(node.child, 3)
    level, joiner = (2, " AND ") if isinstance(node, And) else (1, " OR ")
    text = joiner.join(to_text(child, level) for child in node.children)
    return f"({text})" if parent >= level else text


# ---------------------------------------------------------------- lexer


@dataclass(frozen=True)
class Token:
    kind: str  # LP RP COMMA QUOTE WORD CARET AND OR NOT FIELD END
    value: str
    position: int
    prefix: bool = False


def lex(text: str) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "(),":
            out.append(Token({"(": "LP", ")": "RP", ",": "COMMA"}[ch], ch, i))
            i += 1
        elif ch == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QueryError('unterminated quote: expected a closing "', query=text, position=i)
            out.append(Token("QUOTE", text[i + 1 : end], i))
            i = end + 1
        elif ch == "^":
            i = _lex_weight(text, i, out)
        elif ch == "-":
            if i + 1 >= len(text) or text[i + 1].isspace():
                raise QueryError("expected a term right after '-'", query=text, position=i + 1)
            out.append(Token("NOT", "-", i))
            i += 1
        else:
            i = _lex_word(text, i, out)
    out.append(Token("END", "", len(text)))
    return out


def _lex_weight(text: str, start: int, out: list[Token]) -> int:
    end = start + 1
    while end < len(text) and (text[end].isdigit() or text[end] == "."):
        end += 1
    number = text[start + 1 : end]
    try:
        weight = float(number)
    except ValueError:
        raise QueryError(
            "expected a positive number after '^'", query=text, position=start + 1
        ) from None
    if weight <= 0:
        raise QueryError("a weight must be greater than 0", query=text, position=start + 1)
    out.append(Token("CARET", number, start))
    return end


def _lex_word(text: str, start: int, out: list[Token]) -> int:
    end = start
    while end < len(text) and not text[end].isspace() and text[end] not in _SPECIAL:
        end += 1
    word = text[start:end]
    head, colon, rest = word.partition(":")
    if colon and head in FIELD_PREFIXES:
        out.append(Token("FIELD", head, start))
        if rest:
            return _lex_word(text, start + len(head) + 1, out)
        return end
    if word in OPERATORS:
        out.append(Token(word, word, start))
        return end
    prefix = word.endswith("*")
    stem = word[:-1] if prefix else word
    if "*" in stem:
        star = start + stem.index("*")
        raise QueryError("'*' is only allowed at the end of a word", query=text, position=star)
    if prefix and len(stem) < MIN_PREFIX:
        raise QueryError(
            f"a prefix wildcard needs at least {MIN_PREFIX} characters before '*'",
            query=text,
            position=start,
        )
    if not tokens(stem):
        raise QueryError(f"{word!r} has no letters or digits to match", query=text, position=start)
    out.append(Token("WORD", stem, start, prefix=prefix))
    return end


# ---------------------------------------------------------------- parser


_STARTS_UNARY = frozenset({"NOT", "FIELD", "LP", "QUOTE", "WORD"})


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = lex(text)
        self.i = 0

    def peek(self) -> Token:
        return self.toks[self.i]

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def fail(self, message: str, tok: Token | None = None) -> QueryError:
        where = (tok or self.peek()).position
        return QueryError(message, query=self.text, position=where)

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise self.fail("empty query: expected a term")
        node = self.parse_or()
        tok = self.peek()
        if tok.kind != "END":
            what = "')' without a matching '('" if tok.kind == "RP" else repr(tok.value)
            raise self.fail(f"unexpected {what}: expected AND, OR or the end of the query")
        return node

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek().kind in ("OR", "COMMA"):
            op = self.take()
            if self.peek().kind not in _STARTS_UNARY:
                raise self.fail(f"expected a term after {op.value!r}")
            items.append(self.parse_and())
        return _combine(Or, items)

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                op = self.take()
                if self.peek().kind not in _STARTS_UNARY:
                    raise self.fail(f"expected a term after {op.value!r}")
            elif kind not in _STARTS_UNARY:
                break
            items.append(self.parse_unary())
        return _combine(And, items)

    def parse_unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            if self.peek().kind not in _STARTS_UNARY:
                raise self.fail(f"expected a term after {tok.value!r}")
            return Not(self.parse_unary())
        field_name = self.take().value if tok.kind == "FIELD" else None
        node = self.parse_atom(field_name)
        if self.peek().kind == "CARET":
            node = _weigh(node, float(self.take().value))
        if field_name == "has":
            self.check_has(node, tok)
        return _with_field(node, field_name) if field_name else node

    def check_has(self, node: Node, tok: Token) -> None:
        """``has:`` takes a link kind (``has:code``), not free words."""
        if isinstance(node, Not):
            return self.check_has(node.child, tok)
        for term in (node,) if isinstance(node, Term) else node.children:
            if not isinstance(term, Term):
                self.check_has(term, tok)
            elif term.label.casefold() not in HAS_VALUES:
                known = ", ".join(f"has:{value}" for value in HAS_VALUES)
                raise self.fail(f"unknown has:{term.label}: expected one of {known}", tok)
        return None

    def parse_atom(self, field_name: str | None) -> Node:
        tok = self.peek()
        if tok.kind not in ("LP", "QUOTE", "WORD"):
            after = f" after '{field_name}:'" if field_name else ""
            raise self.fail(f"expected a term{after}")
        self.take()
        if tok.kind == "LP":
            node = self.parse_or() if self.peek().kind != "RP" else None
            if node is None:
                raise self.fail("empty parentheses: expected a term")
            if self.peek().kind != "RP":
                raise self.fail(f"expected ')' to close the '(' opened at {tok.position}")
            self.take()
            return node
        if tok.kind == "QUOTE":
            words = tuple(tok.value.split())
            if not words or not tokens(tok.value):
                raise self.fail("empty phrase: expected words inside the quotes", tok)
            return Term(words=words, exact=True)
        return self.parse_run(tok)

    def parse_run(self, first: Token) -> Term:
        words = [first.value]
        last = first
        while not last.prefix and self.peek().kind == "WORD":
            last = self.take()
            words.append(last.value)
        return Term(words=tuple(words), prefix=last.prefix)


def _combine(kind: type[And] | type[Or], items: list[Node]) -> Node:
    if len(items) == 1:
        return items[0]
    flat: list[Node] = []
    for item in items:
        flat.extend(item.children if isinstance(item, kind) else (item,))
    return kind(tuple(flat))


def _weigh(node: Node, weight: float) -> Node:
    """A weight on a group multiplies the weight of every term inside it."""
    if isinstance(node, Term):
        return replace(node, weight=node.weight * weight)
    if isinstance(node, Not):
        return node
    return type(node)(tuple(_weigh(child, weight) for child in node.children))


def _with_field(node: Node, field_name: str) -> Node:
    """A field on a group applies to every term inside that names no field itself."""
    if isinstance(node, Term):
        return node if node.field else replace(node, field=field_name)
    if isinstance(node, Not):
        return Not(_with_field(node.child, field_name))
    return type(node)(tuple(_with_field(child, field_name) for child in node.children))


def parse_query(text: str) -> Query:
    """Parse ``text``; raise :class:`QueryError` with the position and what was expected."""
    return Query(_Parser(text).parse(), source=text)


def keywords_query(keywords: tuple[str, ...] | list[str]) -> Query | None:
    """The original ``keywords`` list: any of these (OR), each a bare inflection-tolerant phrase."""
    terms = [Term(words=tuple(k.split())) for k in keywords if tokens(k)]
    if not terms:
        return None
    return Query(terms[0] if len(terms) == 1 else Or(tuple(terms)))
