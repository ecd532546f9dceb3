"""Study ``network`` (notebook ``02_cooperation_network``): official layer and register networks.

Every district gets the *official layer* of institutional cooperation
(:class:`OfficialLayer`): its Gemeinden, the Gemeindeverbände they form (type and legal form
per Land, :mod:`ikzlib.gemeindeverband`) and the shared borders between neighbouring
Gemeinden (the opportunity structure), derived from the Destatis Gemeindeverzeichnis and the
BKG polygons. A kreisfreie Stadt (a single unit) gets a note instead of network statistics.

From the district's cooperation register the study builds one *layer* (chosen by level,
legal forms, task fields, categories, minimum confidence, service areas and history): the
bipartite graph municipality x body and its projection onto municipality pairs. It sets the
layer against four others (documented only, formal, informal, inter-municipal), computes
centrality and body metrics, fits the tie model (dyadic logit with QAP p-values) and lists
the register's gaps. A district without a register gets a note saying how to add one, the
key figure ``has_register`` = 0 and the official layer.

Examples
--------
>>> from ikzlib.studies import network
>>> study = network.run("harz", n_permutations=0)
>>> study.key_figures["n_bodies"].value, study.key_figures["n_ties"].value
(27, 63)
>>> study.key_figures["n_gemeindeverbaende"].value
1
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import boundaries, germany, network, paths
from ikzlib import gemeindeverband as gv
from ikzlib import register as reg
from ikzlib import tie_model as tm
from ikzlib.catalog import District, resolve
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import load_municipalities, source_summary
from ikzlib.studies.base import Study, check_choice, check_number

REGISTER_SOURCE = (
    "the district's cooperation register (data/raw/<district>/register/), compiled from "
    "published documents; sources per row"
)
NETWORK_SOURCE = (
    "projection of the district's cooperation register (compiled from published documents) "
    "in the chosen layer"
)
STRICT_SOURCE = (
    "projection of the cooperation register (compiled from published documents): documented "
    "memberships without service areas, all legal forms"
)
SETTING_SOURCE = "study parameter (network layer)"
STRICT_LAYER = "documented, no service areas"
OFFICIAL_SOURCE = (
    "Destatis GV-ISys Auszug GV 31.12.2021 via the embedded extract (data/raw/germany)"
)
BORDER_SOURCE = (
    "Destatis GV-ISys Auszug GV 31.12.2021 / BKG VG5000 2021 via the embedded extract "
    "(data/raw/germany): Gemeinden sharing a border line"
)


def _register(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=REGISTER_SOURCE, **kw)


def _network(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=NETWORK_SOURCE, **kw)


def _setting(name: str, label: str) -> KeyFigure:
    return KeyFigure(name, label, decimals=None, kind=Kind.DERIVED, source=SETTING_SOURCE)


def _official(name: str, label: str, source: str = OFFICIAL_SOURCE, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=source, **kw)


SECTION = Section(
    "network",
    "Cooperation network",
    (
        _register("has_register", "Cooperation register available (1 yes, 0 no)"),
        _setting("level", "Node level"),
        _setting("min_confidence", "Weakest evidence kept"),
        _setting("include_service_area", "Service-area ties kept"),
        _register("n_bodies", "Cooperation bodies in the register", headline=True),
        _register("n_memberships", "Membership rows"),
        _register("n_documented_memberships", "Documented membership rows"),
        _network("n_nodes", "Municipality nodes"),
        _network("n_ties", "Ties between municipality nodes"),
        _network("density", "Network density", decimals=4, headline=True),
        _network("n_components", "Connected components"),
        _network("n_isolates", "Isolated nodes"),
        _network(
            "share_without_documented_formal_tie",
            "Nodes without a documented formal tie",
            decimals=2,
            percent=True,
            headline=True,
        ),
        KeyFigure(
            "density_documented_formal",
            "Density of the documented layer without service areas (all legal forms)",
            decimals=4,
            kind=Kind.DERIVED,
            source=STRICT_SOURCE,
        ),
        KeyFigure(
            "share_without_documented_formal_tie_strict",
            "Nodes without a documented formal tie (documented layer, no service areas)",
            decimals=2,
            percent=True,
            kind=Kind.DERIVED,
            source=STRICT_SOURCE,
        ),
        _register("n_bodies_with_gaps", "Bodies with an incomplete or undocumented member list"),
        _register(
            "n_zweckvereinbarungen_unidentified",
            "Zweckvereinbarungen counted in the district without published members",
        ),
        _official("n_gemeindeverbaende", "Gemeindeverbände (joint administrations of Gemeinden)"),
        _official("n_gemeinden_in_verband", "Gemeinden in a Gemeindeverband"),
        _official(
            "share_gemeinden_in_verband",
            "Share of Gemeinden in a Gemeindeverband",
            decimals=1,
            percent=True,
            headline=True,
        ),
        _official("n_adjacent_pairs", "Pairs of neighbouring Gemeinden", BORDER_SOURCE),
        _official(
            "share_adjacent_pairs_same_verband",
            "Neighbouring pairs in a common Gemeindeverband",
            BORDER_SOURCE,
            decimals=1,
            percent=True,
        ),
    ),
    order=20,
    notebook="02_cooperation_network",
)


@dataclass(frozen=True)
class BoundaryData:
    """Municipality polygons and neighbouring node pairs, or ``None`` without a boundary file."""

    file: Path | None
    polygons: gpd.GeoDataFrame | None
    border_pairs: frozenset[tuple[str, str]] | None
    note: str


@dataclass(frozen=True)
class Polygons:
    """Gemeinde polygons of a district and the Gemeinde pairs sharing a border.

    ``file`` is the BKG reference file or the embedded extract's GEM layer; every field is
    ``None`` (and ``label`` says why) when neither is available.
    """

    file: Path | None
    label: str
    source: str
    polygons: gpd.GeoDataFrame | None
    pairs: frozenset[tuple[str, str]] | None


@dataclass(frozen=True)
class OfficialLayer:
    """The official layer of institutional cooperation: Gemeindeverbände and shared borders.

    Attributes
    ----------
    municipalities
        The district's Gemeinden (municipality model).
    units, verbaende
        Every administrative unit, and the Gemeindeverbände (joint administrations) only,
        with type, members, population and legal form (:func:`ikzlib.gemeindeverband.
        district_units`).
    land_counts
        Gemeindeverbände and verbandsfreie Gemeinden of the district's Land per type, with the
        legal form (:func:`ikzlib.gemeindeverband.nationwide_counts`).
    polygons, boundary
        Gemeinde polygons and where they come from (see :class:`Polygons`).
    other_areas
        Polygons of the Kreis outside every Gemeinde (uninhabited gemeindefreie Gebiete;
        :func:`ikzlib.gemeindeverband.other_areas`), ``None`` without the embedded extract.
    adjacency, adjacency_summary
        Neighbouring Gemeinden (shared border) and whether they share a Gemeindeverband, and
        the pairs per relation; ``None`` for a single-unit district or without polygons.
    graph
        Gemeinden tied by a common Gemeindeverband or a shared border.
    single_unit
        The district is one administrative unit (a kreisfreie Stadt): inter-municipal
        cooperation inside it is not the question, and no network statistics are computed.
    source
        Publication behind the Gemeinden and their Gemeindeverbände.
    notes
        Sentences generated from these tables.
    """

    municipalities: pd.DataFrame
    units: pd.DataFrame
    verbaende: pd.DataFrame
    land_counts: pd.DataFrame
    polygons: gpd.GeoDataFrame | None
    other_areas: gpd.GeoDataFrame | None
    boundary: Polygons
    adjacency: pd.DataFrame | None
    adjacency_summary: pd.DataFrame | None
    graph: nx.Graph
    single_unit: bool
    source: str
    notes: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class NetworkStudy(Study):
    """The cooperation network of one district in one layer.

    Every register table is ``None`` when the district has no register (see ``notes``);
    ``official`` is there for every district.

    Attributes
    ----------
    official
        The official layer (:class:`OfficialLayer`).
    level, layer, layer_tag
        Node level, the layer settings (keywords of :func:`ikzlib.network.filter_memberships`)
        and their file-name tag.
    has_register
        Whether the district has a cooperation register.
    register
        The validated register.
    legal_form_vocabulary, bodies, counts_by_form, task_by_category
        The legal-form vocabulary, the bodies, bodies per formality and legal form, and bodies
        per task field and category.
    nodes, bipartite, projection
        Nodes of the projection, bipartite graph and projection of the layer.
    ties, membership_counts
        Ties strongest first; memberships per node by formality and evidence.
    comparison
        :func:`ikzlib.network.district_summary` of this and four other layers.
    centrality, body_table
        Per-node and per-body metrics.
    tie_model, tie_table, model_notes
        The tie model, its coefficient table and sentences on what it can show here.
    gaps, aggregates, informal_fields
        Bodies with incomplete members, published counts without members, informal fields.
    boundary
        Polygons and neighbouring pairs (or ``None`` with a note).
    municipality_source
        Publications behind the population and centres.
    """

    official: OfficialLayer
    level: str
    layer: Mapping[str, Any]
    layer_tag: str
    has_register: bool
    register: reg.Register | None = None
    legal_form_vocabulary: pd.DataFrame | None = None
    bodies: pd.DataFrame | None = None
    counts_by_form: pd.DataFrame | None = None
    task_by_category: pd.DataFrame | None = None
    nodes: pd.DataFrame | None = None
    bipartite: nx.Graph | None = None
    projection: nx.Graph | None = None
    ties: pd.DataFrame | None = None
    membership_counts: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    centrality: pd.DataFrame | None = None
    body_table: pd.DataFrame | None = None
    tie_model: tm.TieModel | None = None
    tie_table: pd.DataFrame | None = None
    model_notes: tuple[str, ...] = ()
    gaps: pd.DataFrame | None = None
    aggregates: pd.DataFrame | None = None
    informal_fields: pd.DataFrame | None = None
    boundary: BoundaryData | None = None
    municipality_source: str = ""


def run(
    district: str | District,
    *,
    level: str = "unit",
    legal_forms: Iterable[str] | str | None = None,
    task_fields: Iterable[str] | str | None = None,
    categories: Iterable[str] | str | None = None,
    min_confidence: str = "inferred",
    include_service_area: bool = True,
    include_historical: bool = False,
    n_permutations: int = 999,
    seed: int = 20231,
) -> NetworkStudy:
    """Run the network study for ``district``.

    The official layer (Gemeindeverbände, legal forms, shared borders) is computed for every
    district from the district's Gemeinden and the embedded BKG VG5000 extract; the register
    layer, when there is a register, draws on the BKG reference file if one is configured.

    Parameters
    ----------
    district
        Catalog key, Kreis key or name, or a :class:`~ikzlib.catalog.District`.
    level
        ``"unit"`` (Einheitsgemeinden and joint administrations) or ``"gemeinde"``.
    legal_forms, task_fields, categories
        Keep only bodies with these values (register vocabulary); ``None`` keeps all.
    min_confidence
        Weakest evidence kept: ``"documented"``, ``"inferred"`` or ``"unknown"``.
    include_service_area
        Keep catchment-only ties (``service area only``).
    include_historical
        Keep ended bodies and dated member lists of past periods.
    n_permutations
        QAP permutations of the tie model (0 skips the QAP p-values).
    seed
        Seed of the QAP permutations.

    Raises
    ------
    ParameterError
        For a parameter outside its vocabulary or range.
    """
    district = resolve(district)
    level = check_choice("level", level, network.LEVELS)
    layer = {
        "legal_forms": _check_values("legal_forms", legal_forms, reg.LEGAL_FORMS),
        "task_fields": _check_values("task_fields", task_fields, reg.TASK_FIELDS),
        "categories": _check_values("categories", categories, reg.CATEGORIES),
        "min_confidence": check_choice("min_confidence", min_confidence, reg.CONFIDENCE),
        "include_service_area": _check_flag("include_service_area", include_service_area),
        "include_historical": _check_flag("include_historical", include_historical),
    }
    n_permutations = int(check_number("n_permutations", n_permutations, minimum=0, integer=True))
    seed = int(check_number("seed", seed, minimum=0, integer=True))
    tag = network.layer_tag(level, **layer)
    municipalities = load_municipalities(district)
    geometry = _embedded_polygons(municipalities)
    official = _official_layer(district, municipalities, geometry)
    if not district.inputs.has("register"):
        return _without_register(district, municipalities, official, level, layer, tag)
    settings = (level, layer, tag, n_permutations, seed)
    return _with_register(district, municipalities, geometry, official, *settings)


def _without_register(
    district: District,
    municipalities: pd.DataFrame,
    official: OfficialLayer,
    level: str,
    layer: dict[str, Any],
    tag: str,
) -> NetworkStudy:
    """The study of a district without a register: the official layer and a note."""
    values = {"has_register": 0, **_official_figures(official)}
    return NetworkStudy(
        district=district,
        key_figures=KeyFigures(SECTION, SECTION.figures_from(values)),
        notes=(district.inputs.missing_note("register"),),
        official=official,
        level=level,
        layer=layer,
        layer_tag=tag,
        has_register=False,
        municipality_source=source_summary(municipalities),
    )


def _check_values(
    name: str, values: Iterable[str] | str | None, vocabulary: Iterable[str]
) -> list[str] | None:
    """``values`` as a list (one string counts as one value), each from ``vocabulary``."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    try:
        values = list(values)
    except TypeError:
        raise ParameterError(f"parameter {name}={values!r}: a list of values or None") from None
    allowed = list(vocabulary)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        listing = ", ".join(map(repr, allowed))
        raise ParameterError(
            f"parameter {name}: unknown value(s) {unknown!r}; choose from {listing}"
        )
    return values


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ParameterError(f"parameter {name}={value!r}: True or False is required")
    return bool(value)


