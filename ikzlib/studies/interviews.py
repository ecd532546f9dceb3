"""Study ``interviews`` (notebook ``03_interviews``): a district's coded interviews and a demo.

The result has two parts:

* :class:`DistrictInterviews`, the district's own coded interviews (``data/raw/<district>/
  interviews/``): counts of the key codes, findings the data reports without naming
  interviews, task fields named as potentials (with footnotes that admit more than one
  reading shown as such), the document x code matrix, code co-occurrence, a
  thematic-saturation check and, when several coders coded the interviews, their agreement.
  ``None`` when the district has no coded interviews (the study then carries a note saying
  how to add them).
* :class:`DemoInterviews`, segment-level methods (intercoder agreement with Gwet's AC1 and a
  bootstrap interval of kappa, a crosstab by size class with confidentiality suppression,
  segment co-occurrence, a saturation curve) shown on the synthetic project of
  :mod:`ikzlib.qda.demo`, identical for every district. Its figures are of kind
  ``synthetic``: they describe nobody.

Every sentence about the district's data (where it comes from, what it can show) is built
from the data as an :class:`~ikzlib.i18n.Message`, so a district with its own coded interviews
gets its own text, in English or German (:meth:`InterviewsStudy.text`). Tables are shown with
:meth:`InterviewsStudy.table` (human column names, nothing cut). Codebook names, statements
and quantifiers are data and keep the language they were recorded in. No interview is linked
to a municipality: the study never joins interview data with municipal data.

Examples
--------
>>> study = run("harz", n_bootstrap=50)
>>> study.key_figures["n_interviews_legal_risk"].value
4
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import interview_data, paths
from ikzlib.catalog import District, resolve
from ikzlib.display import Table, TableSpec
from ikzlib.errors import ParameterError
from ikzlib.i18n import Message, Number, register, tr
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import SIZE_CLASS_LABELS
from ikzlib.qda import agreement, analysis, cooccurrence, demo, saturation
from ikzlib.qda.model import CodedProject
from ikzlib.studies.base import Study, check_number

NO_DATA_VERDICT = "no interview data"
SATURATION_METHOD = "Guest, Namey & Chen (2020)"
OWN_SOURCE = "coded interviews of the district (data/raw/<district>/interviews/)"
DEMO_SOURCE = "ikzlib.qda.demo: synthetic demo project (invented interviews, two coders)"
UNSPECIFIED = "unspecified"  # count word of a finding printed without a quantifier
DOCUMENT_LEVEL = "document level"
SEGMENT_LEVEL = "segment level"
CI_LEVEL = 0.95

# Codes whose counts the findings table shows (pipeline configuration: the codebook of a
# reconstruction of a published study). Codes a district's codebook lacks are skipped.
KEY_CODES: tuple[str, ...] = (
    "obstacles.resources",
    "obstacles.legal_risk",
    "obstacles.funding_bureaucracy",
    "obstacles.it_incompatibility",
    "digital.for",
    "digital.against",
    "informal.exchange.hvb_contact",
    "informal.exchange.working_groups",
    "district.frame",
    "district.rejected",
    "size.takeover_open",
    "size.uncompensated_effort",
    "size.fair_division_doubts",
    "blurred",
)
# Key codes summarised in one sentence each (the study's headline findings).
HIGHLIGHT_CODES: tuple[str, ...] = (
    "obstacles.resources",
    "obstacles.legal_risk",
    "digital.for",
    "digital.against",
)
# Key figures counting the interviews with a code: figure name -> code.
CODE_FIGURES = {
    "n_interviews_lacking_resources": "obstacles.resources",
    "n_interviews_legal_risk": "obstacles.legal_risk",
}
DEMO_SEGMENT_CODE = "obstacles.legal_risk"  # code of the segment-retrieval example

register(
    {
        # key figures
        "Coded interviews": "Codierte Interviews",
        "Coded interviews available": "Codierte Interviews vorhanden",
        "Interviews": "Interviews",
        "Codes in the codebook": "Codes im Codebuch",
        "Codings": "Codierungen",
        "Findings without named interviews": "Befunde ohne benannte Interviews",
        "Interviews naming lacking resources": "Interviews, die fehlende Ressourcen nennen",
        "Interviews naming legal risks": "Interviews, die rechtliche Risiken nennen",
        "Thematic saturation": "Thematische Sättigung",
        "Cohen's kappa, segment level (synthetic demo)": (
            "Cohens Kappa, Segmentebene (synthetische Demo)"
        ),
        "Krippendorff's alpha, segment level (synthetic demo)": (
            "Krippendorffs Alpha, Segmentebene (synthetische Demo)"
        ),
        "Cells hidden in the crosstab (synthetic demo)": (
            "In der Kreuztabelle verborgene Zellen (synthetische Demo)"
        ),
        OWN_SOURCE: "codierte Interviews des Kreises (data/raw/<district>/interviews/)",
        DEMO_SOURCE: (
            "ikzlib.qda.demo: synthetisches Demoprojekt (erfundene Interviews, zwei Codierer)"
        ),
        "district inputs (ikzlib.catalog): data/raw/<district>/interviews/": (
            "Eingangsdaten des Kreises (ikzlib.catalog): data/raw/<district>/interviews/"
        ),
        f"{SATURATION_METHOD} applied to the coded interviews": (
            f"{SATURATION_METHOD}, angewandt auf die codierten Interviews"
        ),
        NO_DATA_VERDICT: "keine Interviewdaten",
        demo.DEMO_LABEL: "synthetische Demodaten",
        UNSPECIFIED: "ohne Mengenangabe",
        "documents": "Dokumente",
        "The district has coded interviews.": "Der Kreis hat codierte Interviews.",
        DOCUMENT_LEVEL: "Dokumentebene",
        SEGMENT_LEVEL: "Segmentebene",
        # overview and provenance
        "{documents} documents, {codes} codes, {codings} codings": (
            "{documents} Dokumente, {codes} Codes, {codings} Codierungen"
        ),
        "{documents} documents, {codes} codes, {codings} codings, {unattributed} unattributed "
        "findings": "{documents} Dokumente, {codes} Codes, {codings} Codierungen, "
        "{unattributed} nicht zugeordnete Befunde",
        "No transcripts are included (no document carries a text).": (
            "Es liegen keine Transkripte vor (kein Dokument enthält Text)."
        ),
        "All {n} codings are at document level: they say whether a statement is attributed "
        "to an interview, not how much was said or where.": "Alle {n} Codierungen liegen auf "
        "Dokumentebene: Sie geben an, ob eine Aussage einem Interview zugeordnet ist, nicht "
        "wie viel oder an welcher Stelle etwas gesagt wurde.",
        "The codings reconstruct a published study's attributions: {footnote} follow one of "
        "{n_footnotes} footnotes ({footnotes}) that name interviews, {all} a statement the "
        "text makes for all interviewees; nothing else is attributed to an interview.": (
            "Die Codierungen rekonstruieren die Zuordnungen einer veröffentlichten Studie: "
            "{footnote} folgen einer von {n_footnotes} Fußnoten ({footnotes}), die Interviews "
            "benennen, {all} einer Aussage, die der Text für alle Befragten trifft; nichts "
            "anderes wird einem Interview zugeordnet."
        ),
        "The codings reconstruct a published study's attributions: {footnote} follow one of "
        "{n_footnotes} footnotes ({footnotes}) that name interviews, {all} a statement the "
        "text makes for all interviewees, and {other} other evidence.": (
            "Die Codierungen rekonstruieren die Zuordnungen einer veröffentlichten Studie: "
            "{footnote} folgen einer von {n_footnotes} Fußnoten ({footnotes}), die Interviews "
            "benennen, {all} einer Aussage, die der Text für alle Befragten trifft, und "
            "{other} anderen Belegen."
        ),
        "Footnote {footnote} admits more than one reading and is coded under each "
        "({codes}); the count of each of these codes includes it.": (
            "Fußnote {footnote} lässt mehr als eine Lesart zu und ist unter jeder codiert "
            "({codes}); die Zahl jedes dieser Codes schließt sie ein."
        ),
        "Counts are lower bounds: an interview without a coding may have raised a topic the "
        "study did not attribute to it.": "Die Zahlen sind Untergrenzen: Ein Interview ohne "
        "Codierung kann ein Thema angesprochen haben, das die Studie ihm nicht zugeordnet hat.",
        "{n} findings are reported without naming interviews; they are kept with their "
        "quantifier as printed and never counted for an interview.": "{n} Befunde werden "
        "ohne Nennung von Interviews berichtet; sie werden mit ihrer Mengenangabe im Original "
        "geführt und nie einem Interview zugerechnet.",
        "Per-interview variables left unknown: {names}.": (
            "Unbekannt gebliebene Merkmale je Interview: {names}."
        ),
        "Study-level facts from {study}.": "Angaben zur Studie aus {study}.",
        "Details: {path}.": "Einzelheiten: {path}.",
        "footnote {number}": "Fußnote {number}",
        "footnotes {low}-{high}": "Fußnoten {low}–{high}",
        "section {section}": "Abschnitt {section}",
        "sections {first}-{last}": "Abschnitte {first}–{last}",
        "sections not cited": "Abschnitte nicht angegeben",
        "published study": "veröffentlichte Studie",
        "{study}, {sections}, {footnotes}; document-level reconstruction": (
            "{study}, {sections}, {footnotes}; Rekonstruktion auf Dokumentebene"
        ),
        "coded interviews, {path}": "codierte Interviews, {path}",
        "{code}: {n} of {total} interviews": "{code}: {n} von {total} Interviews",
        "{code}: {n} of {total} interviews ({numbers})": (
            "{code}: {n} von {total} Interviews ({numbers})"
        ),
        # task fields
        "The codebook has no task fields named as potentials.": (
            "Das Codebuch enthält keine als Potenzial genannten Aufgabenfelder."
        ),
        "Task fields attributed to at least one interview: {named} of {total}.": (
            "Mindestens einem Interview zugeordnete Aufgabenfelder: {named} von {total}."
        ),
        "{field}: counted for interview {numbers} only through footnote {footnote}, which "
        "admits more than one reading (it is also coded as {others}).": "{field}: nur über "
        "Fußnote {footnote} für Interview {numbers} gezählt, die mehr als eine Lesart zulässt "
        "(sie ist auch als {others} codiert).",
        "No task field is attributed to an interview by an unambiguous source; only the "
        "quantifiers of the unattributed mentions can be used.": "Kein Aufgabenfeld ist "
        "durch eine eindeutige Quelle einem Interview zugeordnet; verwendbar sind nur die "
        "Mengenangaben der nicht zugeordneten Nennungen.",
        "No task field is attributed to an interview by an unambiguous source; only the "
        "quantifiers of the unattributed mentions can be used (e.g. {field}: {words}).": (
            "Kein Aufgabenfeld ist durch eine eindeutige Quelle einem Interview zugeordnet; "
            "verwendbar sind nur die Mengenangaben der nicht zugeordneten Nennungen (z. B. "
            "{field}: {words})."
        ),
        "footnote {footnote}: {codes}": "Fußnote {footnote}: {codes}",
        # co-occurrence and saturation
        "{n} codes occur in some but not all of the {total} interviews, {single} of them in "
        "a single interview.": "{n} Codes kommen in einigen, aber nicht allen der {total} "
        "Interviews vor, {single} davon in nur einem Interview.",
        "{n} codes occur in some but not all of the {total} interviews, {single} of them in "
        "a single interview; the pairs describe which interviews the codings name together, "
        "not patterns of thought.": "{n} Codes kommen in einigen, aber nicht allen der "
        "{total} Interviews vor, {single} davon in nur einem Interview; die Paare beschreiben, "
        "welche Interviews die Codierungen gemeinsam nennen, nicht Denkmuster.",
        "With {n} interviews and a base of {base}, at most {runs} run(s) of {run} fit.": (
            "Bei {n} Interviews und einer Basis von {base} sind höchstens {runs} "
            "Durchlauf/Durchläufe zu je {run} Interviews möglich."
        ),
        "The codings hold only the findings the authors chose to attribute: a new code in a "
        "later interview reflects that attribution, not new content, and an absent code does "
        "not mean it was not said.": "Die Codierungen enthalten nur die Befunde, die die "
        "Autorinnen und Autoren zugeordnet haben: Ein neuer Code in einem späteren Interview "
        "spiegelt diese Zuordnung wider, nicht neuen Inhalt, und ein fehlender Code bedeutet "
        "nicht, dass etwas nicht gesagt wurde.",
        "Moreover, {meaning}.": "Zudem gilt: {meaning}.",
        "Saturation of the original interviews can neither be confirmed nor refuted from "
        "this data, whatever the numbers show.": "Ob die ursprünglichen Interviews eine "
        "Sättigung erreicht haben, lässt sich mit diesen Daten weder bestätigen noch "
        "widerlegen, gleich was die Zahlen zeigen.",
        "Base: {codes} codes in interviews 1-{base}.": (
            "Basis: {codes} Codes in den Interviews 1–{base}."
        ),
        "Saturation ({threshold} % threshold): {verdict}": (
            "Sättigung (Schwelle {threshold} %): {verdict}"
        ),
        # agreement
        "{n} coders coded the district's interviews: their agreement is shown below (a coder "
        "who coded nothing in a document has not rated it).": "{n} Codierer haben die "
        "Interviews des Kreises codiert: Ihre Übereinstimmung steht unten (wer in einem "
        "Dokument nichts codiert hat, hat es nicht beurteilt).",
        "The district's interviews were coded by one coder: intercoder agreement cannot be "
        "computed.": "Die Interviews des Kreises wurden von nur einem Codierer codiert: Eine "
        "Intercoder-Übereinstimmung lässt sich nicht berechnen.",
        "Pooled over {codes} codes. The {level} % interval of Cohen's kappa is a percentile "
        "bootstrap over the comparison units (documents, or groups of overlapping segments), "
        "each drawn with all its codes ({n_boot} replicates, seed {seed}).": "Gepoolt über "
        "{codes} Codes. Das {level}-%-Intervall von Cohens Kappa ist ein Perzentil-Bootstrap "
        "über die Vergleichseinheiten (Dokumente bzw. Gruppen überlappender Segmente), jeweils "
        "mit allen ihren Codes gezogen ({n_boot} Wiederholungen, Startwert {seed}).",
        "No bootstrap replicates requested (n_bootstrap is 0): no interval for kappa.": (
            "Keine Bootstrap-Wiederholungen angefordert (n_bootstrap ist 0): kein Intervall "
            "für Kappa."
        ),
        "The demo project has {n} coders; Fleiss' kappa, Krippendorff's alpha and Gwet's AC1 "
        "of three or more coders are shown for projects that have them.": "Das Demoprojekt "
        "hat {n} Codierer; Fleiss' Kappa, Krippendorffs Alpha und Gwets AC1 für drei oder "
        "mehr Codierer werden für Projekte gezeigt, die so viele haben.",
        "The demo project has {n} coders: the agreement of all of them is shown below.": (
            "Das Demoprojekt hat {n} Codierer: Die Übereinstimmung aller steht unten."
        ),
        # demo
        "{label} (seed {seed})": "{label} (Startwert {seed})",
        "{project}: {documents} documents, {codings} codings by {coders}": (
            "{project}: {documents} Dokumente, {codings} Codierungen von {coders}"
        ),
        "{label} (ikzlib.qda.demo, seed {seed}); not real interviews": (
            "{label} (ikzlib.qda.demo, Startwert {seed}); keine echten Interviews"
        ),
        "{primary} cells below {minimum} suppressed, {complementary} more hidden to protect "
        "them.": "{primary} Zellen unter {minimum} unterdrückt, {complementary} weitere zu "
        "deren Schutz verborgen.",
        "Demo saturation: {verdict}": "Sättigung der Demo: {verdict}",
    }
)


_AGREEMENT_STATS = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "brennan_prediger": "Brennan–Prediger kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
}
_PER_CODE_AGREEMENT = {
    "code": "Code",
    "n_units": "Units",
    "both": "Both coders",
    "only_a": "First coder only",
    "only_b": "Second coder only",
    "neither": "Neither",
    **_AGREEMENT_STATS,
}
_MULTI_AGREEMENT = {
    "level": "Level",
    "code": "Code",
    "n_units": "Units",
    "n_coders": "Coders",
    "n_ratings": "Ratings",
    "percent_agreement": "Percent agreement",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "gwet_ac1": "Gwet's AC1",
}
_PAIRS = {"label_a": "Code A", "label_b": "Code B"}

# What each part of the study shows as a table (see InterviewsStudy.table).
TABLES: dict[str, TableSpec] = {
    "facts": TableSpec(
        {
            "value": "Value",
            "unit": "Unit of measure",
            "meaning": "Meaning",
            "source": "Source",
        },
        "Study-level facts",
        translate=("unit",),
    ),
    "findings": TableSpec(
        {
            "code": "Code",
            "n_interviews": "Interviews",
            "interviews": "Interview numbers",
            "evidence": "Evidence (section, footnote)",
            "unattributed": "Count words of unattributed findings",
        },
        "Key codes: interviews each code is attributed to",
    ),
    "unattributed": TableSpec(
        {
            "finding_id": "No.",
            "code": "Code",
            "count_word": "Count word as printed",
            "section": "Section",
            "statement": "Statement",
        },
        "Findings reported without naming interviews",
    ),
    "count_words": TableSpec(
        {"count_word": "Count word as printed", "findings": "Findings"},
        "Unattributed findings by count word",
    ),
    "potential_fields": TableSpec(
        {
            "name": "Task field",
            "n_interviews": "Interviews",
            "evidence": "Evidence (section, footnote)",
            "other_reading": "Other reading of an ambiguous footnote",
            "unattributed": "Count words of unattributed mentions",
        },
        "Task fields named as potentials",
    ),
    "top_pairs": TableSpec(
        {
            **_PAIRS,
            "n_a": "Interviews with A",
            "n_b": "Interviews with B",
            "n12": "Interviews with both",
            "c_coefficient": "c-coefficient",
        },
        "Codes attributed to the same interviews (strongest pairs)",
        decimals=3,
    ),
    "saturation_runs": TableSpec(
        {
            "run_start": "Run starts at interview",
            "n_before": "Interviews before the run",
            "new_codes": "New codes in the run",
            "new_share": "New codes, % of base",
        },
        "New codes per run",
        decimals=1,
    ),
    "agreement": TableSpec(
        _MULTI_AGREEMENT, "Agreement of all coders", decimals=3, translate=("level", "code")
    ),
    "demo_segments": TableSpec(
        {
            "doc_id": "Document",
            "code": "Code",
            "start": "Start",
            "end": "End",
            "coder": "Coder",
            "text": "Text",
        },
        "Synthetic demo data: segments of one code in the smallest size class",
    ),
    "demo_agreement_summary": TableSpec(
        {
            "level": "Level",
            "n_units": "Units (unit × code)",
            "percent_agreement": "Percent agreement",
            "cohen_kappa": "Cohen's kappa",
            "kappa_low": "Kappa, 95 % interval from",
            "kappa_high": "Kappa, 95 % interval to",
            "brennan_prediger": "Brennan–Prediger kappa",
            "krippendorff_alpha": "Krippendorff's alpha",
            "gwet_ac1": "Gwet's AC1",
        },
        "Synthetic demo data: agreement pooled over all codes",
        decimals=3,
        translate=("level",),
    ),
    "demo_document_agreement": TableSpec(
        _PER_CODE_AGREEMENT,
        "Synthetic demo data: agreement per code, document level",
        decimals=3,
        translate=("code",),
    ),
    "demo_segment_agreement": TableSpec(
        _PER_CODE_AGREEMENT,
        "Synthetic demo data: agreement per code, segment level",
        decimals=3,
        translate=("code",),
    ),
    "demo_multi_agreement": TableSpec(
        _MULTI_AGREEMENT,
        "Synthetic demo data: agreement of all coders",
        decimals=3,
        translate=("level", "code"),
    ),
    "demo_crosstab": TableSpec(
        {"code": "Code", **{label: label for label in SIZE_CLASS_LABELS}, "total": "total"},
        "Synthetic demo data: interviews with each code by size class (small counts hidden)",
        translate=("code",),
    ),
    "demo_pairs": TableSpec(
        {
            **_PAIRS,
            "n_a": "Segments with A",
            "n_b": "Segments with B",
            "n12": "Overlapping pairs",
            "jaccard": "Jaccard (characters)",
            "c_coefficient": "c-coefficient",
        },
        "Synthetic demo data: overlapping segments of two codes",
        decimals=3,
    ),
}

register(
    {
        # labels other modules register too (same German; this module may be imported alone)
        "Code": "Code",
        "Document": "Dokument",
        "Units": "Einheiten",
        "Level": "Ebene",
        "Value": "Wert",
        "Source": "Quelle",
        "Meaning": "Bedeutung",
        "Unit of measure": "Maßeinheit",
        "Section": "Abschnitt",
        "Statement": "Aussage",
        "Task field": "Aufgabenfeld",
        "Count word as printed": "Mengenangabe im Original",
        "total": "gesamt",
        "interviews": "Interviews",
        "persons": "Personen",
        "administrations": "Verwaltungen",
        "month": "Monat",
        "< 5,000": "< 5.000",
        "5,000-10,000": "5.000–10.000",
        "10,000-20,000": "10.000–20.000",
        "20,000-50,000": "20.000–50.000",
        ">= 50,000": "≥ 50.000",
        "Interview numbers": "Interviewnummern",
        "Evidence (section, footnote)": "Beleg (Abschnitt, Fußnote)",
        "Count words of unattributed findings": "Mengenangaben nicht zugeordneter Befunde",
        "No.": "Nr.",
        "Findings": "Befunde",
        "Other reading of an ambiguous footnote": "Andere Lesart einer mehrdeutigen Fußnote",
        "Count words of unattributed mentions": "Mengenangaben nicht zugeordneter Nennungen",
        "Code A": "Code A",
        "Code B": "Code B",
        "Interviews with A": "Interviews mit A",
        "Interviews with B": "Interviews mit B",
        "Interviews with both": "Interviews mit beiden",
        "c-coefficient": "c-Koeffizient",
        "Run starts at interview": "Durchlauf beginnt bei Interview",
        "Interviews before the run": "Interviews vor dem Durchlauf",
        "New codes in the run": "Neue Codes im Durchlauf",
        "New codes, % of base": "Neue Codes, % der Basis",
        "Start": "Anfang",
        "End": "Ende",
        "Coder": "Codierer",
        "Coders": "Codierer",
        "Text": "Text",
        "Ratings": "Urteile",
        "Both coders": "Beide Codierer",
        "First coder only": "Nur erster Codierer",
        "Second coder only": "Nur zweiter Codierer",
        "Neither": "Keiner",
        "Percent agreement": "Prozentuale Übereinstimmung",
        "Cohen's kappa": "Cohens Kappa",
        "Brennan–Prediger kappa": "Brennan-Prediger-Kappa",
        "Krippendorff's alpha": "Krippendorffs Alpha",
        "Gwet's AC1": "Gwets AC1",
        "Fleiss' kappa": "Fleiss' Kappa",
        "Units (unit × code)": "Einheiten (Einheit × Code)",
        "Kappa, 95 % interval from": "Kappa, 95-%-Intervall von",
        "Kappa, 95 % interval to": "Kappa, 95-%-Intervall bis",
        "Segments with A": "Segmente mit A",
        "Segments with B": "Segmente mit B",
        "Overlapping pairs": "Überlappende Paare",
        "Jaccard (characters)": "Jaccard (Zeichen)",
        "Study-level facts": "Angaben zur Studie",
        "Key codes: interviews each code is attributed to": (
            "Zentrale Codes: Interviews, denen jeder Code zugeordnet ist"
        ),
        "Findings reported without naming interviews": (
            "Ohne Nennung von Interviews berichtete Befunde"
        ),
        "Unattributed findings by count word": "Nicht zugeordnete Befunde nach Mengenangabe",
        "Task fields named as potentials": "Als Potenzial genannte Aufgabenfelder",
        "Codes attributed to the same interviews (strongest pairs)": (
            "Denselben Interviews zugeordnete Codes (stärkste Paare)"
        ),
        "New codes per run": "Neue Codes je Durchlauf",
        "Agreement of all coders": "Übereinstimmung aller Codierer",
        "Synthetic demo data: segments of one code in the smallest size class": (
            "Synthetische Demodaten: Segmente eines Codes in der kleinsten Größenklasse"
        ),
        "Synthetic demo data: agreement pooled over all codes": (
            "Synthetische Demodaten: Übereinstimmung, gepoolt über alle Codes"
        ),
        "Synthetic demo data: agreement per code, document level": (
            "Synthetische Demodaten: Übereinstimmung je Code, Dokumentebene"
        ),
        "Synthetic demo data: agreement per code, segment level": (
            "Synthetische Demodaten: Übereinstimmung je Code, Segmentebene"
        ),
        "Synthetic demo data: agreement of all coders": (
            "Synthetische Demodaten: Übereinstimmung aller Codierer"
        ),
        "Synthetic demo data: interviews with each code by size class (small counts hidden)": (
            "Synthetische Demodaten: Interviews mit jedem Code nach Größenklasse (kleine "
            "Zahlen verborgen)"
        ),
        "Synthetic demo data: overlapping segments of two codes": (
            "Synthetische Demodaten: überlappende Segmente zweier Codes"
        ),
    }
)


def _own(name: str, label: str, *, headline: bool = False) -> KeyFigure:
    """A count from the district's coded interviews (published when they reconstruct a study)."""
    return KeyFigure(
        name,
        label,
        kind=Kind.PUBLISHED,
        kinds=(Kind.DERIVED,),
        source=OWN_SOURCE,
        headline=headline,
    )


