"""Token-for-token comparison of two MathML renderings of one formula.

Both trees are reduced to a sequence: each leaf (mi, mn, mo, mtext) as its
tag and text, each structural element (fractions, scripts, roots, tables)
as an opening and a closing mark, so that the same identifiers, numbers
and operators in the same nesting give the same sequence. What only
changes the look, not the formula, is left out on both sides: mrow,
mstyle, semantics and their kin (grouping), spaces (mspace, blank
mtext), the invisible function application, attributes such as
mathvariant (labrun writes 𝐱 where KaTeX writes mathvariant="bold" x,
so letters are compared after NFKC), and one spelling of a few
characters (∣ and |, ∥ and ‖).
"""

import re
import unicodedata
import xml.etree.ElementTree as ET

STRUCTURE = {
    "mfrac", "msub", "msup", "msubsup", "munder", "mover", "munderover",
    "msqrt", "mroot", "mtable", "mtr", "mtd",
}
LEAVES = {"mi", "mn", "mo", "mtext"}
INVISIBLE = {"\u2061", "\u2062", "\u2063", "\u2064", ""}
SAME = {"\u2223": "|", "\u2225": "\u2016", "\u2016": "\u2016", "\u00a0": " "}


def _text(text):
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(SAME.get(c, c) for c in text)


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def tokens(markup):
    """The comparable sequence of a <math> element's markup."""
    # HTML serialisation may write named entities an XML parser lacks.
    markup = markup.replace("&nbsp;", "\u00a0")
    markup = re.sub(r"<annotation[^>]*>.*?</annotation>", "", markup, flags=re.S)
    root = ET.fromstring(markup)
    out = []

    def walk(element):
        tag = _local(element.tag)
        children = list(element)
        if tag in LEAVES and not children:
            text = _text("".join(element.itertext()))
            if tag == "mo" and text.strip() in INVISIBLE:
                return
            if tag == "mtext" and not text.strip():
                return
            # TeX's "|" and "/" are ordinary symbols for one renderer and
            # operators for another: compare what they are, not the tag.
            kind = "sym" if tag in ("mi", "mo") and len(text) == 1 and not text.isalpha() else tag
            out.append((kind, text))
            return
        if tag in STRUCTURE:
            out.append(("<", tag))
        for child in children:
            walk(child)
        if tag in STRUCTURE:
            out.append((">", tag))

    walk(root)
    # Neighbouring text pieces are one text ("a " + "b" = "a b").
    merged = []
    for kind, text in out:
        if merged and kind == "mtext" and merged[-1][0] == "mtext":
            merged[-1] = ("mtext", merged[-1][1] + text)
        else:
            merged.append((kind, text))
    merged = [(k, t.strip() if k == "mtext" else t) for k, t in merged]
    # TeX puts the script of 10^{-2} on the last digit only, which KaTeX
    # keeps (mn 1, msup(mn 0, …)); labrun writes msup(mn 10, …). Both look
    # the same: compare the number whole.
    result = []
    i = 0
    while i < len(merged):
        if (merged[i][0] == "mn" and i + 2 < len(merged)
                and merged[i + 1] in (("<", "msub"), ("<", "msup"), ("<", "msubsup"))
                and merged[i + 2][0] == "mn"):
            result += [merged[i + 1], ("mn", merged[i][1] + merged[i + 2][1])]
            i += 3
            continue
        result.append(merged[i])
        i += 1
    return result


def compare(ours, katex):
    """(True, "") when the two agree, else (False, where they part)."""
    a, b = tokens(ours), tokens(katex)
    if a == b:
        return True, ""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return False, f"token {i}: labrun {x} vs KaTeX {y}"
    return False, f"lengths {len(a)} vs {len(b)}"


def corpus(path):
    """The formulas of a corpus file: (tex, display) pairs."""
    formulas = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("%"):
                continue
            if line.startswith("inline: "):
                formulas.append((line[len("inline: "):], False))
            else:
                formulas.append((line, True))
    return formulas