def _with_register(
    district: District,
    municipalities: pd.DataFrame,
    geometry: Polygons,
    official: OfficialLayer,
    level: str,
    layer: dict[str, Any],
    tag: str,
    n_permutations: int,
    seed: int,
) -> NetworkStudy:
    """The study of a district that has a register."""
    register = reg.load_register(district)
    nodes, bipartite, projection = network.build_layer(register, municipalities, level, **layer)
    boundary = _boundaries(_reference_polygons(municipalities, geometry), nodes)
    comparison = network.compare_layers(
        register, municipalities, level, network.comparison_layers(layer)
    )
    model = tm.tie_model(
        nodes, projection, boundary.border_pairs, n_permutations=n_permutations, seed=seed
    )
    gaps = reg.gap_table(register)
    unpublished = reg.unpublished_counts(register, f"kreis:{district.kreis_key}")
    figures = _key_figures(register, projection, comparison, gaps, unpublished, level, layer)
    figures += SECTION.figures_from(_official_figures(official))
    return NetworkStudy(
        district=district,
        key_figures=KeyFigures(SECTION, figures),
        notes=_notes(district, register, bipartite, projection, tag, boundary, unpublished),
        official=official,
        level=level,
        layer=layer,
        layer_tag=tag,
        has_register=True,
        **_register_tables(register),
        **_layer_tables(bipartite, projection),
        nodes=nodes,
        comparison=comparison,
        tie_model=model,
        tie_table=model.table,
        model_notes=_model_notes(model),
        gaps=gaps,
        boundary=boundary,
        municipality_source=source_summary(municipalities),
    )


