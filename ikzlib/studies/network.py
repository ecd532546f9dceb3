"""Study ``network`` (notebook ``02_cooperation_network``): the cooperation register as networks.

From the district's cooperation register the study builds one *layer* (chosen by level,
legal forms, task fields, categories, minimum confidence, service areas and history): the
bipartite graph municipality x body and its projection onto municipality pairs. It sets the
layer against four others (documented only, formal, informal, inter-municipal), computes
centrality and body metrics, fits the tie model (dyadic logit with QAP p-values) and lists
the register's gaps. A district without a register gets a study with a note saying how to
add one, and the key figure ``has_register`` = 0 only.

Examples
--------
>>> from ikzlib.studies import network
>>> study = network.run("harz", n_permutations=0)
>>> study.key_figures["n_bodies"].value, study.key_figures["n_ties"].value
(27, 63)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ikzlib import boundaries, network
from ikzlib import register as reg
from ikzlib import tie_model as tm
from ikzlib.catalog import District, resolve
from ikzlib.errors import ParameterError
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Section
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


def _register(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=REGISTER_SOURCE, **kw)


def _network(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=NETWORK_SOURCE, **kw)


def _setting(name: str, label: str) -> KeyFigure:
    return KeyFigure(name, label, decimals=None, kind=Kind.DERIVED, source=SETTING_SOURCE)


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


@dataclass(frozen=True, kw_only=True)
class NetworkStudy(Study):
    """The cooperation network of one district in one layer.

    Every table is ``None`` when the district has no register (see ``notes``).

    Attributes
    ----------
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

    Parameters
    ----------
    district
        Catalog key or :class:`~ikzlib.catalog.District`.
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
    if not district.inputs.has("register"):
        return NetworkStudy(
            district=district,
            key_figures=KeyFigures(SECTION, SECTION.figures_from({"has_register": 0})),
            notes=(district.inputs.missing_note("register"),),
            level=level,
            layer=layer,
            layer_tag=tag,
            has_register=False,
        )
    return _with_register(district, level, layer, tag, n_permutations, seed)


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
    level: str,
    layer: dict[str, Any],
    tag: str,
    n_permutations: int,
    seed: int,
) -> NetworkStudy:
    """The study of a district that has a register."""
    register = reg.load_register(district)
    municipalities = load_municipalities(district.key)
    nodes, bipartite, projection = network.build_layer(register, municipalities, level, **layer)
    boundary = _boundaries(municipalities, nodes)
    comparison = network.compare_layers(
        register, municipalities, level, network.comparison_layers(layer)
    )
    model = tm.tie_model(
        nodes, projection, boundary.border_pairs, n_permutations=n_permutations, seed=seed
    )
    gaps = reg.gap_table(register)
    unpublished = reg.unpublished_counts(register, f"kreis:{district.kreis_key}")
    figures = _key_figures(register, projection, comparison, gaps, unpublished, level, layer)
    return NetworkStudy(
        district=district,
        key_figures=KeyFigures(SECTION, figures),
        notes=_notes(district, register, bipartite, projection, tag, boundary, unpublished),
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


def _boundaries(municipalities: pd.DataFrame, nodes: pd.DataFrame) -> BoundaryData:
    """Polygons and neighbouring node pairs from the BKG file, if one is configured."""
    path = boundaries.discover_boundary_file()
    if path is None:
        note = (
            "No boundary file: nodes are drawn at their centre points and the shared border "
            "is left out of the tie model."
        )
        return BoundaryData(None, None, None, note)
    polygons = boundaries.municipality_boundaries(path, municipalities)
    pairs = frozenset(network.node_pairs(boundaries.shared_borders(polygons), nodes))
    note = f"Boundaries: {path.name}; {len(pairs)} neighbouring node pairs."
    return BoundaryData(path, polygons, pairs, note)


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
