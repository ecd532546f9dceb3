"""Study ``network`` (notebook ``02_cooperation_network``): official layer and register networks.

Every district gets the *official layer* of institutional cooperation
(:class:`OfficialLayer`): its Gemeinden, the Gemeindeverbände they form (type and legal form
per Land, :mod:`ikzlib.gemeindeverband`) and the shared borders between neighbouring
Gemeinden (the opportunity structure), derived from the Destatis Gemeindeverzeichnis and the
BKG polygons. A kreisfreie Stadt (a single unit) gets a note instead of network statistics.

From the district's cooperation register the study answers research question 1 (forms and
structures of IKZ) layer by layer (:data:`ikzlib.network.LAYERS`): statutory IKZ in the forms
of the Land's cooperation law (the default layer, on documented memberships), associations,
companies, informal networks, bodies of unclear legal form, LEADER areas and catchment or
service areas, each counted separately (:attr:`NetworkStudy.layer_overview`). Area coverage
(the roles in :data:`ikzlib.register.AREA_ROLES`) never counts as membership. The layer shown
in detail (chosen by layers, level, legal forms, task fields, categories, minimum confidence,
service areas and history) gets the bipartite graph municipality x body, its projection,
centrality, body metrics, the tie model (dyadic logit with QAP p-values) and the register's
gaps; published counts by legal form are set beside the bodies the register documents. A
district without a register gets a note saying how to add one, the key figure
``has_register`` = 0 and the official layer.

Examples
--------
>>> from ikzlib.studies import network
>>> study = network.run("harz", n_permutations=0)
>>> study.key_figures["n_bodies"].value, study.key_figures["n_ties_statutory"].value
(27, 16)
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

from ikzlib import boundaries, germany, i18n, network, paths
from ikzlib import gemeindeverband as gv
from ikzlib import register as reg
from ikzlib import tie_model as tm
from ikzlib.catalog import District, resolve
from ikzlib.display import Table, TableSpec
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import Message, Number
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import load_municipalities, source_summary
from ikzlib.studies.base import Study, check_choice, check_number

REGISTER_SOURCE = (
    "the district's cooperation register (data/raw/<district>/register/), compiled from "
    "published documents; sources per row"
)
NETWORK_SOURCE = (
    "projection of the district's cooperation register (compiled from published documents) "
    "in the layer shown (default: statutory IKZ, documented memberships)"
)
LAYER_SOURCE = (
    "projection of the district's cooperation register (compiled from published documents), "
    "one layer of ikzlib.network.LAYERS on documented memberships"
)
PUBLISHED_SOURCE = (
    "published counts in the register's aggregates.csv (Landkreis Harz: Landtag von "
    "Sachsen-Anhalt 2014, p. 22, as cited by the Harz case study, section 3.5.2)"
)
SETTING_SOURCE = "study parameter (network layer)"
OFFICIAL_SOURCE = (
    "Destatis GV-ISys Auszug GV 31.12.2021 via the embedded extract (data/raw/germany)"
)
BORDER_SOURCE = (
    "Destatis GV-ISys Auszug GV 31.12.2021 / BKG VG5000 2021 via the embedded extract "
    "(data/raw/germany): Gemeinden sharing a border line"
)
DEFAULT_LAYERS = (network.STATUTORY,)
# Other layers reported as key figures (documented ties), besides the statutory one.
REPORTED_LAYERS = ("associations", "companies", "informal", "leader", "service_areas")


def _register(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=REGISTER_SOURCE, **kw)


def _network(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=NETWORK_SOURCE, **kw)


def _layer(name: str, label: str, **kw: Any) -> KeyFigure:
    return KeyFigure(name, label, kind=Kind.DERIVED, source=LAYER_SOURCE, **kw)


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
        _setting("layer", "Layer shown"),
        _setting("min_confidence", "Weakest evidence kept"),
        _setting("include_service_area", "Service-area ties kept"),
        _register("n_bodies", "Cooperation bodies in the register", headline=True),
        _register("n_memberships", "Membership rows"),
        _register("n_documented_memberships", "Documented membership rows"),
        _register(
            "n_area_rows",
            "Rows recording area coverage (LEADER area, service area), not membership",
        ),
        _network("n_nodes", "Municipality nodes"),
        _network("n_ties", "Ties between nodes in the layer shown"),
        _network("density", "Density of the layer shown", decimals=4),
        _network("n_components", "Connected components of the layer shown"),
        _network("n_isolates", "Nodes without a tie in the layer shown"),
        _layer("n_statutory_bodies", "Bodies in the statutory forms of the Land's cooperation law"),
        _layer("n_ties_statutory", "Ties: statutory IKZ (documented)"),
        _layer(
            "density_statutory", "Density: statutory IKZ (documented)", decimals=4, headline=True
        ),
        _layer("n_without_statutory_tie", "Nodes without a statutory IKZ tie (documented)"),
        _layer(
            "share_without_statutory_tie",
            "Share of nodes without a statutory IKZ tie (documented)",
            decimals=1,
            percent=True,
            headline=True,
        ),
        _layer(
            "n_ties_statutory_or_unclear",
            "Ties: statutory IKZ or legal basis unclear (upper bound, documented)",
        ),
        _layer("n_ties_associations", "Ties: associations and cooperatives (documented)"),
        _layer("n_ties_companies", "Ties: companies and public institutions (documented)"),
        _layer("n_ties_informal", "Ties: informal networks (documented)"),
        _layer("n_ties_leader", "Ties: LEADER areas (documented area coverage)"),
        _layer("n_ties_service_areas", "Ties: catchment and service areas (documented)"),
        _layer(
            "density_all_layers",
            "Density: all layers together (membership and area coverage mixed, documented)",
            decimals=4,
        ),
        _register("n_bodies_with_gaps", "Bodies with an incomplete or undocumented member list"),
        KeyFigure(
            "n_zweckvereinbarungen_unidentified",
            "Zweckvereinbarungen counted in the district without published members",
            kind=Kind.PUBLISHED,
            source=PUBLISHED_SOURCE,
        ),
        _register(
            "n_zweckvereinbarungen_in_register",
            "Zweckvereinbarungen of the district the register documents",
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

# How :meth:`NetworkStudy.table` shows each table: keyword arguments of
# :func:`ikzlib.display.table` (column labels in display order, decimals, columns whose values
# are translated).
_TABLE_SPECS: dict[str, dict[str, Any]] = {
    "verbaende": {
        "columns": {
            "name": "Gemeindeverband",
            "form": "Form",
            "n_municipalities": "Gemeinden",
            "population": "Population",
            "legal_form": "Legal form",
            "legal_basis": "Legal basis",
            "members": "Member Gemeinden",
        },
    },
    "land_counts": {
        "columns": {
            "type": "Type",
            "form": "Form",
            "n_units": "Units",
            "n_gemeinden": "Gemeinden",
            "share_gemeinden": "Share of Gemeinden",
            "legal_basis": "Legal basis",
        },
        "decimals": {"share_gemeinden": 3},
    },
    "adjacency": {
        "columns": {"relation": "Relation", "n_pairs": "Pairs", "share": "Share"},
        "decimals": 3,
        "translate": ("relation",),
    },
    "legal_forms": {
        "columns": {
            "legal_form": "Legal form",
            "formality": "Formality",
            "legal_basis": "Legal basis",
            "description": "Description",
        },
        "translate": ("legal_form", "formality"),
    },
    "counts_by_form": {
        "columns": {"formality": "Formality", "legal_form": "Legal form", "bodies": "Bodies"},
        "translate": ("legal_form", "formality"),
    },
    "task_by_category": {
        "columns": {
            "task_field": "Task field",
            **{category: category for category in reg.CATEGORIES},
            "total": "total",
        },
    },
    "bodies": {
        "columns": {
            "name": "Body",
            "legal_form": "Legal form",
            "task_field": "Task field",
            "category": "Category",
            "founding_year": "Founded",
            "scope": "Scope",
            "status": "Status",
            "member_list": "Member list",
        },
        "translate": ("legal_form",),
    },
    "layers": {
        "columns": {
            "label": "Layer",
            "n_bodies": "Bodies",
            "n_memberships": "Rows",
            "n_documented": "Documented rows",
            "n_ties": "Ties (documented)",
            "density": "Density (documented)",
            "n_without_tie": "Nodes without a tie",
            "n_ties_with_inferred": "Ties incl. inferred",
            "density_with_inferred": "Density incl. inferred",
        },
        "decimals": 3,
    },
    "published_counts": {
        "columns": {
            "area_name": "Area",
            "legal_form": "Legal form",
            "count": "Published count",
            "reference_year": "Year",
            "kind": "Kind",
            "in_register": "In the register",
            "possibly_in_register": "Possibly in the register",
            "source": "Source",
        },
        "translate": ("kind",),
    },
    "ties": {
        "columns": {
            "a": "Unit",
            "b": "Partner",
            "weight": "Newman weight",
            "count": "Shared bodies",
            "multiplexity": "Task fields",
            "confidence": "Evidence",
            "task_fields": "Fields",
        },
        "decimals": 3,
    },
    "centrality": {
        "columns": {
            "name": "Unit",
            "population": "Population",
            "degree": "Degree",
            "weighted_degree": "Weighted degree",
            "betweenness": "Betweenness",
            "n_bodies": "Bodies",
            "n_documented": "Documented",
            "n_inferred": "Inferred",
            "bodies_reaching_outside": "Reaching outside",
        },
        "decimals": 3,
    },
    "body_metrics": {
        "columns": {
            "name": "Body",
            "legal_form": "Legal form",
            "task_field": "Task field",
            "n_members": "Members",
            "n_municipalities": "Unit members",
            "n_external": "External",
            "population_covered": "Population covered",
            "area_km2_covered": "Area covered (km²)",
            "cross_district_share": "Share outside",
        },
        "decimals": {"area_km2_covered": 1, "cross_district_share": 2},
        "translate": ("legal_form",),
    },
    "tie_model": {
        "columns": {
            "term": "Term",
            "coef": "Coefficient",
            "se": "Std. error",
            "p_naive": "p (naive)",
            "qap_p_logit": "p (QAP, logit)",
            "correlation": "Correlation",
            "qap_p_correlation": "p (QAP, correlation)",
        },
        "decimals": 3,
    },
    "gaps": {
        "columns": {
            "name": "Body",
            "n_documented": "Documented",
            "n_inferred": "Inferred",
            "n_unknown": "Unknown",
            "gap": "Gap",
        },
    },
    "informal_fields": {
        "columns": {
            "field": "Field",
            "status": "Status",
            "evidence": "Evidence",
            "source": "Source",
        },
    },
}
TABLES = {name: TableSpec(**spec) for name, spec in _TABLE_SPECS.items()}


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
    ``official`` is there for every district. :meth:`table` shows a table as a reader sees it
    (:data:`TABLES` holds the column labels), :meth:`text` the sentences of a part.

    Attributes
    ----------
    official
        The official layer (:class:`OfficialLayer`).
    level, layer, layer_tag, layer_labels, filtered
        Node level, the settings of the layer shown (keywords of
        :func:`ikzlib.network.filter_memberships`), their file-name tag, the labels of its
        layers (:func:`ikzlib.network.layer_label`) and whether legal forms, task fields or
        categories narrow it further.
    statutory
        The statutory forms of the district's Land (``None`` where they are not recorded).
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
    layer_overview
        Bodies, memberships and ties of every layer and of two combinations
        (:func:`ikzlib.network.layer_overview`).
    layer_graphs
        Projection of each layer with ties (the statutory layer always), documented and
        inferred memberships, keyed by layer; the edge attribute ``documented`` tells them
        apart.
    published_counts
        Published counts by legal form beside the bodies the register documents
        (:func:`ikzlib.register.aggregates_beside_register`), with the ``kind`` of the count.
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
    layer_labels: tuple[str, ...]
    filtered: bool
    statutory: reg.StatutoryForms | None
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
    layer_overview: pd.DataFrame | None = None
    layer_graphs: Mapping[str, nx.Graph] | None = None
    published_counts: pd.DataFrame | None = None
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

    def frame(self, part: str) -> pd.DataFrame | None:
        """The table of ``part`` (a key of :data:`TABLES`) before display; ``None`` when the
        district has no such table (no register, or no shared borders)."""
        if part not in TABLES:
            raise ParameterError(f"unknown table {part!r}; choose one of {', '.join(TABLES)}")
        return _display_frames(self)[part]

    def table(self, part: str, lang: str = "en") -> Table | None:
        """``part`` as :func:`ikzlib.display.table` with the labels, decimals and translated
        columns of :data:`TABLES`; ``None`` when the district has no such table."""
        frame = self.frame(part)
        return None if frame is None else TABLES[part].show(frame, lang)

    def text(self, part: str, lang: str = "en") -> str:
        """The sentences of ``part``, one per line, in ``lang`` ("" when there are none).

        Parts: ``notes`` (the study's), ``official`` (the official layer's) and ``model``
        (what the tie model can show on the layer).
        """
        sentences = {
            "notes": self.notes,
            "official": self.official.notes,
            "model": self.model_notes,
        }
        if part not in sentences:
            raise ParameterError(f"unknown text {part!r}; choose one of {', '.join(sentences)}")
        return "\n".join(i18n.tr(s, lang) for s in sentences[part])


def _display_frames(study: NetworkStudy) -> dict[str, pd.DataFrame | None]:
    """The raw tables behind :data:`TABLES` (``None`` where the district has no such table)."""
    official = study.official
    return {
        "verbaende": official.verbaende,
        "land_counts": official.land_counts,
        "adjacency": official.adjacency_summary,
        "legal_forms": study.legal_form_vocabulary,
        "counts_by_form": study.counts_by_form,
        "task_by_category": study.task_by_category,
        "bodies": study.bodies,
        "layers": study.layer_overview,
        "published_counts": study.published_counts,
        "ties": study.ties,
        "centrality": study.centrality,
        "body_metrics": study.body_table,
        "tie_model": study.tie_table,
        "gaps": study.gaps,
        "informal_fields": study.informal_fields,
    }


def run(
    district: str | District,
    *,
    level: str = "unit",
    layers: Iterable[str] | str | None = DEFAULT_LAYERS,
    legal_forms: Iterable[str] | str | None = None,
    task_fields: Iterable[str] | str | None = None,
    categories: Iterable[str] | str | None = None,
    min_confidence: str = "documented",
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
    layers
        Layers shown in detail (:data:`ikzlib.network.LAYERS`); the default is statutory IKZ,
        ``None`` takes all layers together.
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
        "layers": _check_values("layers", layers, network.LAYERS),
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
    shown = _shown_layer(district, level, layer, tag)
    if not district.inputs.has("register"):
        return _without_register(district, municipalities, official, shown)
    return _with_register(district, municipalities, geometry, official, shown, n_permutations, seed)


def _shown_layer(district: District, level: str, layer: dict[str, Any], tag: str) -> dict[str, Any]:
    """The fields of :class:`NetworkStudy` that describe the layer shown in detail."""
    land = district.kreis_key[:2]
    keys = layer["layers"] if layer["layers"] is not None else (network.ALL_LAYERS,)
    labels = network.overview_rows(land)
    filters = ("legal_forms", "task_fields", "categories")
    return {
        "level": level,
        "layer": layer,
        "layer_tag": tag,
        "layer_labels": tuple(labels[key][1] for key in keys),
        "filtered": any(layer[name] is not None for name in filters),
        "statutory": reg.statutory_forms(land),
    }


def layer_name(study: NetworkStudy, lang: str = "en") -> str:
    """The layer shown, in ``lang``: its layers' labels, and "(filtered)" if narrowed."""
    return i18n.tr(_joined(study.layer_labels, study.filtered), lang)