SECTION = Section(
    "interviews",
    "Coded interviews",
    (
        KeyFigure(
            "has_interview_data",
            "Coded interviews available",
            decimals=None,
            kind=Kind.DERIVED,
            source="district inputs (ikzlib.catalog): data/raw/<district>/interviews/",
        ),
        _own("n_interviews", "Interviews", headline=True),
        _own("n_codes", "Codes in the codebook"),
        _own("n_codings", "Codings", headline=True),
        _own("n_unattributed", "Findings without named interviews"),
        _own(
            "n_interviews_lacking_resources", "Interviews naming lacking resources", headline=True
        ),
        _own("n_interviews_legal_risk", "Interviews naming legal risks"),
        KeyFigure(
            "saturation_verdict",
            "Thematic saturation",
            decimals=None,
            kind=Kind.DERIVED,
            source=f"{SATURATION_METHOD} applied to the coded interviews",
        ),
    ),
    order=30,
    notebook="03_interviews",
)


@dataclass(frozen=True)
class InterviewParameters:
    """The study's settings, validated (see :func:`parameters`)."""

    min_cell_size: int = 3
    saturation_base: int = 4
    saturation_run: int = 2
    saturation_threshold: float = 0.05
    n_bootstrap: int = 1000
    seed: int = 2023
    min_overlap: float = 50


