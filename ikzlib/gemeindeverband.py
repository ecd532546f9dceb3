"""The Gemeindeverband: the official, nationwide layer of institutional cooperation.

Every Gemeinde in the Destatis Gemeindeverzeichnis belongs to a *Gemeindeverband* record
(digits 6-9 of the ARS) with an official Textkennzeichen: ``50`` marks a verbandsfreie
Gemeinde (its own administrative unit), ``51``-``58`` a joint administration of several
Gemeinden (:data:`TYPES`). What such a type *is* depends on the Land: the same label
"Verwaltungsgemeinschaft" is a Körperschaft des öffentlichen Rechts with its own
administration in Bavaria and Thuringia, but an agreement under which one member (the
erfüllende Gemeinde) runs the administration in Saxony and Baden-Württemberg.
:data:`LEGAL_FORMS` records, for every Land and type that occurs in the Gemeindeverzeichnis
31.12.2021, the form's name in that Land, its legal basis, whether it is a corporation and
who runs the administration, with the source of each statement. A combination that is not
in the table is *unknown*; nothing is inferred.

Shared borders are the opportunity structure of cooperation: :func:`district_polygons`
joins a district's Gemeinden to BKG polygons (a reference file when given, else the
embedded VG5000 extract of :mod:`ikzlib.germany`), :func:`adjacency_table` lists the
neighbouring pairs and whether they share a Gemeindeverband, and :func:`official_graph`
ties Gemeinden that share a Gemeindeverband or a border.

Examples
--------
>>> legal_form("15", "53").legal_basis
'KVG LSA §§ 89 ff. (Teil 6, Verbandsgemeinden)'
>>> legal_form("05", "54") is None  # no Verwaltungsgemeinschaft in NRW: unknown, not guessed
True
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import boundaries, germany
from ikzlib.destatis import TEXT_CODES
from ikzlib.municipalities import VERBANDSFREI, administrative_units, load_municipalities

if TYPE_CHECKING:
    import geopandas as gpd

    from ikzlib.catalog import District

VERBANDSFREI_CODE = "50"
# Official Gemeindeverband types (Textkennzeichen 51-58 of the Gemeindeverzeichnis).
TYPES = {code: label for code, label in TEXT_CODES.items() if "51" <= code <= "58"}
_CODE_OF_LABEL = {TEXT_CODES[VERBANDSFREI_CODE]: VERBANDSFREI_CODE} | {
    label: code for code, label in TYPES.items()
}
LAND_NAMES = {
    "01": "Schleswig-Holstein",
    "02": "Hamburg",
    "03": "Niedersachsen",
    "04": "Bremen",
    "05": "Nordrhein-Westfalen",
    "06": "Hessen",
    "07": "Rheinland-Pfalz",
    "08": "Baden-Württemberg",
    "09": "Bayern",
    "10": "Saarland",
    "11": "Berlin",
    "12": "Brandenburg",
    "13": "Mecklenburg-Vorpommern",
    "14": "Sachsen",
    "15": "Sachsen-Anhalt",
    "16": "Thüringen",
}
EXTRACT_SOURCE = "Destatis GV-ISys Auszug GV 31.12.2021 via the embedded extract (data/raw/germany)"
EMBEDDED_BOUNDARIES = "BKG VG5000 2021 via the embedded extract (data/raw/germany)"
NO_RECORD = "area without a Gemeinde record (territorial change)"

CORPORATION = "Körperschaft des öffentlichen Rechts"
AGREEMENT = "agreement under public law without legal personality"
OWN = "own administration"
ERFUELLENDE = "the erfüllende Gemeinde runs it for the members"


@dataclass(frozen=True)
class LegalForm:
    """The legal form of one official Gemeindeverband type in one Land.

    Attributes
    ----------
    land_key, text_code
        Two-digit Land key and the Textkennzeichen (:data:`TYPES`).
    form, plural
        Name of the form in that Land (singular, plural).
    legal_basis
        The law and provisions that govern it.
    corporation
        Whether it is a Körperschaft des öffentlichen Rechts (``False``: an agreement
        without legal personality; ``None``: unknown).
    administration
        Who runs the administration (``None``: unknown).
    source
        Where the statements come from.
    """

    land_key: str
    text_code: str
    form: str
    plural: str
    legal_basis: str | None
    corporation: bool | None
    administration: str | None
    source: str

    @property
    def legal_form(self) -> str | None:
        """``Körperschaft des öffentlichen Rechts``, the agreement wording, or ``None``."""
        return {True: CORPORATION, False: AGREEMENT}.get(self.corporation)


_AMT_SH = "Amtsordnung für Schleswig-Holstein (AO) § 1"
_AMT_SH_ADMIN = (
    "own administration as a rule; may use a larger member Gemeinde's administration "
    "or a Verwaltungsgemeinschaft instead (AO § 1 Abs. 3)"
)

# Only combinations that occur in the Gemeindeverzeichnis 31.12.2021; statements as sourced.
LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm(
        land_key="01",
        text_code="51",
        form="Amt",
        plural="Ämter",
        legal_basis=_AMT_SH,
        corporation=True,
        administration=_AMT_SH_ADMIN,
        source=(
            "AO § 1 Abs. 1 and 3 (Gliederungs-Nr. 2020-5): Ämter are Körperschaften des "
            "öffentlichen Rechts"
        ),
    ),
    LegalForm(
        land_key="01",
        text_code="55",
        form="Amt named Kirchspielslandgemeinde",
        plural="Ämter named Kirchspielslandgemeinde",
        legal_basis=_AMT_SH,
        corporation=True,
        administration=_AMT_SH_ADMIN,
        source=(
            "AO § 1; the two records (Eider, Heider Umland, Kreis Dithmarschen) are the Ämter "
            "'Kirchspielslandgemeinden Eider' and 'Kirchspielslandgemeinde Heider Umland', which "
            "keep the historical name (amt-eider.de; amt-heider-umland.de)"
        ),
    ),
    LegalForm(
        land_key="03",
        text_code="52",
        form="Samtgemeinde",
        plural="Samtgemeinden",
        legal_basis="NKomVG §§ 97 ff.",
        corporation=True,
        administration=OWN,
        source=(
            "NKomVG § 97 (Samtgemeinden formed by Gemeinden of one Landkreis); Samtgemeinden are "
            "Gemeindeverbände with their own organs and administration under the NKomVG"
        ),
    ),
    LegalForm(
        land_key="07",
        text_code="53",
        form="Verbandsgemeinde",
        plural="Verbandsgemeinden",
        legal_basis="GemO RLP §§ 64 ff.",
        corporation=True,
        administration=OWN,
        source=(
            "GemO RLP § 64 Abs. 1 (Gliederungs-Nr. 2020-1): Verbandsgemeinden are "
            "Gebietskörperschaften; the Verbandsgemeindeverwaltung serves the Ortsgemeinden"
        ),
    ),
    LegalForm(
        land_key="08",
        text_code="54",
        form="vereinbarte Verwaltungsgemeinschaft",
        plural="vereinbarte Verwaltungsgemeinschaften",
        legal_basis="GemO BW §§ 59-62",
        corporation=False,
        administration=ERFUELLENDE,
        source=(
            "GemO BW § 59: neighbouring Gemeinden agree that one Gemeinde (erfüllende Gemeinde) "
            "fulfils the tasks of a Gemeindeverwaltungsverband (records named 'VVG der ...')"
        ),
    ),
    LegalForm(
        land_key="08",
        text_code="56",
        form="Gemeindeverwaltungsverband",
        plural="Gemeindeverwaltungsverbände",
        legal_basis="GemO BW §§ 59-62; GKZ (Gesetz über kommunale Zusammenarbeit)",
        corporation=True,
        administration=OWN,
        source=(
            "GemO BW § 59 and § 60 Abs. 1 (the GKZ applies); a Gemeindeverwaltungsverband is a "
            "Körperschaft des öffentlichen Rechts with a Verbandsverwaltung (records named 'GVV "
            "...')"
        ),
    ),
    LegalForm(
        land_key="09",
        text_code="54",
        form="Verwaltungsgemeinschaft",
        plural="Verwaltungsgemeinschaften",
        legal_basis="Verwaltungsgemeinschaftsordnung (VGemO) Art. 1 ff.",
        corporation=True,
        administration=(
            "own administration (the Verwaltungsgemeinschaft acts as the members' authority, "
            "VGemO Art. 4)"
        ),
        source=(
            "VGemO Art. 1 Abs. 2: 'Die Verwaltungsgemeinschaft ist eine Körperschaft des "
            "öffentlichen Rechts'"
        ),
    ),
    LegalForm(
        land_key="12",
        text_code="51",
        form="Amt",
        plural="Ämter",
        legal_basis="BbgKVerf §§ 133 ff. (Teil 3)",
        corporation=True,
        administration="own administration as a rule (BbgKVerf § 134 Abs. 1)",
        source="BbgKVerf §§ 133 ff.: Ämter are Körperschaften des öffentlichen Rechts",
    ),
    LegalForm(
        land_key="12",
        text_code="53",
        form="Verbandsgemeinde",
        plural="Verbandsgemeinden",
        legal_basis="Verbandsgemeinde- und Mitverwaltungsgesetz (VgMvG) §§ 2 ff.",
        corporation=True,
        administration=OWN,
        source=(
            "VgMvG § 2 (15.10.2018): gebietskörperschaftlicher Gemeindeverband of neighbouring "
            "Gemeinden (bravors.brandenburg.de/gesetze/vgmvg)"
        ),
    ),
    LegalForm(
        land_key="13",
        text_code="51",
        form="Amt",
        plural="Ämter",
        legal_basis="KV M-V §§ 125 ff. (Teil 3, Amtsordnung)",
        corporation=True,
        administration=(
            "own administration as a rule; may instead be run by a larger member Gemeinde "
            "(geschäftsführende Gemeinde) or a Verwaltungsgemeinschaft (KV M-V § 126 Abs. 1)"
        ),
        source=(
            "KV M-V § 125 Abs. 1 (Gliederungs-Nr. 2020-9): Ämter are Körperschaften des "
            "öffentlichen Rechts"
        ),
    ),
    LegalForm(
        land_key="14",
        text_code="54",
        form="Verwaltungsgemeinschaft",
        plural="Verwaltungsgemeinschaften",
        legal_basis="SächsKomZG §§ 36 ff. (Dritter Teil)",
        corporation=False,
        administration=ERFUELLENDE,
        source=(
            "SächsKomZG § 36; Sächsischer Städte- und Gemeindetag (ssg-sachsen.de, IKZ "
            "Rechtsinstrumente): not a Körperschaft des öffentlichen Rechts; no new ones since "
            "17.11.2012 (§ 2 Abs. 1 Nr. 2)"
        ),
    ),
    LegalForm(
        land_key="14",
        text_code="56",
        form="Verwaltungsverband",
        plural="Verwaltungsverbände",
        legal_basis="SächsKomZG §§ 3-35 (Zweiter Teil)",
        corporation=True,
        administration="own administration (Verbandsverwaltung, SächsKomZG §§ 22-23)",
        source=(
            "SächsKomZG § 5 (Rechtsnatur); ssg-sachsen.de contrasts it with the "
            "Verwaltungsgemeinschaft as a Körperschaft des öffentlichen Rechts"
        ),
    ),
    LegalForm(
        land_key="15",
        text_code="53",
        form="Verbandsgemeinde",
        plural="Verbandsgemeinden",
        legal_basis="KVG LSA §§ 89 ff. (Teil 6, Verbandsgemeinden)",
        corporation=True,
        administration=(
            "own administration (seat named in the Verbandsgemeindevereinbarung, KVG LSA § 89 "
            "Abs. 2)"
        ),
        source="KVG LSA § 89 Abs. 1: 'Eine Verbandsgemeinde ist eine Gebietskörperschaft'",
    ),
    LegalForm(
        land_key="16",
        text_code="54",
        form="Verwaltungsgemeinschaft",
        plural="Verwaltungsgemeinschaften",
        legal_basis="ThürKO §§ 46 ff.",
        corporation=True,
        administration=OWN,
        source=(
            "ThürKO §§ 46-47: Körperschaft des öffentlichen Rechts handling the transferred tasks"
            " of its Mitgliedsgemeinden"
        ),
    ),
    LegalForm(
        land_key="16",
        text_code="58",
        form="erfüllende-Gemeinde arrangement",
        plural="erfüllende-Gemeinde arrangements",
        legal_basis="ThürKO § 51",
        corporation=False,
        administration=(
            "the erfüllende Gemeinde runs the transferred tasks of the beauftragende Gemeinde(n)"
        ),
        source=(
            "ThürKO § 51: a Gemeinde transfers its tasks to a neighbouring erfüllende Gemeinde; "
            "no Körperschaft is formed (the record holds the erfüllende Gemeinde and the "
            "beauftragende Gemeinden)"
        ),
    ),
)
_BY_KEY = {(f.land_key, f.text_code): f for f in LEGAL_FORMS}
LEGAL_FORM_COLUMNS = [
    "form",
    "legal_form",
    "legal_basis",
    "corporation",
    "administration",
    "legal_source",
]


def legal_form(land_key: str, text_code: str | None) -> LegalForm | None:
    """The legal form of Gemeindeverband type ``text_code`` in Land ``land_key``, or ``None``."""
    return _BY_KEY.get((land_key, text_code)) if text_code is not None else None


def legal_forms() -> pd.DataFrame:
    """:data:`LEGAL_FORMS` as a table with the Land name and the official type label."""
    rows = [
        {
            **asdict(form),
            "land_name": LAND_NAMES[form.land_key],
            "type": TYPES[form.text_code],
            "legal_form": form.legal_form,
        }
        for form in LEGAL_FORMS
    ]
    columns = ["land_key", "land_name", "text_code", "type", "form", "plural", "legal_form"]
    columns += ["legal_basis", "corporation", "administration", "source"]
    return pd.DataFrame(rows, columns=columns)


def text_code(type_label: str | None) -> str | None:
    """The Textkennzeichen of a Gemeindeverband type label (``None`` when not official)."""
    return _CODE_OF_LABEL.get(type_label) if type_label is not None else None


def _legal_columns(land_key: str, code: str | None) -> dict[str, object]:
    """The :data:`LEGAL_FORM_COLUMNS` of one type in one Land (``None`` where unknown)."""
    found = legal_form(land_key, code)
    if found is None:
        return dict.fromkeys(LEGAL_FORM_COLUMNS)
    return {
        "form": found.form,
        "legal_form": found.legal_form,
        "legal_basis": found.legal_basis,
        "corporation": found.corporation,
        "administration": found.administration,
        "legal_source": found.source,
    }


# --- one district -------------------------------------------------------------------------


def district_units(municipalities: pd.DataFrame) -> pd.DataFrame:
    """The administrative units of a municipality table with type and legal form.

    Parameters
    ----------
    municipalities
        Municipality model of one district (:func:`ikzlib.municipalities.load_municipalities`).

    Returns
    -------
    pandas.DataFrame
        One row per unit (ARS digits 1-9), sorted by key: ``unit_key``, ``name``,
        ``gemeindeverband_type`` (official label), ``text_code``, ``in_verband`` (a
        Gemeindeverband of several Gemeinden, not a verbandsfreie Gemeinde),
        ``n_municipalities``, ``members`` (names, "; "-joined), ``member_ags``,
        ``population``, ``area_km2``, population-weighted centre ``lon``/``lat`` and the
        :data:`LEGAL_FORM_COLUMNS` (``None`` where the table has no entry, and for
        verbandsfreie Gemeinden).
    """
    units = administrative_units(municipalities)
    by_unit = municipalities.assign(unit_key=municipalities["ars"].str[:9]).groupby("unit_key")
    types = by_unit["gemeindeverband_type"].first()
    members = by_unit["name"].agg(lambda names: "; ".join(sorted(names)))
    frame = units.assign(
        gemeindeverband_type=units["unit_key"].map(types),
        members=units["unit_key"].map(members),
    ).rename(columns={"unit_name": "name"})
    frame["text_code"] = frame["gemeindeverband_type"].map(text_code)
    frame["in_verband"] = frame["gemeindeverband_type"].ne(VERBANDSFREI)
    legal = [
        _legal_columns(key[:2], code) if verband else dict.fromkeys(LEGAL_FORM_COLUMNS)
        for key, code, verband in zip(
            frame["unit_key"], frame["text_code"], frame["in_verband"], strict=True
        )
    ]
    frame = pd.concat([frame, pd.DataFrame(legal, index=frame.index)], axis=1)
    columns = ["unit_key", "name", "gemeindeverband_type", "text_code", "in_verband"]
    columns += ["n_municipalities", "members", "member_ags", "population", "area_km2"]
    columns += ["lon", "lat"]
    return frame[columns + LEGAL_FORM_COLUMNS].reset_index(drop=True)


def district_verbaende(district: str | District) -> pd.DataFrame:
    """The district's Gemeindeverbände (joint administrations only) with members and form.

    Rows of :func:`district_units` with ``in_verband``; empty for a district of verbandsfreie
    Gemeinden only (e.g. a kreisfreie Stadt).
    """
    units = district_units(load_municipalities(district))
    return units[units["in_verband"]].reset_index(drop=True)


# --- nationwide -----------------------------------------------------------------------------


def nationwide_counts(
    land_key: str | None = None, directory: str | Path | None = None
) -> pd.DataFrame:
    """Gemeindeverbände and verbandsfreie Gemeinden per Land and type, with the legal form.

    Counts inhabited Gemeinden of the embedded extract (:func:`ikzlib.germany.municipalities`);
    uninhabited gemeindefreie Gebiete are no units.

    Parameters
    ----------
    land_key
        Keep one Land (two-digit key); ``None`` keeps all.
    directory
        Extract folder (default ``data/raw/germany``).

    Returns
    -------
    pandas.DataFrame
        One row per Land and type: ``land_key``, ``land_name``, ``text_code``, ``type``,
        ``n_units`` (Gemeindeverbände, or verbandsfreie Gemeinden for code ``50``),
        ``n_gemeinden``, ``population``, ``share_gemeinden`` (of the Land's inhabited
        Gemeinden) and the :data:`LEGAL_FORM_COLUMNS`; sorted by Land and code.
    """
    path = germany.data_dir(directory) / germany.FILES["municipalities"]
    if not path.exists():
        germany.municipalities(directory)  # raises the extract's own error
    stat = path.stat()
    counts = _nationwide_counts(str(path.parent.resolve()), stat.st_mtime_ns, stat.st_size)
    if land_key is not None:
        counts = counts[counts["land_key"].eq(land_key)]
    return counts.reset_index(drop=True).copy()


@lru_cache(maxsize=2)
def _nationwide_counts(directory: str, _mtime: int, _size: int) -> pd.DataFrame:
    """:func:`nationwide_counts` of every Land (cached per extract file version)."""
    gemeinden = germany.municipalities(directory)
    gemeinden = gemeinden[gemeinden["inhabited"]]
    keys = ["land_key", "land_name", "gemeindeverband_text_code", "gemeindeverband_type"]
    counts = (
        gemeinden.assign(unit=gemeinden["ars"].str[:9])
        .groupby(keys, sort=True)
        .agg(
            n_units=("unit", "nunique"),
            n_gemeinden=("ags", "size"),
            population=("population", "sum"),
        )
        .reset_index()
        .rename(columns={"gemeindeverband_text_code": "text_code", "gemeindeverband_type": "type"})
    )
    totals = counts.groupby("land_key")["n_gemeinden"].transform("sum")
    counts["share_gemeinden"] = counts["n_gemeinden"] / totals
    legal = [
        _legal_columns(land, code)
        for land, code in zip(counts["land_key"], counts["text_code"], strict=True)
    ]
    return pd.concat([counts, pd.DataFrame(legal, index=counts.index)], axis=1)


# --- shared borders -------------------------------------------------------------------------

RELATIONS = (
    "same Gemeindeverband",
    "different Gemeindeverbände",
    "Gemeindeverband and verbandsfreie Gemeinde",
    "two verbandsfreie Gemeinden",
)


def district_polygons(
    municipalities: pd.DataFrame, path: str | Path | None = None
) -> gpd.GeoDataFrame:
    """The municipality model joined to BKG Gemeinde polygons on AGS.

    Parameters
    ----------
    municipalities
        Municipality model of one district.
    path
        A BKG file (:func:`ikzlib.boundaries.municipality_boundaries`); ``None`` uses the
        embedded VG5000 extract (:func:`ikzlib.germany.boundaries`).

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`ikzlib.boundaries.municipality_boundaries`: the model's rows with
        ``geometry`` (empty where the source has no polygon), ``bkg_name``, ``bkg_ars`` and
        ``attrs`` ``unmatched_ags``, ``extra_ags`` and ``ars_mismatch``.

    Raises
    ------
    ikzlib.errors.DataValidationError
        When ``path`` is ``None`` and the embedded extract is missing.
    """

    if path is not None:
        return boundaries.municipality_boundaries(path, municipalities)
    return boundaries.join_polygons(municipalities, germany.boundaries("GEM"))


def other_areas(municipalities: pd.DataFrame) -> gpd.GeoDataFrame:
    """Polygons of the district's Kreis(e) that belong to no Gemeinde of ``municipalities``.

    From the embedded VG5000 extract: uninhabited gemeindefreie Gebiete (forests, lakes,
    military areas) and polygons whose AGS has no record in the Gemeindeverzeichnis (a
    territorial change between the two Stichtage). Columns ``ags``, ``name`` and ``kind``
    (``"gemeindefreies Gebiet"`` or :data:`NO_RECORD`) and ``geometry``.
    """
    layer = germany.boundaries("GEM")
    layer = layer[
        layer["AGS"].str[:5].isin(set(municipalities["kreis_key"]))
        & ~layer["AGS"].isin(set(municipalities["ags"]))
    ]
    records = germany.municipalities().set_index("ags")["inhabited"]
    known = layer["AGS"].map(records)
    kind = np.where(known.eq(False), germany.UNINHABITED_TYPE, NO_RECORD)
    frame = layer.assign(ags=layer["AGS"], name=layer["GEN"], kind=kind)
    return frame[["ags", "name", "kind", "geometry"]].reset_index(drop=True)


def border_pairs(polygons: gpd.GeoDataFrame, min_length: float = 0.0) -> set[tuple[str, str]]:
    """Pairs of Gemeinden sharing a border line: :func:`ikzlib.boundaries.shared_borders`,
    vectorised for a table with one polygon per ``ags`` (e.g. :func:`district_polygons`).

    Returns
    -------
    set of tuple
        ``(ags_a, ags_b)`` with ``ags_a < ags_b`` whose common boundary is longer than
        ``min_length`` (CRS units); Gemeinden without geometry are left out.
    """
    import shapely

    frame = polygons[polygons.geometry.notna() & ~polygons.geometry.is_empty]
    if frame["ags"].duplicated().any():
        return boundaries.shared_borders(frame, min_length)
    geometries = np.asarray(frame.geometry.values)
    left, right = frame.sindex.query(geometries, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    outlines = shapely.boundary(geometries)
    lengths = shapely.length(shapely.intersection(outlines[left], outlines[right]))
    ags = frame["ags"].to_numpy()
    return {
        (min(ags[i], ags[j]), max(ags[i], ags[j]))
        for i, j, length in zip(left, right, lengths, strict=True)
        if length > min_length
    }


def adjacency_table(
    municipalities: pd.DataFrame, pairs: set[tuple[str, str]] | frozenset[tuple[str, str]]
) -> pd.DataFrame:
    """Neighbouring Gemeinden and whether they share a Gemeindeverband.

    Parameters
    ----------
    municipalities
        Municipality model of one district.
    pairs
        ``(ags_a, ags_b)`` pairs sharing a border (:func:`border_pairs`); pairs with a
        Gemeinde outside ``municipalities`` are dropped.

    Returns
    -------
    pandas.DataFrame
        One row per pair, sorted: ``ags_a``, ``name_a``, ``ags_b``, ``name_b``, ``unit_a``,
        ``unit_b`` (unit names), ``unit_key_a``, ``unit_key_b``, ``same_verband`` (both in one
        Gemeindeverband) and ``relation`` (:data:`RELATIONS`).
    """
    info = pd.DataFrame(
        {
            "ags": municipalities["ags"],
            "name": municipalities["name"],
            "unit": municipalities["gemeindeverband_name"],
            "unit_key": municipalities["ars"].str[:9],
            "joint": municipalities["gemeindeverband_type"].ne(VERBANDSFREI),
        }
    )
    frame = pd.DataFrame(sorted(pairs), columns=["ags_a", "ags_b"], dtype=object)
    for side in ("a", "b"):
        frame = frame.merge(info.add_suffix(f"_{side}"), on=f"ags_{side}", how="inner")
    frame = frame.sort_values(["ags_a", "ags_b"]).reset_index(drop=True)
    same_unit = frame["unit_key_a"].eq(frame["unit_key_b"])
    frame["same_verband"] = same_unit & frame["joint_a"]
    relation = np.select(
        [
            frame["same_verband"],
            frame["joint_a"] & frame["joint_b"],
            frame["joint_a"] | frame["joint_b"],
        ],
        list(RELATIONS[:3]),
        RELATIONS[3],
    )
    frame["relation"] = relation.astype(object)
    columns = ["ags_a", "name_a", "ags_b", "name_b", "unit_a", "unit_b", "unit_key_a"]
    return frame[[*columns, "unit_key_b", "same_verband", "relation"]]


def adjacency_summary(adjacency: pd.DataFrame) -> pd.DataFrame:
    """Neighbouring pairs per :data:`RELATIONS` (``n_pairs``, ``share``), in that order."""
    counts = adjacency["relation"].value_counts().reindex(list(RELATIONS), fill_value=0)
    total = int(counts.sum())
    shares = counts / total if total else counts.astype("float64") * np.nan
    frame = pd.DataFrame({"relation": counts.index, "n_pairs": counts.values, "share": shares})
    return frame.reset_index(drop=True)


def official_graph(municipalities: pd.DataFrame, adjacency: pd.DataFrame | None) -> nx.Graph:
    """Gemeinden tied when they share a Gemeindeverband or a border.

    Nodes are AGS with ``label``, ``population``, ``unit_key``, ``unit`` and
    ``gemeindeverband_type``. Edges carry ``same_verband`` and ``shared_border`` (both
    booleans); ``adjacency`` ``None`` (no polygons) leaves out the border ties.
    """
    graph = nx.Graph()
    for row in municipalities.itertuples(index=False):
        graph.add_node(
            row.ags,
            label=row.name,
            population=int(row.population),
            unit_key=row.ars[:9],
            unit=row.gemeindeverband_name,
            gemeindeverband_type=row.gemeindeverband_type,
        )
    joint = municipalities[municipalities["gemeindeverband_type"].ne(VERBANDSFREI)]
    for _, members in joint.groupby(joint["ars"].str[:9])["ags"]:
        ags = sorted(members)
        graph.add_edges_from(
            ((a, b) for i, a in enumerate(ags) for b in ags[i + 1 :]),
            same_verband=True,
            shared_border=False,
        )
    if adjacency is not None:
        for row in adjacency.itertuples(index=False):
            if graph.has_edge(row.ags_a, row.ags_b):
                graph.edges[row.ags_a, row.ags_b]["shared_border"] = True
            else:
                graph.add_edge(row.ags_a, row.ags_b, same_verband=False, shared_border=True)
    return graph


# --- sentences ------------------------------------------------------------------------------


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


def _plural(land_key: str, code: str | None, label: str) -> str:
    """Plural name of a type in a Land (the official label when the form is unknown)."""
    found = legal_form(land_key, code)
    return found.plural if found else f"× {label}"


def _singular(land_key: str, code: str | None, label: str) -> str:
    found = legal_form(land_key, code)
    return found.form if found else f"× {label}"


def type_counts(verbaende: pd.DataFrame, *, members: bool = True) -> list[str]:
    """``"7 Verwaltungsgemeinschaften with 31 Gemeinden"`` per type, most units first.

    ``verbaende``: rows of :func:`district_units` (Gemeindeverbände); ``members=False``
    leaves out the ``with ... Gemeinden`` part.
    """
    parts = []
    land = verbaende["unit_key"].str[:2]
    grouped = verbaende.groupby([land, "text_code", "gemeindeverband_type"], dropna=False)
    for (key, code, label), group in sorted(grouped, key=lambda item: -len(item[1])):
        name = _singular(key, code, label) if len(group) == 1 else _plural(key, code, label)
        count = int(group["n_municipalities"].sum())
        parts.append(f"{len(group)} {name}" + (f" with {count} Gemeinden" if members else ""))
    return parts


def structure_sentence(units: pd.DataFrame, name: str) -> str:
    """How the Gemeinden of ``units`` (:func:`district_units`) form administrative units.

    Examples
    --------
    ``"Landkreis Harz: the 20 Gemeinden form 14 administrative units: 13 verbandsfreie
    Gemeinden and 1 Gemeindeverband (1 Verbandsgemeinde with 7 Gemeinden)."``
    """
    verbaende = units[units["in_verband"]]
    n_free = int((~units["in_verband"]).sum())
    parts = [_count(n_free, "verbandsfreie Gemeinde", "verbandsfreie Gemeinden")] if n_free else []
    if len(verbaende):
        listing = "; ".join(type_counts(verbaende))
        parts.append(f"{_count(len(verbaende), 'Gemeindeverband', 'Gemeindeverbände')} ({listing})")
    total = int(units["n_municipalities"].sum())
    return (
        f"{name}: the {_count(total, 'Gemeinde', 'Gemeinden')} form "
        f"{_count(len(units), 'administrative unit', 'administrative units')}: "
        f"{' and '.join(parts)}."
    )


def legal_form_sentences(units: pd.DataFrame) -> list[str]:
    """One sentence per Gemeindeverband type of ``units``: its legal form, or that it is unknown."""
    verbaende = units[units["in_verband"]]
    kinds = verbaende.assign(land=verbaende["unit_key"].str[:2])[
        ["land", "text_code", "gemeindeverband_type"]
    ].drop_duplicates()
    sentences = []
    for land, code, label in kinds.itertuples(index=False):
        found = legal_form(land, code)
        land_name = LAND_NAMES.get(land, land)
        if found is None:
            sentences.append(
                f"The legal form of the type {label!r} in {land_name} is not recorded in "
                "ikzlib.gemeindeverband.LEGAL_FORMS: unknown."
            )
            continue
        official = f"Textkennzeichen {code}" + ("" if found.form == label else f" {label!r}")
        sentences.append(
            f"{found.form[0].upper()}{found.form[1:]} in {land_name} ({official}): "
            f"{found.legal_form}; legal basis {found.legal_basis}; administration: "
            f"{found.administration}."
        )
    return sentences


def adjacency_sentence(summary: pd.DataFrame, source: str) -> str:
    """How many neighbouring pairs share a Gemeindeverband (from :func:`adjacency_summary`)."""
    counts = summary.set_index("relation")["n_pairs"]
    total = int(counts.sum())
    same = int(counts[RELATIONS[0]])
    if total == 0:
        return f"No two Gemeinden of the district share a border in {source}."
    return (
        f"{_count(total, 'pair', 'pairs')} of neighbouring Gemeinden share a border in {source}: "
        f"{same} of them ({same / total:.0%}) lie in a common Gemeindeverband and {total - same} "
        "cross the border of an administrative unit: the neighbours that cooperation beyond "
        "the Gemeindeverband would join."
    )


def land_sentence(counts: pd.DataFrame) -> str | None:
    """The Land's Gemeindeverbände per type (from :func:`nationwide_counts` of one Land)."""
    if counts.empty:
        return None
    land = counts["land_name"].iloc[0]
    total = int(counts["n_gemeinden"].sum())
    joint = counts[counts["text_code"].ne(VERBANDSFREI_CODE)]
    if joint.empty:
        return f"In {land} every Gemeinde is verbandsfrei: the Land has no Gemeindeverbände."
    listing = "; ".join(
        f"{int(row.n_units)} {_plural(row.land_key, row.text_code, row.type)} "
        f"with {int(row.n_gemeinden)} Gemeinden"
        for row in joint.itertuples(index=False)
    )
    share = int(joint["n_gemeinden"].sum()) / total
    return (
        f"In {land} {share:.0%} of the {total:,} inhabited Gemeinden belong to a "
        f"Gemeindeverband ({listing})."
    )