def _without_register(
    district: District,
    municipalities: pd.DataFrame,
    official: OfficialLayer,
    shown: dict[str, Any],
) -> NetworkStudy:
    """The study of a district without a register: the official layer and a note."""
    values = {"has_register": 0, **_official_figures(official)}
    return NetworkStudy(
        district=district,
        key_figures=KeyFigures(SECTION, SECTION.figures_from(values)),
        notes=(district.inputs.missing_note("register"),),
        official=official,
        **shown,
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
    shown: dict[str, Any],
    n_permutations: int,
    seed: int,
) -> NetworkStudy:
    """The study of a district that has a register."""
    register = reg.load_register(district)
    level, layer = shown["level"], shown["layer"]
    nodes, bipartite, projection = network.build_layer(register, municipalities, level, **layer)
    boundary = _boundaries(_reference_polygons(municipalities, geometry), nodes)
    overview = network.layer_overview(
        register,
        municipalities,
        level,
        network.overview_rows(register.land_key),
        include_historical=layer["include_historical"],
    )
    model = tm.tie_model(
        nodes, projection, boundary.border_pairs, n_permutations=n_permutations, seed=seed
    )
    gaps = reg.gap_table(register)
    unpublished = reg.unpublished_counts(register, f"kreis:{district.kreis_key}")
    published = _published_counts(register)
    figures = _key_figures(register, projection, overview, gaps, published, shown)
    figures += SECTION.figures_from(_official_figures(official))
    notes = [
        *_register_notes(district, register, bipartite, projection, shown, boundary),
        *_layer_notes(overview, register, municipalities, level, layer),
        *_published_notes(published, district),
        *_gap_notes(register, unpublished),
    ]
    return NetworkStudy(
        district=district,
        key_figures=KeyFigures(SECTION, figures),
        notes=tuple(notes),
        official=official,
        **shown,
        has_register=True,
        **_register_tables(register),
        **_layer_tables(bipartite, projection),
        nodes=nodes,
        layer_overview=overview,
        layer_graphs=_layer_graphs(register, municipalities, level, overview, layer),
        published_counts=published,
        tie_model=model,
        tie_table=model.table,
        model_notes=_model_notes(model),
        gaps=gaps,
        boundary=boundary,
        municipality_source=source_summary(municipalities),
    )