def parameters(**values: Any) -> InterviewParameters:
    """:class:`InterviewParameters` from keyword values, each checked (:class:`ParameterError`).

    ``min_cell_size`` >= 1 (1 shows every count), ``saturation_base`` and ``saturation_run``
    >= 1 interviews, ``saturation_threshold`` a share in [0, 1), ``n_bootstrap`` >= 0 random
    orders, ``seed`` >= 0, ``min_overlap`` a percentage in (0, 100].
    """
    p = InterviewParameters(**values)
    return InterviewParameters(
        min_cell_size=check_number("min_cell_size", p.min_cell_size, minimum=1, integer=True),
        saturation_base=check_number("saturation_base", p.saturation_base, minimum=1, integer=True),
        saturation_run=check_number("saturation_run", p.saturation_run, minimum=1, integer=True),
        saturation_threshold=_share("saturation_threshold", p.saturation_threshold),
        n_bootstrap=check_number("n_bootstrap", p.n_bootstrap, minimum=0, integer=True),
        seed=check_number("seed", p.seed, minimum=0, integer=True),
        min_overlap=check_number(
            "min_overlap", p.min_overlap, minimum=0, maximum=100, exclusive_minimum=True
        ),
    )


def _share(name: str, value: Any) -> float:
    """A share in [0, 1): the saturation threshold."""
    share = float(check_number(name, value, minimum=0))
    if share >= 1:
        raise ParameterError(
            f"parameter {name}={value!r}: a share below 1 is required (0.05 = 5 %)"
        )
    return share