def _register_tables(register: reg.Register) -> dict[str, Any]:
    """The register and the tables describing it (fields of :class:`NetworkStudy`)."""
    return {
        "register": register,
        "legal_form_vocabulary": reg.legal_form_table(),
        "bodies": register.bodies[reg.BODY_DISPLAY_COLUMNS],
        "counts_by_form": reg.counts_by_form(register.bodies),
        "task_by_category": reg.task_category_table(register.bodies),
        "aggregates": register.aggregates[
            ["area_name", "legal_form", "count", "reference_year", "members_published", "source"]
        ],
        "informal_fields": register.informal_fields[["field", "status", "evidence", "source"]],
    }


def _layer_tables(bipartite: nx.Graph, projection: nx.Graph) -> dict[str, Any]:
    """The layer's graphs and the tables computed from them (fields of :class:`NetworkStudy`)."""
    return {
        "bipartite": bipartite,
        "projection": projection,
        "ties": network.ties_table(projection),
        "membership_counts": network.membership_counts(bipartite),
        "centrality": _centrality(bipartite, projection),
        "body_table": network.body_metrics(bipartite),
    }


def _embedded_polygons(municipalities: pd.DataFrame) -> Polygons:
    """Polygons and shared borders from the embedded BKG VG5000 2021 extract (or ``None``)."""
    try:
        polygons = gv.district_polygons(municipalities)
    except DataValidationError:
        return Polygons(None, "no boundary file", "no boundary data", None, None)
    path = germany.data_dir() / germany.FILES["GEM"]
    label = "embedded BKG VG5000 2021 extract (data/raw/germany)"
    pairs = frozenset(gv.border_pairs(polygons))
    return Polygons(path, label, gv.EMBEDDED_BOUNDARIES, polygons, pairs)