def _layer_graphs(
    register: reg.Register,
    municipalities: pd.DataFrame,
    level: str,
    overview: pd.DataFrame,
    layer: Mapping[str, Any],
) -> dict[str, nx.Graph]:
    """Projections (documented and inferred memberships) of the statutory layer and of every
    other single layer with a tie, in the order of :data:`ikzlib.network.LAYERS`."""
    rows = overview.set_index("layer")
    graphs = {}
    for key in network.LAYERS:
        if key not in rows.index:
            continue
        if key != network.STATUTORY and rows.at[key, "n_ties_with_inferred"] == 0:
            continue
        settings = {"layers": [key], "include_historical": layer["include_historical"]}
        _, _, graph = network.build_layer(
            register, municipalities, level, min_confidence="inferred", **settings
        )
        graphs[key] = graph
    return graphs


def _register_tables(register: reg.Register) -> dict[str, Any]:
    """The register and the tables describing it (fields of :class:`NetworkStudy`)."""
    return {
        "register": register,
        "legal_form_vocabulary": reg.legal_form_table(),
        "bodies": register.bodies[reg.BODY_DISPLAY_COLUMNS],
        "counts_by_form": reg.counts_by_form(register.bodies),
        "task_by_category": reg.task_category_table(register.bodies)
        .reindex(columns=[*reg.CATEGORIES, "total"], fill_value=0)
        .reset_index(),
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
        note = Message(
            "No boundary file: nodes are drawn at their centre points and the shared border is "
            "left out of the tie model."
        )
        return BoundaryData(None, None, None, note)
    pairs = frozenset(network.node_pairs(geometry.pairs, nodes))
    note = Message(
        "Boundaries: {label}; {n} neighbouring node pairs.", label=geometry.label, n=len(pairs)
    )
    return BoundaryData(geometry.file, geometry.polygons, pairs, note)


def _centrality(bipartite: nx.Graph, projection: nx.Graph) -> pd.DataFrame:
    """Per-node metrics, highest weighted degree first."""
    metrics = network.municipality_metrics(bipartite, projection)
    ordered = metrics.sort_values("weighted_degree", ascending=False, kind="stable")
    return ordered.reset_index(drop=True)


def _key_figures(
    register: reg.Register,
    projection: nx.Graph,
    overview: pd.DataFrame,
    gaps: pd.DataFrame,
    published: pd.DataFrame,
    shown: Mapping[str, Any],
) -> tuple:
    """The declared key figures of a district with a register."""
    layer = shown["layer"]
    rows = overview.set_index("layer")

    def row(key: str, column: str, empty: Any = 0) -> Any:
        return rows.at[key, column] if key in rows.index else empty

    summary = network.district_summary(projection)
    n_nodes = summary["n_nodes"]
    isolated = int(row(network.STATUTORY, "n_without_tie", n_nodes))
    documented = register.memberships["confidence"].eq("documented")
    district_rows = published["area_id"].str.startswith("kreis:")
    zweckvereinbarungen = published[district_rows & published["legal_form"].eq("Zweckvereinbarung")]
    values = {
        "has_register": 1,
        "level": shown["level"],
        "layer": _joined(shown["layer_labels"], shown["filtered"]),
        "min_confidence": layer["min_confidence"],
        "include_service_area": layer["include_service_area"],
        "n_bodies": len(register.bodies),
        "n_memberships": len(register.memberships),
        "n_documented_memberships": int(documented.sum()),
        "n_area_rows": int(register.memberships["role"].isin(reg.AREA_ROLES).sum()),
        **{k: summary[k] for k in ("n_nodes", "n_ties", "density", "n_components", "n_isolates")},
        "n_statutory_bodies": int(row(network.STATUTORY, "n_bodies")),
        "n_ties_statutory": int(row(network.STATUTORY, "n_ties")),
        "density_statutory": float(row(network.STATUTORY, "density", 0.0)),
        "n_without_statutory_tie": isolated,
        "share_without_statutory_tie": isolated / n_nodes if n_nodes else 0.0,
        "n_ties_statutory_or_unclear": int(row(network.STATUTORY_OR_UNCLEAR, "n_ties")),
        **{f"n_ties_{key}": int(row(key, "n_ties")) for key in REPORTED_LAYERS},
        "density_all_layers": float(row(network.ALL_LAYERS, "density", 0.0)),
        "n_bodies_with_gaps": len(gaps),
        "n_zweckvereinbarungen_in_register": int(zweckvereinbarungen["in_register"].sum()),
    }
    if len(zweckvereinbarungen):
        values["n_zweckvereinbarungen_unidentified"] = int(zweckvereinbarungen["count"].sum())
    return SECTION.figures_from(values)


def _published_counts(register: reg.Register) -> pd.DataFrame:
    """Published counts beside the register, with the kind of each count (``published``)."""
    frame = reg.aggregates_beside_register(register)
    return frame.assign(kind=str(Kind.PUBLISHED))


i18n.register(
    {
        "(filtered)": "(gefiltert)",
        "{district}: {bodies} bodies, {rows} membership rows ({area} of them area coverage: "
        "LEADER areas and service areas, never counted as membership), {sources} sources.": (
            "{district}: {bodies} Einrichtungen, {rows} Mitgliedschaftszeilen (davon {area} "
            "Gebietsabdeckung: LEADER-Gebiete und Versorgungsgebiete, nie als Mitgliedschaft "
            "gezählt), {sources} Quellen."
        ),
        "Layer shown: {layer} ({tag}): bipartite graph with {nodes} nodes and {edges} edges; "
        "projection with {pnodes} nodes and {ties} ties.": (
            "Gezeigte Ebene: {layer} ({tag}): bipartiter Graph mit {nodes} Knoten und {edges} "
            "Kanten; Projektion mit {pnodes} Knoten und {ties} Verbindungen."
        ),
        "{n} of the {m} memberships in the layer shown are area coverage only (LEADER areas, "
        "catchments, supply areas): ties through them follow geography by construction.": (
            "{n} der {m} Mitgliedschaften der gezeigten Ebene sind reine Gebietsabdeckung "
            "(LEADER-Gebiete, Einzugs- und Versorgungsgebiete): Verbindungen über sie folgen "
            "konstruktionsbedingt der Geografie."
        ),
        "Statutory IKZ ({law}: {forms}) on documented memberships: {ties} ties among {n} "
        "units (density {density}); {k} units have no such tie: {names}.": (
            "IKZ in gesetzlichen Formen ({law}: {forms}) auf belegten Mitgliedschaften: "
            "{ties} Verbindungen zwischen {n} Einheiten (Dichte {density}); {k} Einheiten "
            "haben keine solche Verbindung: {names}."
        ),
        "Statutory IKZ ({law}: {forms}) on documented memberships: {ties} ties among {n} "
        "units (density {density}); every unit has such a tie.": (
            "IKZ in gesetzlichen Formen ({law}: {forms}) auf belegten Mitgliedschaften: "
            "{ties} Verbindungen zwischen {n} Einheiten (Dichte {density}); jede Einheit hat "
            "eine solche Verbindung."
        ),
        "The statutory forms of {land} are not recorded in ikzlib.register.STATUTORY_FORMS, "
        "so the register has no statutory layer; add the Land's cooperation law there.": (
            "Die gesetzlichen Formen von {land} sind in ikzlib.register.STATUTORY_FORMS nicht "
            "erfasst, daher hat das Register keine Ebene gesetzlicher IKZ; das "
            "Kooperationsgesetz des Landes dort ergänzen."
        ),
        "Legal form or basis unclear: {names}. If this is a statutory form, the statutory "
        "layer has {ties} ties (density {density}) and {k} units without a tie (upper "
        "bound).": (
            "Rechtsform oder Rechtsgrundlage unklar: {names}. Ist dies eine gesetzliche Form, "
            "hat die Ebene gesetzlicher IKZ {ties} Verbindungen (Dichte {density}) und {k} "
            "Einheiten ohne Verbindung (Obergrenze)."
        ),
        "With inferred memberships added (from chairs, supply areas and similar hints) the "
        "statutory layer has {ties} ties (density {density}).": (
            "Mit erschlossenen Mitgliedschaften (aus Vorsitzen, Versorgungsgebieten und "
            "ähnlichen Hinweisen) hat die Ebene gesetzlicher IKZ {ties} Verbindungen "
            "(Dichte {density})."
        ),
        "{label}: {ties} ties on documented memberships, {inferred} with inferred ones.": (
            "{label}: {ties} Verbindungen auf belegten Mitgliedschaften, {inferred} mit "
            "erschlossenen."
        ),
        "All layers together give {ties} documented ties (density {density}); statutory IKZ "
        "accounts for {statutory} of them.": (
            "Alle Ebenen zusammen ergeben {ties} belegte Verbindungen (Dichte {density}); "
            "davon entfallen {statutory} auf IKZ in gesetzlichen Formen."
        ),
        "{area}, {year}: {count} bodies in the legal form {form} (published count); the "
        "register documents {k} of them.": (
            "{area}, {year}: {count} Einrichtungen in der Rechtsform {form} (veröffentlichte "
            "Zahl); das Register belegt {k} davon."
        ),
        "{area}, {year}: {count} bodies in the legal form {form} (published count, the "
        "district's included); the register documents {k} with a tie to the district.": (
            "{area}, {year}: {count} Einrichtungen in der Rechtsform {form} (veröffentlichte "
            "Zahl, einschließlich des Landkreises); das Register belegt {k} mit Bezug zum "
            "Landkreis."
        ),
        "{p} further body whose legal basis is unknown may be a {form}.": (
            "{p} weitere Einrichtung mit unbekannter Rechtsgrundlage könnte eine {form} sein."
        ),
        "The members of the {count} bodies in the legal form {form} counted in the district "
        "({year}) are not published; they are missing from every layer.": (
            "Die Mitglieder der {count} im Landkreis gezählten Einrichtungen in der Rechtsform "
            "{form} ({year}) sind nicht veröffentlicht; sie fehlen in jeder Ebene."
        ),
        "Boundaries: {label}; {n} neighbouring node pairs.": (
            "Grenzen: {label}; {n} benachbarte Knotenpaare."
        ),
        "No boundary file: nodes are drawn at their centre points and the shared border is "
        "left out of the tie model.": (
            "Keine Grenzdatei: Knoten werden an ihren Mittelpunkten gezeichnet, und die "
            "gemeinsame Grenze fehlt im Verbindungsmodell."
        ),
        "{n} cooperation fields are named without saying who cooperates (see the gaps); they "
        "cannot enter the network.": (
            "{n} Kooperationsfelder werden genannt, ohne zu sagen, wer kooperiert (siehe "
            "Lücken); sie können nicht in das Netzwerk eingehen."
        ),
    }
)


def _joined(labels: Iterable[str], filtered: bool) -> Message:
    """Layer labels joined with " + " (and "(filtered)"), translatable as one message."""
    values = {f"label{i}": label for i, label in enumerate(labels)}
    template = " + ".join(f"{{{name}}}" for name in values)
    if filtered:
        values["filtered"] = Message("(filtered)")
        template += " {filtered}"
    return Message(template, **values)


def _register_notes(
    district: District,
    register: reg.Register,
    bipartite: nx.Graph,
    projection: nx.Graph,
    shown: Mapping[str, Any],
    boundary: BoundaryData,
) -> list[str]:
    """Sentences on the register and the layer shown."""
    area = int(register.memberships["role"].isin(reg.AREA_ROLES).sum())
    notes = [
        Message(
            "{district}: {bodies} bodies, {rows} membership rows ({area} of them area coverage: "
            "LEADER areas and service areas, never counted as membership), {sources} sources.",
            district=district.official_name,
            bodies=len(register.bodies),
            rows=len(register.memberships),
            area=area,
            sources=len(register.sources),
        ),
        Message(
            "Layer shown: {layer} ({tag}): bipartite graph with {nodes} nodes and {edges} edges; "
            "projection with {pnodes} nodes and {ties} ties.",
            layer=_joined(shown["layer_labels"], shown["filtered"]),
            tag=shown["layer_tag"],
            nodes=bipartite.number_of_nodes(),
            edges=bipartite.number_of_edges(),
            pnodes=projection.number_of_nodes(),
            ties=projection.number_of_edges(),
        ),
        boundary.note,
    ]
    covered = sum(bool(d) for _, _, d in bipartite.edges(data="area_only"))
    if covered:
        notes.append(
            Message(
                "{n} of the {m} memberships in the layer shown are area coverage only (LEADER "
                "areas, catchments, supply areas): ties through them follow geography by "
                "construction.",
                n=covered,
                m=bipartite.number_of_edges(),
            )
        )
    return notes


def _layer_notes(
    overview: pd.DataFrame,
    register: reg.Register,
    municipalities: pd.DataFrame,
    level: str,
    layer: Mapping[str, Any],
) -> list[str]:
    """Sentences on the statutory layer, its upper bound and the other layers."""
    forms = reg.statutory_forms(register.land_key)
    rows = overview.set_index("layer")
    if forms is None:
        land = gv.LAND_NAMES.get(register.land_key or "", register.land_key or "?")
        return [
            Message(
                "The statutory forms of {land} are not recorded in "
                "ikzlib.register.STATUTORY_FORMS, so the register has no statutory layer; add "
                "the Land's cooperation law there.",
                land=land,
            )
        ]
    notes = [_statutory_note(forms, register, municipalities, level, layer)]
    upper = network.STATUTORY_OR_UNCLEAR
    if "unclear" in rows.index and rows.at[upper, "n_ties"] != rows.at[network.STATUTORY, "n_ties"]:
        unclear = network.filter_memberships(
            register, layers=["unclear"], include_historical=layer["include_historical"]
        )
        names = sorted(set(unclear["name"]))
        notes.append(
            Message(
                "Legal form or basis unclear: {names}. If this is a statutory form, the "
                "statutory layer has {ties} ties (density {density}) and {k} units without a "
                "tie (upper bound).",
                names="; ".join(names),
                ties=int(rows.at[upper, "n_ties"]),
                density=Number(rows.at[upper, "density"], 2),
                k=int(rows.at[upper, "n_without_tie"]),
            )
        )
    if network.STATUTORY in rows.index:
        notes.append(
            Message(
                "With inferred memberships added (from chairs, supply areas and similar hints) "
                "the statutory layer has {ties} ties (density {density}).",
                ties=int(rows.at[network.STATUTORY, "n_ties_with_inferred"]),
                density=Number(rows.at[network.STATUTORY, "density_with_inferred"], 2),
            )
        )
    for key in REPORTED_LAYERS:
        if key in rows.index and rows.at[key, "n_ties_with_inferred"]:
            notes.append(
                Message(
                    "{label}: {ties} ties on documented memberships, {inferred} with inferred "
                    "ones.",
                    label=rows.at[key, "label"],
                    ties=int(rows.at[key, "n_ties"]),
                    inferred=int(rows.at[key, "n_ties_with_inferred"]),
                )
            )
    if network.ALL_LAYERS in rows.index:
        notes.append(
            Message(
                "All layers together give {ties} documented ties (density {density}); statutory "
                "IKZ accounts for {statutory} of them.",
                ties=int(rows.at[network.ALL_LAYERS, "n_ties"]),
                density=Number(rows.at[network.ALL_LAYERS, "density"], 2),
                statutory=int(rows.at[network.STATUTORY, "n_ties"])
                if network.STATUTORY in rows.index
                else 0,
            )
        )
    return notes


def _statutory_note(
    forms: reg.StatutoryForms,
    register: reg.Register,
    municipalities: pd.DataFrame,
    level: str,
    layer: Mapping[str, Any],
) -> str:
    """The statutory layer in one sentence, naming the units without a tie."""
    _, _, graph = network.build_layer(
        register,
        municipalities,
        level,
        layers=[network.STATUTORY],
        min_confidence="documented",
        include_historical=layer["include_historical"],
    )
    alone = sorted(graph.nodes[n]["label"] for n in graph if graph.degree(n) == 0)
    values = {
        "law": forms.law,
        "forms": ", ".join(forms.forms),
        "ties": graph.number_of_edges(),
        "n": graph.number_of_nodes(),
        "density": Number(nx.density(graph) if len(graph) > 1 else 0.0, 2),
    }
    if not alone:
        return Message(
            "Statutory IKZ ({law}: {forms}) on documented memberships: {ties} ties among {n} "
            "units (density {density}); every unit has such a tie.",
            **values,
        )
    return Message(
        "Statutory IKZ ({law}: {forms}) on documented memberships: {ties} ties among {n} units "
        "(density {density}); {k} units have no such tie: {names}.",
        **values,
        k=len(alone),
        names="; ".join(alone),
    )


def _published_notes(published: pd.DataFrame, district: District) -> list[str]:
    """Each published count set beside the bodies the register documents."""
    notes = []
    for row in published.itertuples():
        values = {
            "area": row.area_name,
            "year": row.reference_year,
            "count": int(row.count),
            "form": row.legal_form,
            "k": int(row.in_register),
        }
        if row.area_id == f"kreis:{district.kreis_key}":
            notes.append(
                Message(
                    "{area}, {year}: {count} bodies in the legal form {form} (published count); "
                    "the register documents {k} of them.",
                    **values,
                )
            )
        else:
            notes.append(
                Message(
                    "{area}, {year}: {count} bodies in the legal form {form} (published count, "
                    "the district's included); the register documents {k} with a tie to the "
                    "district.",
                    **values,
                )
            )
        if row.possibly_in_register and row.area_id == f"kreis:{district.kreis_key}":
            notes.append(
                Message(
                    "{p} further body whose legal basis is unknown may be a {form}.",
                    p=int(row.possibly_in_register),
                    form=row.legal_form,
                )
            )
    return notes


def _gap_notes(register: reg.Register, unpublished: pd.DataFrame) -> list[str]:
    """What the data leave out: unpublished counts and fields without pairs."""
    notes = [
        Message(
            "The members of the {count} bodies in the legal form {form} counted in the district "
            "({year}) are not published; they are missing from every layer.",
            count=int(row.count),
            form=row.legal_form,
            year=row.reference_year,
        )
        for row in unpublished.itertuples()
    ]
    if len(register.informal_fields):
        notes.append(
            Message(
                "{n} cooperation fields are named without saying who cooperates (see the gaps); "
                "they cannot enter the network.",
                n=len(register.informal_fields),
            )
        )
    return notes


i18n.register(
    {
        "{nodes} nodes, {dyads} dyads, {tied} tied ({share} %).": (
            "{nodes} Knoten, {dyads} Dyaden, {tied} verbunden ({share} %)."
        ),
        "Most dyads are tied, so the model has only {n} non-ties to learn from.": (
            "Die meisten Dyaden sind verbunden; das Modell kann nur aus {n} Nicht-Verbindungen "
            "lernen."
        ),
        "Model: {note}.": "Modell: {note}.",
        "Same Gemeindeverband is constant at this level, so the model leaves it out.": (
            "Gleicher Gemeindeverband ist auf dieser Ebene konstant; das Modell lässt ihn weg."
        ),
        "All {n} dyads within one Gemeindeverband are tied: the covariate separates ties "
        "perfectly, so the logit coefficients are withheld and only the QAP correlations can "
        "be read.": (
            "Alle {n} Dyaden innerhalb eines Gemeindeverbands sind verbunden: die Kovariate "
            "trennt die Verbindungen perfekt, daher werden die Logit-Koeffizienten nicht "
            "ausgewiesen und nur die QAP-Korrelationen sind lesbar."
        ),
    }
)


def _model_notes(model: tm.TieModel) -> tuple[str, ...]:
    """What the tie model can and cannot show on this layer, from its dyads and fit."""
    dyads = model.dyads
    n_nodes = len(set(dyads["node_a"]) | set(dyads["node_b"]))
    n_dyads, n_tied = len(dyads), int(dyads["tie"].sum())
    share = n_tied / n_dyads if n_dyads else 0.0
    notes = [
        Message(
            "{nodes} nodes, {dyads} dyads, {tied} tied ({share} %).",
            nodes=n_nodes,
            dyads=n_dyads,
            tied=n_tied,
            share=Number(100 * share, 0),
        )
    ]
    if n_dyads and share > 0.5:
        notes.append(
            Message(
                "Most dyads are tied, so the model has only {n} non-ties to learn from.",
                n=n_dyads - n_tied,
            )
        )
    explained = _gemeindeverband_notes(model)
    notes.extend(explained)
    # The count sentence above replaces the model's own; a dropped Gemeindeverband is explained.
    skip = {f"{n_nodes} nodes, {n_dyads} dyads, {n_tied} tied"}
    if explained and model.fit.dropped == ["same_gemeindeverband"]:
        skip.add("dropped constant covariate(s): same_gemeindeverband")
    notes.extend(Message("Model: {note}.", note=note) for note in model.notes if note not in skip)
    return tuple(notes)


def _gemeindeverband_notes(model: tm.TieModel) -> list[str]:
    """Whether same Gemeindeverband is constant, separating or informative here."""
    term = "same_gemeindeverband"
    if term in model.fit.dropped:
        return [
            Message("Same Gemeindeverband is constant at this level, so the model leaves it out.")
        ]
    within = model.dyads.loc[model.dyads[term].eq(1.0), "tie"]
    if len(within) and within.eq(1).all():
        return [
            Message(
                "All {n} dyads within one Gemeindeverband are tied: the covariate separates "
                "ties perfectly, so the logit coefficients are withheld and only the QAP "
                "correlations can be read.",
                n=len(within),
            )
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


# German of the key-figure labels and of the column labels in TABLES.
i18n.register(
    {
        # labels other modules register too (same German; this module may be imported alone)
        "Description": "Beschreibung",
        "Evidence": "Evidenz",
        "Gemeinden": "Gemeinden",
        "Partner": "Partner",
        "Rows": "Zeilen",
        "Status": "Status",
        "Task field": "Aufgabenfeld",
        "Type": "Typ",
        "Unit": "Einheit",
        "Year": "Jahr",
        # labels of this module
        "Cooperation network": "Kooperationsnetzwerk",
        "Area": "Gebiet",
        "Area covered (km²)": "Abgedeckte Fläche (km²)",
        "Betweenness": "Zwischenzentralität",
        "Bodies": "Einrichtungen",
        "Bodies in the statutory forms of the Land's cooperation law": (
            "Einrichtungen in den gesetzlichen Formen des Kooperationsgesetzes des Landes"
        ),
        "Bodies with an incomplete or undocumented member list": (
            "Einrichtungen mit unvollständiger oder unbelegter Mitgliederliste"
        ),
        "Body": "Einrichtung",
        "Category": "Kategorie",
        "Coefficient": "Koeffizient",
        "Connected components of the layer shown": "Zusammenhangskomponenten der gezeigten Ebene",
        "Cooperation bodies in the register": "Kooperationseinrichtungen im Register",
        "Cooperation register available (1 yes, 0 no)": (
            "Kooperationsregister vorhanden (1 ja, 0 nein)"
        ),
        "Correlation": "Korrelation",
        "Degree": "Grad",
        "Density (documented)": "Dichte (belegt)",
        "Density incl. inferred": "Dichte einschl. erschlossener",
        "Density of the layer shown": "Dichte der gezeigten Ebene",
        "Density: all layers together (membership and area coverage mixed, documented)": (
            "Dichte: alle Ebenen zusammen (Mitgliedschaft und Gebietsabdeckung vermischt, belegt)"
        ),
        "Density: statutory IKZ (documented)": "Dichte: IKZ in gesetzlichen Formen (belegt)",
        "Documented": "Belegt",
        "Documented membership rows": "Belegte Mitgliedschaftszeilen",
        "Documented rows": "Belegte Zeilen",
        "External": "Extern",
        "Field": "Feld",
        "Fields": "Felder",
        "Form": "Form",
        "Formality": "Formalität",
        "Founded": "Gegründet",
        "Gap": "Lücke",
        "Gemeinden in a Gemeindeverband": "Gemeinden in einem Gemeindeverband",
        "Gemeindeverband": "Gemeindeverband",
        "Gemeindeverbände (joint administrations of Gemeinden)": (
            "Gemeindeverbände (gemeinsame Verwaltungen von Gemeinden)"
        ),
        "In the register": "Im Register",
        "Inferred": "Erschlossen",
        "Layer": "Ebene",
        "Layer shown": "Gezeigte Ebene",
        "Legal basis": "Rechtsgrundlage",
        "Legal form": "Rechtsform",
        "Member Gemeinden": "Mitgliedsgemeinden",
        "Member list": "Mitgliederliste",
        "Members": "Mitglieder",
        "Membership rows": "Mitgliedschaftszeilen",
        "Municipality nodes": "Kommunale Knoten",
        "Neighbouring pairs in a common Gemeindeverband": (
            "Benachbarte Paare in einem gemeinsamen Gemeindeverband"
        ),
        "Newman weight": "Newman-Gewicht",
        "Node level": "Knotenebene",
        "Nodes without a statutory IKZ tie (documented)": (
            "Knoten ohne Verbindung durch IKZ in gesetzlichen Formen (belegt)"
        ),
        "Nodes without a tie": "Knoten ohne Verbindung",
        "Nodes without a tie in the layer shown": "Knoten ohne Verbindung in der gezeigten Ebene",
        "Pairs": "Paare",
        "Pairs of neighbouring Gemeinden": "Paare benachbarter Gemeinden",
        "Population": "Einwohnerzahl",
        "Population covered": "Abgedeckte Einwohnerzahl",
        "Possibly in the register": "Möglicherweise im Register",
        "Published count": "Veröffentlichte Zahl",
        "Reaching outside": "Über den Landkreis hinaus",
        "Relation": "Beziehung",
        "Rows recording area coverage (LEADER area, service area), not membership": (
            "Zeilen mit Gebietsabdeckung (LEADER-Gebiet, Versorgungsgebiet), keine Mitgliedschaft"
        ),
        "Scope": "Reichweite",
        "Service-area ties kept": "Verbindungen über Versorgungsgebiete behalten",
        "Share": "Anteil",
        "Share of Gemeinden": "Anteil der Gemeinden",
        "Share of Gemeinden in a Gemeindeverband": "Anteil der Gemeinden in einem Gemeindeverband",
        "Share of nodes without a statutory IKZ tie (documented)": (
            "Anteil der Knoten ohne Verbindung durch IKZ in gesetzlichen Formen (belegt)"
        ),
        "Share outside": "Anteil außerhalb",
        "Shared bodies": "Gemeinsame Einrichtungen",
        "Std. error": "Standardfehler",
        "Task fields": "Aufgabenfelder",
        "Term": "Term",
        "Ties (documented)": "Verbindungen (belegt)",
        "Ties between nodes in the layer shown": "Verbindungen zwischen Knoten der gezeigten Ebene",
        "Ties incl. inferred": "Verbindungen einschl. erschlossener",
        "Ties: LEADER areas (documented area coverage)": (
            "Verbindungen: LEADER-Gebiete (belegte Gebietsabdeckung)"
        ),
        "Ties: associations and cooperatives (documented)": (
            "Verbindungen: Vereine und Genossenschaften (belegt)"
        ),
        "Ties: catchment and service areas (documented)": (
            "Verbindungen: Einzugs- und Versorgungsgebiete (belegt)"
        ),
        "Ties: companies and public institutions (documented)": (
            "Verbindungen: Unternehmen und Anstalten (belegt)"
        ),
        "Ties: informal networks (documented)": "Verbindungen: informelle Netzwerke (belegt)",
        "Ties: statutory IKZ (documented)": "Verbindungen: IKZ in gesetzlichen Formen (belegt)",
        "Ties: statutory IKZ or legal basis unclear (upper bound, documented)": (
            "Verbindungen: IKZ in gesetzlichen Formen oder Rechtsgrundlage unklar "
            "(Obergrenze, belegt)"
        ),
        "Unit members": "Mitglieder (Einheiten)",
        "Units": "Einheiten",
        "Unknown": "Unbekannt",
        "Weakest evidence kept": "Schwächster behaltener Beleg",
        "Weighted degree": "Gewichteter Grad",
        "Zweckvereinbarungen counted in the district without published members": (
            "Im Landkreis gezählte Zweckvereinbarungen ohne veröffentlichte Mitglieder"
        ),
        "Zweckvereinbarungen of the district the register documents": (
            "Im Register belegte Zweckvereinbarungen des Landkreises"
        ),
        "p (QAP, correlation)": "p (QAP, Korrelation)",
        "p (QAP, logit)": "p (QAP, Logit)",
        "p (naive)": "p (naiv)",
        "inter-municipal": "interkommunal",
        "regional": "regional",
        "district body": "Einrichtung des Landkreises",
        "total": "gesamt",
    }
)