@dataclass(frozen=True)
class SaturationCheck:
    """Thematic saturation of one project (Guest, Namey & Chen 2020).

    Attributes
    ----------
    result
        Assessment in the given (numbered) order.
    bootstrap
        One row per random order (:func:`ikzlib.qda.saturation.bootstrap_saturation`).
    curve
        Every run in the given order, also after saturation (for the curve).
    verdict
        One sentence, the text of :func:`ikzlib.qda.saturation.saturation_verdict`.
    runs_percent
        ``result.runs`` with ``new_share`` in percent, rounded to 0.1.
    """

    result: saturation.SaturationResult
    bootstrap: pd.DataFrame
    curve: saturation.SaturationResult
    verdict: Message
    runs_percent: pd.DataFrame


@dataclass(frozen=True)
class DistrictInterviews:
    """The district's own coded interviews and everything computed from them.

    Attributes
    ----------
    project
        The coded project as read from ``data/raw/<district>/interviews/``.
    overview
        One line: documents, codes, codings (and unattributed findings).
    provenance
        Sentences on where the codings come from and what they can show, from the data.
    facts
        Study-level facts with their source (``study_facts.csv``), or ``None``.
    unknown_variables
        Per-interview variables without any value.
    ambiguous
        Footnotes coded under more than one reading, ``{footnote: [code_id, ...]}``
        (:func:`ikzlib.interview_data.ambiguous_footnotes`).
    findings
        :func:`ikzlib.interview_data.findings_table` of the key codes the codebook has.
    highlights
        One sentence per highlighted key code: how many and which interviews.
    unattributed
        Findings reported without naming interviews, with their code path, or ``None``.
    unattributed_by_word
        Number of unattributed findings per quantifier as printed (``count_word``,
        ``findings``), or ``None``.
    potential_fields
        :func:`ikzlib.interview_data.potential_field_counts` plus ``other_reading``: for a
        field counted through an ambiguous footnote, the footnote and its other reading(s).
    field_notes
        What the task-field counts can be used for, from the data.
    matrix
        Documents x coded codes, number of codings (:func:`analysis.document_code_matrix`).
    value_label, what
        What a matrix cell counts (``attributions`` or ``codings``) and what the figures
        show (e.g. ``attributed findings``), from the data.
    pairs, top_pairs
        Document-level co-occurrence of the codes found in some but not all interviews;
        the strongest pairs (c-coefficient, then code ids), at most 12, with code labels.
    graph
        Co-occurrence graph of ``pairs`` (nodes carry the code path and frequency).
    cooccurrence_note
        What the pairs describe, from the data.
    saturation
        The saturation check in the documents' numbered order and bootstrapped.
    saturation_notes
        Caveats of the saturation check that follow from the data.
    agreement
        :func:`ikzlib.qda.agreement.multi_coder_agreement` of every coder (document level,
        and segment level when codings have positions), or ``None`` with a single coder.
    agreement_note
        Whether and how agreement can be computed for these interviews.
    source
        Provenance line for figures and key figures.
    reconstruction
        Whether the codings reconstruct a published study's attributions (footnotes).
    """

    project: CodedProject
    overview: Message
    provenance: tuple[Message, ...]
    facts: pd.DataFrame | None
    unknown_variables: tuple[str, ...]
    ambiguous: dict[int, list[str]]
    findings: pd.DataFrame
    highlights: tuple[Message, ...]
    unattributed: pd.DataFrame | None
    unattributed_by_word: pd.DataFrame | None
    potential_fields: pd.DataFrame
    field_notes: tuple[Message, ...]
    matrix: pd.DataFrame
    value_label: str
    what: str
    pairs: pd.DataFrame
    top_pairs: pd.DataFrame
    graph: nx.Graph
    cooccurrence_note: Message
    saturation: SaturationCheck
    saturation_notes: tuple[Message, ...]
    agreement: pd.DataFrame | None
    agreement_note: Message
    source: Message
    reconstruction: bool


@dataclass(frozen=True)
class DemoInterviews:
    """Segment-level methods on the synthetic demo project (describes nobody).

    Attributes
    ----------
    project
        :func:`ikzlib.qda.demo.demo_project` with the study's ``seed``.
    overview
        One line: documents, codings and coders.
    codes
        The leaf codes used (codes with codings, codebook order).
    segments
        Example retrieval: segments of :data:`DEMO_SEGMENT_CODE` in the smallest size class.
    document_agreement, segment_agreement
        Agreement of the two coders per code and ``overall`` (:mod:`ikzlib.qda.agreement`),
        with Gwet's AC1 (``gwet_ac1``) and the code label (``code``).
    agreement_summary
        The pooled (``overall``) statistics of both levels, one row per level, with the
        bootstrap interval of Cohen's kappa (``kappa_low``, ``kappa_high``).
    multi_agreement
        :func:`ikzlib.qda.agreement.multi_coder_agreement` at both levels when the demo has
        more than two coders, else ``None``.
    agreement_notes
        How the interval was computed and what the multi-coder statistics need.
    crosstab
        Documents with each code by size class (rows labelled ``family: code``).
    crosstab_shown, crosstab_hidden
        :func:`analysis.suppress_small_cells` of ``crosstab``: display strings and markers.
    n_primary, n_complementary
        Cells suppressed as small, and further cells hidden to protect them.
    suppression_note
        One sentence on the suppressed cells.
    pairs
        Segment-level co-occurrence of the pairs that co-occur at least once.
    saturation
        The saturation check on the demo interviews.
    source
        Provenance line for the demo figures.
    """

    project: CodedProject
    overview: Message
    codes: tuple[str, ...]
    segments: pd.DataFrame
    document_agreement: pd.DataFrame
    segment_agreement: pd.DataFrame
    agreement_summary: pd.DataFrame
    multi_agreement: pd.DataFrame | None
    agreement_notes: tuple[Message, ...]
    crosstab: pd.DataFrame
    crosstab_shown: pd.DataFrame
    crosstab_hidden: pd.DataFrame
    n_primary: int
    n_complementary: int
    suppression_note: Message
    pairs: pd.DataFrame
    saturation: SaturationCheck
    source: Message

    @property
    def overall(self) -> pd.Series:
        """Pooled segment-level agreement (the ``overall`` row)."""
        return self.segment_agreement.set_index("code_id").loc["overall"]

    @property
    def n_hidden(self) -> int:
        """Every hidden cell of the crosstab (primary and complementary)."""
        return self.n_primary + self.n_complementary