def _reference_polygons(municipalities: pd.DataFrame, embedded: Polygons) -> Polygons:
    """Polygons of the configured BKG reference file; ``embedded`` when there is none."""
    path = boundaries.discover_boundary_file()
    if path is None:
        return embedded
    polygons = gv.district_polygons(municipalities, path)
    pairs = frozenset(gv.border_pairs(polygons))
    return Polygons(path, path.name, f"BKG {path.name} (reference folder)", polygons, pairs)


def _boundaries(geometry: Polygons, nodes: pd.DataFrame) -> BoundaryData:
    """Polygons and neighbouring node pairs of the register layer (or ``None`` and a note)."""
    if geometry.polygons is None:
        note = (
            "No boundary file: nodes are drawn at their centre points and the shared border "
            "is left out of the tie model."
        )
        return BoundaryData(None, None, None, note)
    pairs = frozenset(network.node_pairs(geometry.pairs, nodes))
    note = f"Boundaries: {geometry.label}; {len(pairs)} neighbouring node pairs."
    return BoundaryData(geometry.file, geometry.polygons, pairs, note)


def _centrality(bipartite: nx.Graph, projection: nx.Graph) -> pd.DataFrame:
    """Per-node metrics, highest weighted degree first."""
    metrics = network.municipality_metrics(bipartite, projection)
    ordered = metrics.sort_values("weighted_degree", ascending=False, kind="stable")
    return ordered.reset_index(drop=True)


