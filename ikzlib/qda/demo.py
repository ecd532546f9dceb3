"""A deterministic synthetic demo project: invented interviews coded by two coders.

The Harz reconstruction is coded at document level only, so segment-level features
(positions, overlap, two coders) are shown on this invented project instead. Nothing in it
describes a real municipality or person: transcripts are assembled from stock sentences, the
size class of each interview is drawn at random, and coder B is coder A with simulated
slips (missed passages, a neighbouring code instead of the right one, shifted boundaries,
an extra coding). Every figure that shows it must carry :data:`DEMO_LABEL`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ikzlib.municipalities import SIZE_CLASS_LABELS
from ikzlib.qda.model import CodedProject

DEMO_LABEL = "synthetic demo data"
CODERS = ("coder A", "coder B")

_CODES = [
    ("obstacles", None, "Obstacles", "#b23a48"),
    ("obstacles.resources", "obstacles", "Lacking resources", "#b23a48"),
    ("obstacles.legal_risk", "obstacles", "Legal risk", "#b23a48"),
    ("obstacles.funding", "obstacles", "Funding bureaucracy", "#b23a48"),
    ("potential", None, "Potentials", "#4c9a2a"),
    ("potential.procurement", "potential", "Procurement", "#4c9a2a"),
    ("potential.building_yard", "potential", "Building yard", "#4c9a2a"),
    ("potential.it", "potential", "IT services", "#4c9a2a"),
    ("district", None, "Role of the district", "#e07b39"),
    ("district.positive", "district", "Positive", "#e07b39"),
    ("district.critical", "district", "Critical", "#e07b39"),
    ("digital", None, "Digitalisation", "#0f8b8d"),
    ("digital.for", "digital", "For cooperation", "#0f8b8d"),
    ("digital.against", "digital", "Against", "#0f8b8d"),
]

# Stock sentences per code combination; one sentence becomes one coded segment.
_SENTENCES = {
    ("obstacles.resources",): [
        "We simply do not have the staff to prepare a joint project.",
        "Every free hour goes into day-to-day business, nothing is left for cooperation.",
    ],
    ("obstacles.legal_risk",): [
        "A contract with the neighbours needs lawyers, and mistakes can be expensive.",
        "Nobody wants to sign an agreement whose legal consequences are unclear.",
    ],
    ("obstacles.funding",): [
        "The paperwork for grants eats up most of what the grant is worth.",
    ],
    ("potential.procurement",): [
        "Buying vehicles and office supplies together would clearly save money.",
    ],
    ("potential.building_yard",): [
        "Our building yards could share machines that stand idle most of the year.",
    ],
    ("potential.it",): [
        "A shared IT service desk would help the smaller offices a lot.",
    ],
    ("district.positive",): [
        "The district has the expertise to moderate such a process.",
    ],
    ("district.critical",): [
        "The district follows its own interests rather than ours.",
    ],
    ("digital.for",): [
        "Digital services only pay off if several towns run them together.",
    ],
    ("digital.against",): [
        "Data protection makes it hard to run digital procedures for another town.",
    ],
    ("potential.procurement", "obstacles.legal_risk"): [
        "Joint tendering failed because the procurement rules made the contract risky.",
    ],
    ("potential.it", "digital.for"): [
        "One back office for the digital applications of all towns would be ideal.",
    ],
}
_FILLER = [
    "Let me think about that for a moment.",
    "That is a good question.",
    "We talked about this in the council last year.",
    "I can only speak for our own administration here.",
    "Things were different ten years ago.",
]
# How likely each code combination is mentioned, by small (< 10,000) vs larger towns.
_PROBABILITY = {
    ("obstacles.resources",): (0.95, 0.7),
    ("obstacles.legal_risk",): (0.5, 0.5),
    ("obstacles.funding",): (0.4, 0.2),
    ("potential.procurement",): (0.6, 0.5),
    ("potential.building_yard",): (0.5, 0.2),
    ("potential.it",): (0.4, 0.3),
    ("district.positive",): (0.6, 0.2),
    ("district.critical",): (0.2, 0.6),
    ("digital.for",): (0.3, 0.5),
    ("digital.against",): (0.3, 0.3),
    ("potential.procurement", "obstacles.legal_risk"): (0.3, 0.3),
    ("potential.it", "digital.for"): (0.2, 0.3),
}
_SIBLING = {
    "district.positive": "district.critical",
    "district.critical": "district.positive",
    "digital.for": "digital.against",
    "digital.against": "digital.for",
    "obstacles.funding": "obstacles.resources",
    "potential.it": "potential.procurement",
}


def demo_project(
    n_documents: int = 16,
    seed: int = 2023,
    *,
    p_miss: float = 0.1,
    p_confuse: float = 0.08,
    p_shift: float = 0.3,
    p_extra: float = 0.05,
) -> CodedProject:
    """Build the synthetic project (same ``seed`` and settings -> identical project).

    Parameters
    ----------
    n_documents
        Number of invented interviews (``D01``, ``D02``, ...).
    seed
        Seed of the random generator.
    p_miss, p_confuse, p_shift, p_extra
        Per passage, the chance that coder B misses it, gives a neighbouring code instead,
        shifts a boundary by a few words, or codes a filler sentence.

    Returns
    -------
    CodedProject
        Documents with transcripts; variables ``size_class`` (labels of
        :data:`ikzlib.municipalities.SIZE_CLASS_LABELS`) and ``format``; codings by
        ``coder A`` and ``coder B``.
    """
    rng = np.random.default_rng(seed)
    documents, variables, codings = [], [], []
    size_weights = np.array([0.35, 0.25, 0.2, 0.15, 0.05])
    for number in range(1, n_documents + 1):
        doc_id = f"D{number:02d}"
        size = SIZE_CLASS_LABELS[rng.choice(len(SIZE_CLASS_LABELS), p=size_weights)]
        small = size in SIZE_CLASS_LABELS[:2]
        fmt = str(rng.choice(["individual", "group", "telephone"], p=[0.6, 0.25, 0.15]))
        passages: list[tuple[str, tuple[str, ...]]] = []
        for combo, (p_small, p_large) in _PROBABILITY.items():
            if rng.random() < (p_small if small else p_large):
                options = _SENTENCES[combo]
                passages.append((options[rng.integers(len(options))], combo))
        for _ in range(int(rng.integers(3, 6))):
            passages.append((_FILLER[rng.integers(len(_FILLER))], ()))
        passages = [passages[i] for i in rng.permutation(len(passages))]
        text, spans = "", []
        for sentence, combo in passages:
            text += ("" if not text else " ") + sentence
            spans.append((len(text) - len(sentence), len(text), combo))
        documents.append((doc_id, f"Demo interview {number}", text, None))
        variables += [(doc_id, "size_class", size, "text"), (doc_id, "format", fmt, "text")]
        for start, end, combo in spans:
            for code in combo:
                codings.append((doc_id, code, start, end, CODERS[0]))
            codings += _coder_b(
                rng, doc_id, text, start, end, combo, p_miss, p_confuse, p_shift, p_extra
            )
    coding_frame = pd.DataFrame(codings, columns=["doc_id", "code_id", "start", "end", "coder"])
    texts = {d[0]: d[2] for d in documents}
    coding_frame["text"] = [
        texts[d][s:e]
        for d, s, e in coding_frame[["doc_id", "start", "end"]].itertuples(index=False)
    ]
    coding_frame.insert(0, "coding_id", [f"S{i:04d}" for i in range(1, len(coding_frame) + 1)])
    return CodedProject(
        documents=pd.DataFrame(documents, columns=["doc_id", "name", "text", "group"]),
        codes=pd.DataFrame(
            [(c, p, n, None, col) for c, p, n, col in _CODES],
            columns=["code_id", "parent_id", "name", "description", "color"],
        ),
        codings=coding_frame,
        doc_variables=pd.DataFrame(variables, columns=["doc_id", "variable", "value", "type"]),
        name=f"{DEMO_LABEL} (seed {seed})",
        source=f"<{DEMO_LABEL}>",
    ).validate()


def _coder_b(
    rng: np.random.Generator,
    doc_id: str,
    text: str,
    start: int,
    end: int,
    combo: tuple[str, ...],
    p_miss: float,
    p_confuse: float,
    p_shift: float,
    p_extra: float,
) -> list[tuple[str, str, int, int, str]]:
    """Coder B's codings of one passage, with simulated slips."""
    rows = []
    if not combo:
        if rng.random() < p_extra:
            rows.append((doc_id, "obstacles.resources", start, end, CODERS[1]))
        return rows
    if rng.random() < p_shift:
        # Move one boundary to the neighbouring word boundary (a few characters).
        if rng.random() < 0.5:
            cut = text.find(" ", start + 1, end)
            start = cut + 1 if cut != -1 else start
        else:
            cut = text.rfind(" ", start, end - 1)
            end = cut if cut > start else end
    for code in combo:
        draw = rng.random()
        if draw < p_miss:
            continue
        if draw < p_miss + p_confuse and code in _SIBLING:
            code = _SIBLING[code]
        rows.append((doc_id, code, start, end, CODERS[1]))
    return rows