@dataclass(frozen=True, kw_only=True)
class InterviewsStudy(Study):
    """Result of :func:`run`: the district's coded interviews (or ``None``) and the demo.

    :meth:`text` gives the sentences of a part in English or German, :meth:`table` a table
    as a reader sees it (:data:`TABLES` holds the column labels).
    """

    parameters: InterviewParameters
    interviews: DistrictInterviews | None
    demo: DemoInterviews

    def frame(self, part: str) -> pd.DataFrame | None:
        """The table of ``part`` (a key of :data:`TABLES`) before display; ``None`` when
        the district's data has no such table."""
        if part not in TABLES:
            raise ParameterError(f"unknown table {part!r}; choose one of {', '.join(TABLES)}")
        return _display_frames(self).get(part)

    def table(self, part: str, lang: str = "en") -> Table | None:
        """``part`` as :func:`ikzlib.display.table` (labels, decimals and caption of
        :data:`TABLES`), or ``None`` when the district's data has no such table."""
        frame = self.frame(part)
        if frame is None:
            return None
        spec = TABLES[part]
        caption = spec.caption
        if part == "demo_segment_agreement":
            caption = Message(
                "{caption} (overlap ≥ {overlap} %)",
                caption=Message(spec.caption),
                overlap=Number(self.parameters.min_overlap, _decimals(self.parameters.min_overlap)),
            )
        return spec.show(frame, lang, caption)

    def text(self, part: str, lang: str = "en") -> str:
        """The sentences of ``part``, one per line, in ``lang`` ("" when there are none).

        Parts: ``notes``, ``provenance``, ``highlights``, ``fields``, ``cooccurrence``,
        ``saturation``, ``agreement`` (the district's), ``demo``, ``demo_agreement``,
        ``suppression``, ``demo_saturation``.
        """
        sentences = _sentences(self)
        if part not in sentences:
            raise ParameterError(f"unknown text {part!r}; choose one of {', '.join(sentences)}")
        return "\n".join(tr(s, lang) for s in sentences[part])


register({"{caption} (overlap ≥ {overlap} %)": "{caption} (Überlappung ≥ {overlap} %)"})


def _decimals(value: float) -> int:
    """Decimals needed to show a parameter such as 50 or 2.5 without trailing zeros."""
    return 0 if float(value).is_integer() else len(f"{value:g}".split(".")[1])


def _sentences(study: InterviewsStudy) -> dict[str, tuple[str, ...]]:
    """Every part's sentences (see :meth:`InterviewsStudy.text`)."""
    own, shown, params = study.interviews, study.demo, study.parameters
    parts: dict[str, tuple[str, ...]] = {
        "notes": study.notes,
        "demo": (shown.overview,),
        "demo_agreement": shown.agreement_notes,
        "suppression": (shown.suppression_note,),
        "demo_saturation": (
            Message("Demo saturation: {verdict}", verdict=shown.saturation.verdict),
        ),
    }
    if own is None:
        empty = ("provenance", "highlights", "fields", "cooccurrence", "saturation", "agreement")
        return {**parts, **dict.fromkeys(empty, ())}
    check = own.saturation
    threshold = 100 * params.saturation_threshold
    return {
        **parts,
        "provenance": (own.overview, *own.provenance),
        "highlights": own.highlights,
        "fields": own.field_notes,
        "cooccurrence": (own.cooccurrence_note,),
        "saturation": (
            Message(
                "Base: {codes} codes in interviews 1-{base}.",
                codes=check.result.base_codes,
                base=params.saturation_base,
            ),
            Message(
                "Saturation ({threshold} % threshold): {verdict}",
                threshold=Number(threshold, _decimals(threshold)),
                verdict=check.verdict,
            ),
            *own.saturation_notes,
        ),
        "agreement": (own.agreement_note,),
    }


def _display_frames(study: InterviewsStudy) -> dict[str, pd.DataFrame | None]:
    """The raw tables behind :data:`TABLES` (``None`` where the data has no such table)."""
    shown = study.demo
    frames: dict[str, pd.DataFrame | None] = dict.fromkeys(TABLES)
    frames.update(
        demo_segments=shown.segments,
        demo_agreement_summary=shown.agreement_summary,
        demo_document_agreement=shown.document_agreement,
        demo_segment_agreement=shown.segment_agreement,
        demo_multi_agreement=shown.multi_agreement,
        demo_crosstab=shown.crosstab_shown.rename_axis("code").reset_index(),
        demo_pairs=_with_labels(shown.project, shown.pairs),
    )
    own = study.interviews
    if own is not None:
        frames.update(
            facts=own.facts,
            findings=own.findings.assign(unattributed=_count_word_cells(own.findings)),
            unattributed=own.unattributed,
            count_words=own.unattributed_by_word,
            potential_fields=own.potential_fields.assign(
                unattributed=_count_word_cells(own.potential_fields)
            ),
            top_pairs=own.top_pairs,
            saturation_runs=own.saturation.runs_percent,
            agreement=own.agreement,
        )
    return frames


def _join(items: list[str], separator: str = ", ") -> Message:
    """``items`` joined as one message, so that messages among them are translated."""
    keys = [f"item{i}" for i in range(len(items))]
    return Message(separator.join(f"{{{k}}}" for k in keys), **dict(zip(keys, items, strict=True)))


def _count_words(words: list[str]) -> Message:
    """Count words joined by commas; ``unspecified`` is translated, the others are quotes."""
    return _join([Message(UNSPECIFIED) if w == UNSPECIFIED else w for w in words])


def _messages(frame: pd.DataFrame, values: list[Message]) -> pd.Series:
    """A column of messages for ``frame``; ``object`` dtype, because pandas would turn the
    ``str`` subclass into plain strings and lose the translation."""
    return pd.Series(values, index=frame.index, dtype=object)


def _count_word_cells(frame: pd.DataFrame) -> pd.Series:
    """The ``unattributed`` column (comma-joined count words) as translatable messages."""
    return _messages(
        frame, [_count_words(v.split(", ") if v else []) for v in frame["unattributed"]]
    )


def _with_labels(project: CodedProject, pairs: pd.DataFrame) -> pd.DataFrame:
    """Co-occurrence pairs with ``label_a``/``label_b`` (``family: code``) in front."""
    return pairs.assign(
        label_a=[analysis.code_label(project, c) for c in pairs["code_a"]],
        label_b=[analysis.code_label(project, c) for c in pairs["code_b"]],
    )


def run(
    district: str | District,
    *,
    min_cell_size: int = 3,
    saturation_base: int = 4,
    saturation_run: int = 2,
    saturation_threshold: float = 0.05,
    n_bootstrap: int = 1000,
    seed: int = 2023,
    min_overlap: float = 50,
) -> InterviewsStudy:
    """Analyse the district's coded interviews and run the demonstration on synthetic data.

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
    min_cell_size
        Smallest count shown in the demo crosstab; smaller counts are suppressed.
    saturation_base, saturation_run, saturation_threshold
        Base size b, run length r and new-information threshold (share of the base) of
        the saturation check.
    n_bootstrap
        Random interview orders for the saturation bootstrap, and bootstrap replicates of
        the interval of Cohen's kappa.
    seed
        Seed of the bootstraps and of the demo project.
    min_overlap
        Overlap (% of the combined extent) for two coders' segments to be the same passage.

    Raises
    ------
    ParameterError
        A parameter out of range.
    """
    resolved = resolve(district)
    params = parameters(
        min_cell_size=min_cell_size,
        saturation_base=saturation_base,
        saturation_run=saturation_run,
        saturation_threshold=saturation_threshold,
        n_bootstrap=n_bootstrap,
        seed=seed,
        min_overlap=min_overlap,
    )
    own = district_interviews(resolved, params) if interview_data.has_interviews(resolved) else None
    notes = () if own is not None else (resolved.inputs.missing_note("interviews"),)
    shown = demo_interviews(params)
    return InterviewsStudy(
        district=resolved,
        key_figures=KeyFigures(SECTION, SECTION.figures_from(_key_values(own))),
        notes=notes,
        parameters=params,
        interviews=own,
        demo=shown,
    )


# --- the district's own coded interviews ------------------------------------------------------