def _key_figures(
    register: reg.Register,
    projection: nx.Graph,
    comparison: pd.DataFrame,
    gaps: pd.DataFrame,
    unpublished: pd.DataFrame,
    level: str,
    layer: Mapping[str, Any],
) -> tuple:
    """The declared key figures of a district with a register."""
    strict = comparison.loc[STRICT_LAYER]
    documented = register.memberships["confidence"].eq("documented")
    zweckvereinbarungen = unpublished.loc[unpublished["legal_form"].eq("Zweckvereinbarung")]
    return SECTION.figures_from(
        {
            "has_register": 1,
            "level": level,
            "min_confidence": layer["min_confidence"],
            "include_service_area": layer["include_service_area"],
            "n_bodies": len(register.bodies),
            "n_memberships": len(register.memberships),
            "n_documented_memberships": int(documented.sum()),
            **network.district_summary(projection),
            "density_documented_formal": float(strict["density"]),
            "share_without_documented_formal_tie_strict": float(
                strict["share_without_documented_formal_tie"]
            ),
            "n_bodies_with_gaps": len(gaps),
            "n_zweckvereinbarungen_unidentified": int(zweckvereinbarungen["count"].sum()),
        }
    )


def _notes(
    district: District,
    register: reg.Register,
    bipartite: nx.Graph,
    projection: nx.Graph,
    tag: str,
    boundary: BoundaryData,
    unpublished: pd.DataFrame,
) -> tuple[str, ...]:
    """Sentences on the register, the layer and what the data leave out."""
    notes = [
        f"{district.official_name}: {len(register.bodies)} bodies, "
        f"{len(register.memberships)} membership rows, {len(register.sources)} sources.",
        f"Layer {tag}: bipartite graph with {bipartite.number_of_nodes()} nodes and "
        f"{bipartite.number_of_edges()} edges; projection with {projection.number_of_nodes()} "
        f"nodes and {projection.number_of_edges()} ties.",
        boundary.note,
    ]
    service = sum(bool(d) for _, _, d in bipartite.edges(data="service_area_only"))
    if service:
        notes.append(
            f"{service} of the {bipartite.number_of_edges()} memberships in this layer are "
            "service areas only (catchments, not membership); ties through them follow "
            "geography by construction."
        )
    notes.extend(
        f"The register counts {row.count} {row.legal_form} ({row.reference_year}) in the "
        "district whose members are not published; they are missing from every layer."
        for row in unpublished.itertuples()
    )
    if len(register.informal_fields):
        notes.append(
            f"{len(register.informal_fields)} cooperation fields are named without saying who "
            "cooperates (see the gaps); they cannot enter the network."
        )
    return tuple(notes)


