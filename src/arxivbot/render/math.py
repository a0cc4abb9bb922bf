"""TeX → MathML on the server, so pages stay script-free and feeds and e-mail get real math.

:func:`tex_to_mathml` converts with ``latex2mathml`` (pure Python) and then *checks* the
result instead of trusting it: latex2mathml passes unknown commands through as text
(``<mi>\\foo</mi>``), leaks alignment ``&`` of environments it does not know and copies
``\\text{...}`` verbatim (raw ``<`` and ``&``). Any of those, or a conversion error, gives
``None`` and the caller shows the TeX source code-styled instead — never mangled math.
The element and attribute allow-lists here are the ones the HTML sanitiser lets through.
"""

from __future__ import annotations

import re
from functools import lru_cache

from latex2mathml.converter import convert
from lxml import etree

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
MAX_TEX_CHARS = 2_000  # longer "formulas" are prose caught between two dollar signs

# MathML Core presentation elements. Deliberately absent: maction/semantics/annotation-xml
# (annotation-xml may hold HTML, a classic sanitiser-bypass route) and any href attribute.
MATHML_TAGS = frozenset(
    {
        "math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
        "msubsup", "mfrac", "msqrt", "mroot", "mover", "munder", "munderover", "mtable",
        "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose", "merror",
        "mmultiscripts", "mprescripts", "none",
    }
)  # fmt: skip
_PRESENTATION_ATTRS = frozenset(
    {
        "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "accent",
        "accentunder", "columnalign", "rowalign", "columnspacing", "rowspacing",
        "columnlines", "rowlines", "linethickness", "displaystyle", "scriptlevel", "width",
        "height", "depth", "voffset", "notation", "minsize", "maxsize", "movablelimits",
        "symmetric", "largeop", "form", "linebreak", "align",
    }
)  # fmt: skip
MATHML_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: _PRESENTATION_ATTRS | ({"xmlns", "display"} if tag == "math" else frozenset())
    for tag in MATHML_TAGS
}
# A bare '&' that is not an entity: latex2mathml emits it for \text{a & b}.
_BARE_AMP_RE = re.compile(r"&(?!#x[0-9A-Fa-f]+;|#\d+;|[A-Za-z]+;)")
# Operator names LLMs write that latex2mathml does not know (it would show "\arg").
_OPERATORS_RE = re.compile(r"\\(arg|sgn|sigmoid|softmax)(?![A-Za-z])")
# latex2mathml copies text-mode escapes (\text{num\_layers}) verbatim, backslash and all.
_TEXT_GROUP_RE = re.compile(r"(\\(?:text(?:bf|it|tt|rm|sf)?|mbox)\{)([^{}]*)\}")
_TEXT_ESCAPE_RE = re.compile(r"\\([_&%#$])")


@lru_cache(maxsize=8192)  # pure; the same formula recurs across summaries and outputs
def tex_to_mathml(tex: str, *, display: bool = False) -> str | None:
    """``<math>`` markup for ``tex``, or None when it cannot be rendered faithfully."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_TEX_CHARS:
        return None
    try:
        mathml = convert(_prepare(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many types (and IndexError) on bad input
        return None
    mathml = _BARE_AMP_RE.sub("&amp;", mathml)
    return mathml if _faithful(mathml) else None


def _prepare(tex: str) -> str:
    """Rewrite the few common spellings latex2mathml gets wrong into ones it knows."""
    tex = _OPERATORS_RE.sub(r"\\operatorname{\1}", tex)
    return _TEXT_GROUP_RE.sub(
        lambda m: m.group(1) + _TEXT_ESCAPE_RE.sub(r"\1", m.group(2)) + "}", tex
    )


def _faithful(mathml: str) -> bool:
    """Well-formed, only allow-listed elements, and no TeX left over as visible text."""
    try:
        root = etree.fromstring(mathml.encode("utf-8"))
    except etree.XMLSyntaxError:
        return False
    for element in root.iter():
        if not isinstance(element.tag, str):
            return False  # comments or processing instructions: not from a converter
        namespace, _, name = element.tag.rpartition("}")
        if namespace.lstrip("{") != MATHML_NS or name not in MATHML_TAGS:
            return False
        text = element.text or ""
        if "\\" in text or (name == "mi" and text == "&"):
            return False  # an unknown command or an alignment '&' shown as a symbol
    return True
