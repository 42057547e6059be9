"""LaTeX escaping for walkthrough text: special characters and the Unicode ermbit prints.

pdflatex reads ASCII; ermbit's messages use Unicode mathematics (φ, ⌊, ⇔, ≤, σ…).  Every
character is mapped to something pdflatex typesets, in text or in math mode
(``\\ensuremath``), so escaped text is pure ASCII.  A character with no mapping becomes
``\\ensuremath{\\square}`` (visible, never an error); tests check none remains.

>>> print(tex_escape("#SAT(φ) = a_0^2 ≤ 50% & ¬x1"))
\\#SAT(\\ensuremath{\\varphi}) = a\\_0\\^{}2 \\ensuremath{\\le} 50\\% \\& \\ensuremath{\\lnot}x1
"""

from __future__ import annotations

__all__ = ["UNKNOWN", "document", "tex_escape"]

UNKNOWN = r"\ensuremath{\square}"

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "#": r"\#",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}

_MATH = {
    "→": r"\to",
    "←": r"\leftarrow",
    "↦": r"\mapsto",
    "⇔": r"\Leftrightarrow",
    "⇒": r"\Rightarrow",
    "⌊": r"\lfloor",
    "⌋": r"\rfloor",
    "⌈": r"\lceil",
    "⌉": r"\rceil",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "·": r"\cdot",
    "×": r"\times",
    "∂": r"\partial",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\neq",
    "≈": r"\approx",
    "∈": r"\in",
    "∉": r"\notin",
    "⊆": r"\subseteq",
    "∩": r"\cap",
    "∪": r"\cup",
    "∖": r"\setminus",
    "∅": r"\emptyset",
    "¬": r"\lnot",
    "∨": r"\lor",
    "∧": r"\land",
    "⋀": r"\bigwedge",
    "⊥": r"\bot",
    "⊤": r"\top",
    "∞": r"\infty",
    "θ": r"\theta",
    "ℓ": r"\ell",
    "σ": r"\sigma",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "φ": r"\varphi",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "μ": r"\mu",
    "Σ": r"\Sigma",
    "Π": r"\Pi",
    "ŷ": r"\hat{y}",
    "𝓛": r"\mathcal{L}",
    "ℚ": r"\mathbb{Q}",
    "ℤ": r"\mathbb{Z}",
    "ℝ": r"\mathbb{R}",
    "₀": r"_0",
    "₁": r"_1",
    "₂": r"_2",
    "⁰": r"^0",
    "¹": r"^1",
    "²": r"^2",
    "³": r"^3",
    "√": r"\surd",
    "±": r"\pm",
    "∘": r"\circ",
    "□": r"\square",
}

_TEXT = {
    "—": "---",
    "–": "--",
    "−": "-",
    "…": r"\ldots{}",
    "“": "``",
    "”": "''",
    "‘": "`",
    "’": "'",
    "\u00a0": "~",
}


def tex_escape(text: str) -> str:
    """``text`` as LaTeX source that typesets it (pure ASCII)."""
    out = []
    for ch in str(text):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        elif ch in _MATH:
            out.append(rf"\ensuremath{{{_MATH[ch]}}}")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            out.append(UNKNOWN)
    return "".join(out)


def document(body: str, title: str = "") -> str:
    """A complete LaTeX document around a fragment (the packages the fragments use)."""
    head = [
        r"\documentclass[11pt]{article}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{amsmath,amssymb}",
        r"\setlength{\parindent}{0pt}",
        r"\setlength{\parskip}{0.5em}",
        r"\begin{document}",
    ]
    if title:
        head.append(rf"\section*{{{tex_escape(title)}}}")
    return "\n".join([*head, body, r"\end{document}"]) + "\n"