def _model_notes(model: tm.TieModel) -> tuple[str, ...]:
    """What the tie model can and cannot show on this layer, from its dyads and fit."""
    dyads = model.dyads
    n_nodes = len(set(dyads["node_a"]) | set(dyads["node_b"]))
    n_dyads, n_tied = len(dyads), int(dyads["tie"].sum())
    share = n_tied / n_dyads if n_dyads else 0.0
    notes = [f"{n_nodes} nodes, {n_dyads} dyads, {n_tied} tied ({share:.0%})."]
    if n_dyads and share > 0.5:
        notes.append(
            f"Most dyads are tied, so the model has only {n_dyads - n_tied} non-ties to learn from."
        )
    explained = _gemeindeverband_notes(model)
    notes.extend(explained)
    # The count sentence above replaces the model's own; a dropped Gemeindeverband is explained.
    skip = {f"{n_nodes} nodes, {n_dyads} dyads, {n_tied} tied"}
    if explained and model.fit.dropped == ["same_gemeindeverband"]:
        skip.add("dropped constant covariate(s): same_gemeindeverband")
    notes.extend(f"Model: {note}." for note in model.notes if note not in skip)
    return tuple(notes)


def _gemeindeverband_notes(model: tm.TieModel) -> list[str]:
    """Whether same Gemeindeverband is constant, separating or informative here."""
    term = "same_gemeindeverband"
    if term in model.fit.dropped:
        return ["Same Gemeindeverband is constant at this level, so the model leaves it out."]
    within = model.dyads.loc[model.dyads[term].eq(1.0), "tie"]
    if len(within) and within.eq(1).all():
        return [
            f"All {len(within)} dyads within one Gemeindeverband are tied: the covariate "
            "separates ties perfectly, so the logit coefficients are withheld and only the "
            "QAP correlations can be read."
        ]
    return []


# --- the official layer: Gemeindeverbände and shared borders ------------------------------


def _official_layer(
    district: District, municipalities: pd.DataFrame, geometry: Polygons
) -> OfficialLayer:
    """Gemeindeverbände, legal forms and shared borders of the district's Gemeinden."""
    units = gv.district_units(municipalities)
    single = len(units) <= 1
    adjacency = summary = None
    if not single and geometry.pairs is not None:
        adjacency = gv.adjacency_table(municipalities, geometry.pairs)
        summary = gv.adjacency_summary(adjacency)
    layer = OfficialLayer(
        municipalities=municipalities,
        units=units,
        verbaende=units[units["in_verband"]].reset_index(drop=True),
        land_counts=_land_counts(district.land_key),
        polygons=geometry.polygons,
        other_areas=_other_areas(municipalities) if geometry.polygons is not None else None,
        boundary=geometry,
        adjacency=adjacency,
        adjacency_summary=summary,
        graph=gv.official_graph(municipalities, adjacency),
        single_unit=single,
        source=_gemeinde_source(district, municipalities),
        notes=(),
    )
    return replace(layer, notes=tuple(_official_notes(layer, district)))


def _other_areas(municipalities: pd.DataFrame) -> gpd.GeoDataFrame | None:
    """Polygons of the Kreis outside its Gemeinden; ``None`` without the embedded extract."""
    try:
        return gv.other_areas(municipalities)
    except DataValidationError:
        return None


def _land_counts(land_key: str) -> pd.DataFrame:
    """The Land's Gemeindeverbände per type; empty when the embedded extract is missing."""
    try:
        return gv.nationwide_counts(land_key)
    except DataValidationError:
        return pd.DataFrame(columns=["land_key", "land_name", "text_code", "type", "n_units"])


def _gemeinde_source(district: District, municipalities: pd.DataFrame) -> str:
    """The publication behind the Gemeinden: the embedded extract or the district's CSV."""
    if district.inputs.has("municipalities"):
        relative = district.inputs.path("municipalities").relative_to(paths.PROJECT_ROOT)
        return f"{source_summary(municipalities)} ({relative})"
    return OFFICIAL_SOURCE