def district_interviews(district: District, params: InterviewParameters) -> DistrictInterviews:
    """Load and analyse the district's coded interviews (the district must have them)."""
    project = interview_data.load_interviews(district)
    unattributed = _optional_unattributed(district, project)
    facts = _optional(district, interview_data.FACTS_FILE, interview_data.load_study_facts)
    footnotes = _optional(district, interview_data.FOOTNOTES_FILE, interview_data.load_footnotes)
    reconstruction = footnotes is not None
    ambiguous = interview_data.ambiguous_footnotes(project)
    key_codes = [c for c in KEY_CODES if c in set(project.codes["code_id"])]
    findings = interview_data.findings_table(project, key_codes, unattributed)
    coded = interview_data.coded_code_ids(project)
    pairs, graph = _document_cooccurrence(project, coded)
    fields = _with_other_readings(
        project, interview_data.potential_field_counts(project, unattributed), ambiguous
    )
    multi = _all_coders_agreement(project, params)
    return DistrictInterviews(
        project=project,
        overview=_overview(project, unattributed),
        provenance=_provenance(district, project, unattributed, footnotes, facts, ambiguous),
        facts=facts,
        unknown_variables=_unknown_variables(project),
        ambiguous=ambiguous,
        findings=findings,
        highlights=_highlights(project, findings),
        unattributed=_with_code_path(project, unattributed),
        unattributed_by_word=_by_word(unattributed),
        potential_fields=fields,
        field_notes=_field_notes(project, fields, ambiguous),
        matrix=analysis.document_code_matrix(project, coded),
        value_label="attributions" if reconstruction else "codings",
        what="attributed findings" if reconstruction else "codings",
        pairs=pairs,
        top_pairs=_with_labels(project, _top_pairs(pairs)),
        graph=graph,
        cooccurrence_note=_cooccurrence_note(project, pairs),
        saturation=saturation_check(project, params),
        saturation_notes=_saturation_notes(project, params, reconstruction, facts),
        agreement=multi,
        agreement_note=_agreement_note(multi),
        source=_source(district, project, footnotes, facts),
        reconstruction=reconstruction,
    )


def _optional(district: District, file_name: str, load: Any) -> pd.DataFrame | None:
    """``load(district)`` when the optional table exists, else ``None``."""
    return load(district) if interview_data.has_table(district, file_name) else None


def _optional_unattributed(district: District, project: CodedProject) -> pd.DataFrame | None:
    """The unattributed findings checked against the codebook, or ``None``."""
    if not interview_data.has_table(district, interview_data.UNATTRIBUTED_FILE):
        return None
    return interview_data.load_unattributed_findings(district, project)


def _overview(project: CodedProject, unattributed: pd.DataFrame | None) -> Message:
    counts = {
        "documents": len(project.documents),
        "codes": len(project.codes),
        "codings": len(project.codings),
    }
    if unattributed is None:
        return Message("{documents} documents, {codes} codes, {codings} codings", **counts)
    return Message(
        "{documents} documents, {codes} codes, {codings} codings, {unattributed} unattributed "
        "findings",
        **counts,
        unattributed=len(unattributed),
    )


def _unknown_variables(project: CodedProject) -> tuple[str, ...]:
    """Document variables without a value in any document."""
    variables = project.doc_variables
    known = set(variables.loc[variables["value"].notna(), "variable"])
    return tuple(sorted(set(variables["variable"]) - known))


def _document_level(project: CodedProject) -> bool:
    """Whether every coding covers a whole document (no positions)."""
    return bool(len(project.codings)) and bool(project.codings["start"].isna().all())


def _provenance(
    district: District,
    project: CodedProject,
    unattributed: pd.DataFrame | None,
    footnotes: pd.DataFrame | None,
    facts: pd.DataFrame | None,
    ambiguous: dict[int, list[str]],
) -> tuple[Message, ...]:
    """Sentences on where the codings come from and what they can show."""
    sentences = []
    if project.documents["text"].isna().all():
        sentences.append(Message("No transcripts are included (no document carries a text)."))
    if _document_level(project):
        sentences.append(
            Message(
                "All {n} codings are at document level: they say whether a statement is "
                "attributed to an interview, not how much was said or where.",
                n=len(project.codings),
            )
        )
    if footnotes is not None:
        sentences.append(_footnote_sentence(project, footnotes))
        sentences += [_ambiguity_sentence(project, n, codes) for n, codes in ambiguous.items()]
        sentences.append(
            Message(
                "Counts are lower bounds: an interview without a coding may have raised a "
                "topic the study did not attribute to it."
            )
        )
    if unattributed is not None:
        sentences.append(
            Message(
                "{n} findings are reported without naming interviews; they are kept with "
                "their quantifier as printed and never counted for an interview.",
                n=len(unattributed),
            )
        )
    unknown = _unknown_variables(project)
    if unknown:
        sentences.append(
            Message("Per-interview variables left unknown: {names}.", names=", ".join(unknown))
        )
    if facts is not None:
        sentences.append(Message("Study-level facts from {study}.", study=_study_name(facts)))
    readme = interview_data.interviews_dir(district) / "README.md"
    if readme.is_file():
        sentences.append(Message("Details: {path}.", path=_relative(readme)))
    return tuple(sentences)


def _footnote_sentence(project: CodedProject, footnotes: pd.DataFrame) -> Message:
    """How the codings follow the footnotes of a published study."""
    counts = interview_data.attribution_counts(project)
    values = {
        "footnote": counts["footnote"],
        "n_footnotes": len(footnotes),
        "footnotes": _footnote_range(footnotes),
        "all": counts["all"],
    }
    text = (
        "The codings reconstruct a published study's attributions: {footnote} follow one of "
        "{n_footnotes} footnotes ({footnotes}) that name interviews, {all} a statement the "
        "text makes for all interviewees"
    )
    if counts["other"]:
        return Message(f"{text}, and {{other}} other evidence.", **values, other=counts["other"])
    return Message(f"{text}; nothing else is attributed to an interview.", **values)


def _ambiguity_sentence(project: CodedProject, footnote: int, codes: list[str]) -> Message:
    """That a footnote is coded under each of its readings, and under which codes."""
    return Message(
        "Footnote {footnote} admits more than one reading and is coded under each "
        "({codes}); the count of each of these codes includes it.",
        footnote=footnote,
        codes="; ".join(project.code_path(c) for c in codes),
    )


def _footnote_range(footnotes: pd.DataFrame) -> Message:
    numbers = footnotes["footnote"]
    low, high = int(numbers.min()), int(numbers.max())
    if low == high:
        return Message("footnote {number}", number=low)
    return Message("footnotes {low}-{high}", low=low, high=high)


def _study_name(facts: pd.DataFrame) -> str:
    """The publication the facts cite, e.g. ``X case study (2023)`` (before the first comma)."""
    names = dict.fromkeys(str(s).split(",")[0].strip() for s in facts["source"])
    return "; ".join(names)