def _official_notes(layer: OfficialLayer, district: District) -> list[str]:
    """Sentences on the units, their legal forms, the Land and the shared borders."""
    if layer.single_unit:
        return [_single_unit_note(layer, district)]
    notes = [gv.structure_sentence(layer.units, district.name)]
    notes += gv.legal_form_sentences(layer.units)
    land = gv.land_sentence(layer.land_counts)
    if land:
        notes.append(land)
    if layer.adjacency_summary is None:
        notes.append("No Gemeinde polygons are available, so shared borders are unknown.")
    else:
        notes.append(gv.adjacency_sentence(layer.adjacency_summary, layer.boundary.source))
    return notes + _area_notes(layer)


def _area_notes(layer: OfficialLayer) -> list[str]:
    """Polygons outside the Gemeinden, and Gemeinden without a polygon."""
    notes = []
    if layer.other_areas is not None and len(layer.other_areas):
        plural = {
            germany.UNINHABITED_TYPE: "gemeindefreie Gebiete",
            gv.NO_RECORD: gv.NO_RECORD.replace("area", "areas", 1),
        }
        listing = "; ".join(
            f"{len(group)} {kind if len(group) == 1 else plural.get(kind, kind)} "
            f"({', '.join(group['name'])})"
            for kind, group in layer.other_areas.groupby("kind", sort=True)
        )
        notes.append(
            f"Polygons of the Kreis outside its Gemeinden: {listing}. They are no Gemeinden, "
            "are drawn grey on the map and are left out of every count."
        )
    if layer.polygons is not None and layer.polygons.attrs.get("unmatched_ags"):
        missing = layer.polygons.set_index("ags").loc[layer.polygons.attrs["unmatched_ags"]]
        has = "has" if len(missing) == 1 else "have"
        notes.append(
            f"{len(missing)} of the {len(layer.polygons)} Gemeinden {has} no polygon in "
            f"{layer.boundary.source} ({', '.join(missing['name'])}): their borders are missing "
            "from the neighbouring pairs."
        )
    return notes


def _single_unit_note(layer: OfficialLayer, district: District) -> str:
    """Why a district of one administrative unit gets no network statistics."""
    unit = layer.units.iloc[0]
    n = int(unit["n_municipalities"])
    if n == 1:
        what = f"{district.name} is a single Gemeinde"
    else:
        what = (
            f"All {n} Gemeinden of {district.name} form one administrative unit "
            f"({unit['name']}, {unit['gemeindeverband_type']})"
        )
    return (
        f"{what}: inter-municipal cooperation inside the district is not the question, since "
        "its partners lie outside the district. The official layer therefore has no network "
        "statistics."
    )


def _official_figures(layer: OfficialLayer) -> dict[str, Any]:
    """The official layer's key figures; shares and border pairs only for several units."""
    units = layer.units
    in_verband = int(units.loc[units["in_verband"], "n_municipalities"].sum())
    values: dict[str, Any] = {
        "n_gemeindeverbaende": Reported(int(units["in_verband"].sum()), source=layer.source),
        "n_gemeinden_in_verband": Reported(in_verband, source=layer.source),
    }
    if layer.single_unit:
        return values
    total = int(units["n_municipalities"].sum())
    values["share_gemeinden_in_verband"] = Reported(in_verband / total, source=layer.source)
    summary = layer.adjacency_summary
    if summary is not None and int(summary["n_pairs"].sum()):
        pairs = int(summary["n_pairs"].sum())
        same = int(summary.loc[summary["relation"].eq(gv.RELATIONS[0]), "n_pairs"].sum())
        source = _border_source(layer)
        values["n_adjacent_pairs"] = Reported(pairs, source=source)
        values["share_adjacent_pairs_same_verband"] = Reported(same / pairs, source=source)
    return values


def _border_source(layer: OfficialLayer) -> str:
    """Source of the border figures: the declared one, or the files actually used."""
    if layer.boundary.source == gv.EMBEDDED_BOUNDARIES and layer.source == OFFICIAL_SOURCE:
        return BORDER_SOURCE
    return (
        f"Gemeindeverbände: {layer.source}; shared borders: {layer.boundary.source} "
        "(Gemeinden sharing a border line)"
    )