def _relative(path: Any) -> str:
    try:
        return str(path.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def _source(
    district: District,
    project: CodedProject,
    footnotes: pd.DataFrame | None,
    facts: pd.DataFrame | None,
) -> Message:
    """Provenance of the codings, e.g. ``<study>, sections 3.5-3.6, footnotes 91-113; ...``."""
    if footnotes is None:
        return Message(
            "coded interviews, {path}", path=_relative(interview_data.interviews_dir(district))
        )
    return Message(
        "{study}, {sections}, {footnotes}; document-level reconstruction",
        study=_study_name(facts) if facts is not None else Message("published study"),
        sections=_section_range(project),
        footnotes=_footnote_range(footnotes),
    )


def _section_range(project: CodedProject) -> Message:
    """Sections (two levels) the codings cite, e.g. ``sections 3.5-3.6``."""
    cited = {".".join(str(s).split(".")[:2]) for s in project.codings["section"].dropna()}
    ordered = sorted(cited, key=lambda s: tuple(int(p) for p in s.split(".") if p.isdigit()))
    if not ordered:
        return Message("sections not cited")
    if len(ordered) == 1:
        return Message("section {section}", section=ordered[0])
    return Message("sections {first}-{last}", first=ordered[0], last=ordered[-1])


def _highlights(project: CodedProject, findings: pd.DataFrame) -> tuple[Message, ...]:
    """``<code path>: n of N interviews (numbers)`` for each highlighted key code present."""
    rows = findings.set_index("code_id")
    sentences = []
    for code in (c for c in HIGHLIGHT_CODES if c in rows.index):
        values = {
            "code": rows.at[code, "code"],
            "n": int(rows.at[code, "n_interviews"]),
            "total": len(project.documents),
        }
        numbers = rows.at[code, "interviews"]
        if numbers:
            template = "{code}: {n} of {total} interviews ({numbers})"
            sentences.append(Message(template, **values, numbers=numbers))
        else:
            sentences.append(Message("{code}: {n} of {total} interviews", **values))
    return tuple(sentences)


def _with_code_path(
    project: CodedProject, unattributed: pd.DataFrame | None
) -> pd.DataFrame | None:
    """Unattributed findings with the code path, in display order."""
    if unattributed is None:
        return None
    shown = unattributed.assign(
        code=[project.code_path(c) for c in unattributed["code_id"]],
        count_word=_messages(unattributed, [_count_words([w]) for w in unattributed["count_word"]]),
    )
    return shown[["finding_id", "code", "count_word", "section", "statement"]]


def _by_word(unattributed: pd.DataFrame | None) -> pd.DataFrame | None:
    """Unattributed findings per count word: ``count_word``, ``findings``."""
    if unattributed is None:
        return None
    counts = unattributed.groupby("count_word").size().rename("findings").reset_index()
    return counts.assign(
        count_word=_messages(counts, [_count_words([w]) for w in counts["count_word"]])
    )


def _readings(project: CodedProject, code_id: str) -> list[tuple[str, int]]:
    """``(doc_id, footnote)`` of the codings of ``code_id`` that rest on an ambiguous footnote."""
    codings = project.codings[project.codings["code_id"] == code_id]
    found = []
    for doc, evidence in zip(codings["doc_id"], codings["evidence"], strict=True):
        match = interview_data.FOOTNOTE_EVIDENCE.fullmatch(evidence or "")
        if match and match.group(2):
            found.append((doc, int(match.group(1))))
    return found


def _with_other_readings(
    project: CodedProject, fields: pd.DataFrame, ambiguous: dict[int, list[str]]
) -> pd.DataFrame:
    """Task-field counts with ``other_reading``: ambiguous footnotes behind a count and the
    codes of their other readings (empty when the count rests on unambiguous sources)."""
    cells = []
    for code in fields["code_id"]:
        notes = sorted({footnote for _, footnote in _readings(project, code)})
        cells.append(
            _join(
                [
                    Message(
                        "footnote {footnote}: {codes}",
                        footnote=n,
                        codes=", ".join(project.code_path(c) for c in ambiguous[n] if c != code),
                    )
                    for n in notes
                ],
                "; ",
            )
        )
    columns = ["code_id", "name", "n_interviews", "evidence", "other_reading", "unattributed"]
    return fields.assign(other_reading=_messages(fields, cells))[columns]


def _field_notes(
    project: CodedProject, fields: pd.DataFrame, ambiguous: dict[int, list[str]]
) -> tuple[Message, ...]:
    """What the task-field counts can show, including counts that rest on one reading."""
    if fields.empty:
        return (Message("The codebook has no task fields named as potentials."),)
    named = fields[fields["n_interviews"] > 0]
    notes = [
        Message(
            "Task fields attributed to at least one interview: {named} of {total}.",
            named=len(named),
            total=len(fields),
        )
    ]
    firm = 0
    for code, name in zip(named["code_id"], named["name"], strict=True):
        readings = _readings(project, code)
        docs = interview_data.documents_by_code(project, code)
        if len({doc for doc, _ in readings}) < len(docs):
            firm += 1
        for footnote in sorted({f for _, f in readings}):
            only = sorted({doc for doc, f in readings if f == footnote})
            others = [project.code_path(c) for c in ambiguous[footnote] if c != code]
            notes.append(
                Message(
                    "{field}: counted for interview {numbers} only through footnote "
                    "{footnote}, which admits more than one reading (it is also coded as "
                    "{others}).",
                    field=name,
                    numbers=", ".join(map(str, interview_data.interview_numbers(project, only))),
                    footnote=footnote,
                    others="; ".join(others),
                )
            )
    if firm == 0:
        notes.append(_quantifier_note(fields))
    return tuple(notes)


def _quantifier_note(fields: pd.DataFrame) -> Message:
    """That only the quantifiers of unattributed mentions can be used, with an example."""
    quantified = fields[~fields["unattributed"].isin(["", UNSPECIFIED])]
    text = (
        "No task field is attributed to an interview by an unambiguous source; only the "
        "quantifiers of the unattributed mentions can be used"
    )
    if quantified.empty:
        return Message(f"{text}.")
    example = quantified.iloc[0]
    return Message(
        f"{text} (e.g. {{field}}: {{words}}).",
        field=example["name"],
        words=_count_words(example["unattributed"].split(", ")),
    )


def _document_cooccurrence(
    project: CodedProject, coded: list[str]
) -> tuple[pd.DataFrame, nx.Graph]:
    """Co-occurrence pairs and graph of the codes found in some but not every interview."""
    frequencies = analysis.code_frequencies(project, coded)
    partial = frequencies.loc[frequencies["n_documents"] < len(project.documents), "code_id"]
    pairs = cooccurrence.cooccurrence(project, list(partial))
    return pairs, cooccurrence.cooccurrence_graph(pairs, frequencies)


def _top_pairs(pairs: pd.DataFrame, n: int = 12) -> pd.DataFrame:
    top = pairs[pairs["n12"] > 0].sort_values(
        ["c_coefficient", "code_a", "code_b"], ascending=[False, True, True]
    )
    return top.head(n)


def _cooccurrence_note(project: CodedProject, pairs: pd.DataFrame) -> Message:
    """What the co-occurrence of sparse document-level data describes."""
    counts = (
        pd.concat([pairs.set_index("code_a")["n_a"], pairs.set_index("code_b")["n_b"]])
        .groupby(level=0)
        .first()
    )
    values = {
        "n": len(counts),
        "total": len(project.documents),
        "single": int((counts == 1).sum()),
    }
    text = (
        "{n} codes occur in some but not all of the {total} interviews, {single} of them in "
        "a single interview"
    )
    if _document_level(project):
        return Message(
            f"{text}; the pairs describe which interviews the codings name together, not "
            "patterns of thought.",
            **values,
        )
    return Message(f"{text}.", **values)


def saturation_check(project: CodedProject, params: InterviewParameters) -> SaturationCheck:
    """Saturation in the documents' order, bootstrapped over random orders, and its curve."""
    sets = saturation.code_sets(project)
    settings = {
        "base": params.saturation_base,
        "run": params.saturation_run,
        "threshold": params.saturation_threshold,
    }
    result = saturation.assess_saturation(sets, **settings)
    boot = saturation.bootstrap_saturation(
        sets, **settings, n_bootstrap=params.n_bootstrap, seed=params.seed
    )
    return SaturationCheck(
        result=result,
        bootstrap=boot,
        curve=saturation.assess_saturation(sets, **settings, all_runs=True),
        verdict=saturation.saturation_verdict(result, boot, base=params.saturation_base),
        runs_percent=result.runs.assign(new_share=(100 * result.runs["new_share"]).round(1)),
    )


def _saturation_notes(
    project: CodedProject,
    params: InterviewParameters,
    reconstruction: bool,
    facts: pd.DataFrame | None,
) -> tuple[Message, ...]:
    """Caveats of the saturation check that follow from the data."""
    n = len(project.documents)
    base, run_length = params.saturation_base, params.saturation_run
    notes = [
        Message(
            "With {n} interviews and a base of {base}, at most {runs} run(s) of {run} fit.",
            n=n,
            base=base,
            runs=max(0, n - base - run_length + 1),
            run=run_length,
        )
    ]
    if reconstruction:
        notes.append(
            Message(
                "The codings hold only the findings the authors chose to attribute: a new code "
                "in a later interview reflects that attribution, not new content, and an "
                "absent code does not mean it was not said."
            )
        )
        withheld = _fact(facts, "attribution_withheld")
        if withheld is not None and withheld["value"] == "yes":
            notes.append(Message("Moreover, {meaning}.", meaning=withheld["meaning"]))
        notes.append(
            Message(
                "Saturation of the original interviews can neither be confirmed nor refuted "
                "from this data, whatever the numbers show."
            )
        )
    return tuple(notes)


def _fact(facts: pd.DataFrame | None, name: str) -> pd.Series | None:
    if facts is None or name not in set(facts["fact"]):
        return None
    return facts.set_index("fact").loc[name]


def _coders(project: CodedProject) -> list[str]:
    return sorted(set(project.codings["coder"].dropna()))


def _all_coders_agreement(
    project: CodedProject, params: InterviewParameters, *, min_coders: int = 2
) -> pd.DataFrame | None:
    """:func:`agreement.multi_coder_agreement` of every coder at document level (and segment
    level when codings have positions), with ``level`` and ``code`` (label) columns; ``None``
    with fewer than ``min_coders`` coders."""
    if len(_coders(project)) < min_coders:
        return None
    used = [c for c in project.codes["code_id"] if c in set(project.codings["code_id"])]
    levels = {"document": DOCUMENT_LEVEL}
    if project.codings["start"].notna().any():
        levels["segment"] = SEGMENT_LEVEL
    tables = [
        agreement.multi_coder_agreement(
            project, codes=used, level=level, min_overlap=params.min_overlap
        ).assign(level=label)
        for level, label in levels.items()
    ]
    combined = pd.concat(tables, ignore_index=True)
    return combined.assign(code=_code_labels(project, combined["code_id"]))


def _agreement_note(multi: pd.DataFrame | None) -> Message:
    if multi is None:
        return Message(
            "The district's interviews were coded by one coder: intercoder agreement cannot "
            "be computed."
        )
    return Message(
        "{n} coders coded the district's interviews: their agreement is shown below (a coder "
        "who coded nothing in a document has not rated it).",
        n=int(multi["n_coders"].iloc[0]),
    )


def _code_labels(project: CodedProject, code_ids: pd.Series) -> list[str]:
    """``family: code`` per code id; the pooled row keeps the label ``overall``."""
    return [c if c == "overall" else analysis.code_label(project, c) for c in code_ids]


register({"overall": "gesamt"})


# --- the demonstration on synthetic data ----------------------------------------------------


@lru_cache(maxsize=8)
def demo_interviews(params: InterviewParameters) -> DemoInterviews:
    """Agreement, suppression, segment co-occurrence and saturation on the demo project.

    The same for every district, so computed once per parameter set and process; the
    tables are shared and must be treated as read-only.
    """
    project = demo.demo_project(seed=params.seed)
    used = set(project.codings["code_id"])
    codes = [c for c in project.codes["code_id"] if c in used]
    crosstab = _labelled_crosstab(project, codes)
    shown, hidden = analysis.suppress_small_cells(crosstab, params.min_cell_size)
    pairs = cooccurrence.cooccurrence(project, codes, level="segment")
    by_level = {
        level: _two_coder_agreement(project, codes, level, params)
        for level in (DOCUMENT_LEVEL, SEGMENT_LEVEL)
    }
    coders = _coders(project)
    multi = _all_coders_agreement(project, params, min_coders=3)
    n_primary = int((hidden == "primary").to_numpy().sum())
    n_complementary = int((hidden == "complementary").to_numpy().sum())
    label = Message("{label} (seed {seed})", label=Message(demo.DEMO_LABEL), seed=str(params.seed))
    return DemoInterviews(
        project=project,
        overview=Message(
            "{project}: {documents} documents, {codings} codings by {coders}",
            project=label,
            documents=len(project.documents),
            codings=len(project.codings),
            coders=", ".join(coders),
        ),
        codes=tuple(codes),
        segments=_example_segments(project),
        document_agreement=by_level[DOCUMENT_LEVEL][0],
        segment_agreement=by_level[SEGMENT_LEVEL][0],
        agreement_summary=pd.DataFrame([row for _, row in by_level.values()]),
        multi_agreement=multi,
        agreement_notes=_demo_agreement_notes(len(codes), len(coders), params),
        crosstab=crosstab,
        crosstab_shown=shown,
        crosstab_hidden=hidden,
        n_primary=n_primary,
        n_complementary=n_complementary,
        suppression_note=Message(
            "{primary} cells below {minimum} suppressed, {complementary} more hidden to "
            "protect them.",
            primary=n_primary,
            minimum=params.min_cell_size,
            complementary=n_complementary,
        ),
        pairs=pairs[pairs["n12"] > 0],
        saturation=saturation_check(project, params),
        source=Message(
            "{label} (ikzlib.qda.demo, seed {seed}); not real interviews",
            label=Message(demo.DEMO_LABEL),
            seed=str(params.seed),
        ),
    )


def _presence(
    project: CodedProject, codes: list[str], level: str, min_overlap: float
) -> tuple[np.ndarray, np.ndarray]:
    """Both demo coders' code presence (0/1), comparison units x codes, at ``level``.

    Units as in :mod:`ikzlib.qda.agreement`: documents, or groups of overlapping segments.
    """
    first, second = demo.CODERS
    if level == SEGMENT_LEVEL:
        units = agreement.segment_units(project, first, second, min_overlap=min_overlap)
        return tuple(
            np.array([[int(c in s) for c in codes] for s in units[column]], dtype=int)
            for column in ("codes_a", "codes_b")
        )
    docs = sorted(project.documents["doc_id"])
    tables = []
    for coder in demo.CODERS:
        codings = project.codings[project.codings["coder"] == coder]
        present = pd.crosstab(codings["doc_id"], codings["code_id"]) > 0
        tables.append(present.reindex(index=docs, columns=codes, fill_value=False).to_numpy(int))
    return tables[0], tables[1]


def _two_coder_agreement(
    project: CodedProject, codes: list[str], level: str, params: InterviewParameters
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-code agreement of the two demo coders with Gwet's AC1 and code labels, and the
    pooled row with a cluster-bootstrap interval of Cohen's kappa."""
    first, second = demo.CODERS
    if level == SEGMENT_LEVEL:
        per_code = agreement.segment_agreement(
            project, first, second, codes, min_overlap=params.min_overlap
        )
    else:
        per_code = agreement.document_agreement(project, first, second, codes)
    a, b = _presence(project, codes, level, params.min_overlap)
    ac1 = [agreement.gwet_ac1([a[:, j], b[:, j]], categories=(0, 1)) for j in range(len(codes))]
    ac1.append(agreement.gwet_ac1([a.ravel(), b.ravel()], categories=(0, 1)))
    per_code = per_code.assign(gwet_ac1=ac1, code=_code_labels(project, per_code["code_id"]))
    low, high = _kappa_interval(a, b, params)
    pooled = per_code.iloc[-1]
    summary = {
        "level": level,
        "n_units": int(pooled["n_units"]),
        **{k: float(pooled[k]) for k in (*agreement.STAT_COLUMNS, "gwet_ac1")},
        "kappa_low": low,
        "kappa_high": high,
    }
    return per_code, summary


def _kappa_interval(
    a: np.ndarray, b: np.ndarray, params: InterviewParameters
) -> tuple[float, float]:
    """Percentile bootstrap interval of the pooled Cohen's kappa (NaN without replicates).

    Whole comparison units are resampled with all their codes, because the codes of one
    unit are not independent (:func:`ikzlib.qda.agreement.cluster_bootstrap_kappa`).
    """
    if params.n_bootstrap == 0:
        return np.nan, np.nan
    interval = agreement.cluster_bootstrap_kappa(
        a, b, n_boot=params.n_bootstrap, level=CI_LEVEL, seed=params.seed
    )
    return interval.low, interval.high


def _demo_agreement_notes(
    n_codes: int, n_coders: int, params: InterviewParameters
) -> tuple[Message, ...]:
    if params.n_bootstrap:
        interval = Message(
            "Pooled over {codes} codes. The {level} % interval of Cohen's kappa is a "
            "percentile bootstrap over the comparison units (documents, or groups of "
            "overlapping segments), each drawn with all its codes ({n_boot} replicates, seed "
            "{seed}).",
            codes=n_codes,
            level=Number(100 * CI_LEVEL),
            n_boot=params.n_bootstrap,
            seed=str(params.seed),
        )
    else:
        interval = Message(
            "No bootstrap replicates requested (n_bootstrap is 0): no interval for kappa."
        )
    if n_coders > 2:
        coders = Message(
            "The demo project has {n} coders: the agreement of all of them is shown below.",
            n=n_coders,
        )
    else:
        coders = Message(
            "The demo project has {n} coders; Fleiss' kappa, Krippendorff's alpha and Gwet's "
            "AC1 of three or more coders are shown for projects that have them.",
            n=n_coders,
        )
    return interval, coders


def _labelled_crosstab(project: CodedProject, codes: list[str]) -> pd.DataFrame:
    """Documents with each code by size class; rows labelled ``family: code``."""
    table = analysis.code_crosstab(project, "size_class", codes, categories=SIZE_CLASS_LABELS)
    table.index = ["documents", *[analysis.code_label(project, c) for c in table.index[1:]]]
    return table


def _example_segments(project: CodedProject) -> pd.DataFrame:
    """Segments of :data:`DEMO_SEGMENT_CODE` in the smallest size class (first six)."""
    segments = analysis.retrieve_segments(
        project, codes=[DEMO_SEGMENT_CODE], variables={"size_class": SIZE_CLASS_LABELS[:1]}
    )
    return segments[["doc_id", "code", "start", "end", "coder", "text"]].head(6)


# --- key figures --------------------------------------------------------------------------


def _key_values(own: DistrictInterviews | None) -> dict[str, Any]:
    """``{figure name: value or Reported}`` for :meth:`Section.figures_from`.

    The synthetic demo yields no key figure: its numbers describe nobody and stay in the
    notebook's demo section.
    """
    values: dict[str, Any] = {
        "has_interview_data": own is not None,
        "saturation_verdict": NO_DATA_VERDICT if own is None else own.saturation.verdict,
    }
    if own is not None:
        values.update(_own_counts(own))
    return values


def _own_counts(own: DistrictInterviews) -> dict[str, Reported]:
    """Counts of the district's coded interviews, published when they reconstruct a study."""
    kind = Kind.PUBLISHED if own.reconstruction else Kind.DERIVED
    project = own.project
    counts = {
        "n_interviews": len(project.documents),
        "n_codes": len(project.codes),
        "n_codings": len(project.codings),
    }
    if own.unattributed is not None:
        counts["n_unattributed"] = len(own.unattributed)
    codes = set(project.codes["code_id"])
    for name, code in CODE_FIGURES.items():
        if code in codes:
            counts[name] = len(interview_data.documents_by_code(project, code))
    return {name: Reported(n, kind=kind, source=own.source) for name, n in counts.items()}
