"""Study ``structure`` (notebook ``01_municipal_structure``): the municipal structure of a district.

Who are the Gemeinden of the district, how large are they, how are they grouped into
administrative units (an Einheitsgemeinde is one unit, the members of a joint administration
together form one), does the Gemeinde-level statistic reproduce a unit table published by a
study, and where does the district stand among all German Kreise?

:func:`run` loads the district's municipalities (its ``municipalities.csv``, else the
embedded nationwide extract) and, where present, its published unit table and demographic
statements (:data:`ikzlib.catalog.INPUTS`). The national comparison uses the embedded
extract of the Destatis Auszug GV (:func:`ikzlib.destatis.extract_units`) unless ``gv_file``
names another Gemeindeverzeichnis file; the map uses a BKG boundary file from the reference
folder, else the embedded VG5000 layer (:func:`ikzlib.germany.boundaries`). So every district
gets the whole study on a fresh clone. Every part whose data is missing is ``None`` in the
result, with a note saying what is missing and how to add it.

A kreisfreie Stadt, or any district whose Gemeinden form a single administrative unit, is
said to be one: inter-municipal cooperation inside it is not the question, so there is no
ranking of units (``density`` is ``None``) and, for a single Gemeinde, no size distribution
(``size_classes`` is ``None``). Uninhabited gemeindefreie Gebiete of the Kreis are listed
(``uninhabited``) but are never municipalities or units.
:meth:`StructureStudy.describe` turns the result into sentences for the notebook.

Examples
--------
>>> from ikzlib.studies import structure
>>> study = structure.run("harz")  # doctest: +SKIP
>>> study.key_figures["n_units"].value  # doctest: +SKIP
14
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

import geopandas as gpd
import pandas as pd

from ikzlib import boundaries, destatis, germany
from ikzlib.catalog import District, resolve
from ikzlib.display import Table, TableSpec
from ikzlib.errors import DataValidationError, ParameterError
from ikzlib.i18n import Joined, Message, Number, check_language, register, tr
from ikzlib.keyfigures import KeyFigure, KeyFigures, Kind, Reported, Section
from ikzlib.municipalities import (
    EINHEITSGEMEINDE,
    SIZE_CLASS_BOUNDS,
    administrative_units,
    load_municipalities,
    source_summary,
)
from ikzlib.structure import (
    LEVELS,
    compare_units,
    demography_series,
    read_demography,
    read_published_units,
    size_class_table,
    units_side_by_side,
)
from ikzlib.studies.base import Study

SMALL = destatis.SMALL_MUNICIPALITY_LIMIT
VERY_SMALL = SIZE_CLASS_BOUNDS[1]  # 5,000: upper bound of the smallest size class
AREA_TOLERANCE = 0.005  # km²: both sources round areas to two decimals
CADASTRE_NOISE = 0.1  # km²: area differences up to this look like survey/rounding states

_DESTATIS = (
    "Destatis GV-ISys Gemeindeverzeichnis, Auszug GV (the district's municipalities.csv, else "
    "the embedded extract)"
)
_AGGREGATED = "Gemeinden aggregated to administrative units by ARS digits 1-9"
_NATIONAL = (
    "Destatis GV-ISys Auszug GV, all inhabited German Gemeinden (the embedded extract of "
    "data/raw/germany, or the gv_file given)"
)
_NATIONAL_UNITS = (
    "Destatis GV-ISys Auszug GV, all inhabited German Gemeinden summed per Gemeindeverband "
    "(ARS digits 1-9; ikzlib.destatis.national_units)"
)
_BOUNDARIES = (
    "BKG VG250/VG5000: the file in the reference folder (or boundary_file), else the embedded "
    "VG5000 extract of data/raw/germany"
)
_PUBLISHED = "unit table published by a study (the district's table1_fallstudie.csv)"

SECTION = Section(
    "structure",
    "Municipal structure",
    (
        KeyFigure(
            "n_units",
            "administrative units",
            kind=Kind.DERIVED,
            source=_AGGREGATED,
            headline=True,
        ),
        KeyFigure("n_municipalities", "Gemeinden", kind=Kind.OFFICIAL, source=_DESTATIS),
        KeyFigure("population", "inhabitants", kind=Kind.OFFICIAL, source=_DESTATIS, headline=True),
        KeyFigure(
            "population_date",
            "population date",
            decimals=None,
            kind=Kind.OFFICIAL,
            source=_DESTATIS,
        ),
        KeyFigure("area_km2", "area", "km²", 2, Kind.OFFICIAL, _DESTATIS),
        KeyFigure(
            "density",
            "population density",
            "inhabitants/km²",
            1,
            Kind.DERIVED,
            "population / area of the Gemeinden (Destatis)",
            headline=True,
        ),
        KeyFigure(
            "n_units_under_5k",
            "administrative units under 5,000 inhabitants",
            kind=Kind.DERIVED,
            source=_AGGREGATED,
        ),
        KeyFigure(
            "n_units_under_10k",
            "administrative units under 10,000 inhabitants",
            kind=Kind.DERIVED,
            source=_AGGREGATED,
        ),
        KeyFigure(
            "share_units_under_10k",
            "share of administrative units under 10,000 inhabitants",
            decimals=2,
            kind=Kind.DERIVED,
            source=_AGGREGATED,
            percent=True,
            headline=True,
        ),
        KeyFigure(
            "share_pop_units_under_10k",
            "population share in administrative units under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_AGGREGATED,
            percent=True,
        ),
        KeyFigure(
            "n_under_5k", "Gemeinden under 5,000 inhabitants", kind=Kind.DERIVED, source=_DESTATIS
        ),
        KeyFigure(
            "n_under_10k", "Gemeinden under 10,000 inhabitants", kind=Kind.DERIVED, source=_DESTATIS
        ),
        KeyFigure(
            "share_pop_under_10k",
            "population share in Gemeinden under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_DESTATIS,
            percent=True,
        ),
        KeyFigure(
            "largest_municipality",
            "largest Gemeinde",
            decimals=None,
            kind=Kind.DERIVED,
            source=_DESTATIS,
        ),
        KeyFigure(
            "n_disagreements",
            "cells where aggregated and published units disagree",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "n_population_disagreements",
            "unit populations that disagree",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "n_area_disagreements",
            "unit areas that disagree (> 0.005 km²)",
            kind=Kind.DERIVED,
            source=f"Destatis aggregation against the {_PUBLISHED}",
        ),
        KeyFigure(
            "published_population",
            "population in the published unit table",
            kind=Kind.PUBLISHED,
            source=_PUBLISHED,
        ),
        KeyFigure(
            "boundaries",
            "boundary file",
            decimals=None,
            kind=Kind.OFFICIAL,
            source=_BOUNDARIES,
        ),
        KeyFigure(
            "national_share_units_under_10k",
            "Germany: share of administrative units under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_NATIONAL_UNITS,
            percent=True,
        ),
        KeyFigure(
            "national_n_units",
            "Germany: administrative units",
            kind=Kind.DERIVED,
            source=_NATIONAL_UNITS,
        ),
        KeyFigure(
            "national_share_municipalities_under_10k",
            "Germany: share of inhabited Gemeinden under 10,000",
            decimals=2,
            kind=Kind.DERIVED,
            source=_NATIONAL,
            percent=True,
        ),
        KeyFigure(
            "national_n_kreise",
            "Germany: Kreise with inhabited Gemeinden",
            kind=Kind.OFFICIAL,
            source=_NATIONAL,
        ),
        KeyFigure(
            "rank_share_units_under_10k",
            "rank among Kreise: share of administrative units under 10,000",
            kind=Kind.DERIVED,
            source=_NATIONAL_UNITS,
        ),
        KeyFigure(
            "rank_share_pop_units_under_10k",
            "rank among Kreise: population share in administrative units under 10,000",
            kind=Kind.DERIVED,
            source=_NATIONAL_UNITS,
        ),
        KeyFigure(
            "rank_median_unit_population",
            "rank among Kreise: median population of the administrative units",
            kind=Kind.DERIVED,
            source=_NATIONAL_UNITS,
        ),
        KeyFigure(
            "rank_share_pop_under_10k",
            "rank among Kreise: population share in Gemeinden under 10,000",
            kind=Kind.DERIVED,
            source=_NATIONAL,
        ),
        KeyFigure(
            "rank_median_population",
            "rank among Kreise: median population of the Gemeinden",
            kind=Kind.DERIVED,
            source=_NATIONAL,
        ),
    ),
    order=10,
    notebook="01_municipal_structure",
)
# The level each size figure counts at, so that a comparison can show one level at a time.
UNIT_FIGURES = (
    "n_units",
    "n_units_under_5k",
    "n_units_under_10k",
    "share_units_under_10k",
    "share_pop_units_under_10k",
    "national_share_units_under_10k",
    "national_n_units",
    "rank_share_units_under_10k",
    "rank_share_pop_units_under_10k",
    "rank_median_unit_population",
)
GEMEINDE_FIGURES = (
    "n_municipalities",
    "n_under_5k",
    "n_under_10k",
    "share_pop_under_10k",
    "largest_municipality",
    "national_share_municipalities_under_10k",
    "rank_share_pop_under_10k",
    "rank_median_population",
)

_NOT_THE_QUESTION = (
    "Inter-municipal cooperation inside it is not the question: the figures describe the "
    "district as a whole and place it among all German Kreise; there is no ranking of units."
)
_NOT_THE_QUESTION_DE = (
    "Interkommunale Zusammenarbeit innerhalb des Kreises ist hier nicht die Frage: Die Zahlen "
    "beschreiben den Kreis als Ganzes und ordnen ihn unter alle deutschen Kreise ein; eine "
    "Rangfolge der Einheiten gibt es nicht."
)

# Measures of the national position, named for a reader (the level is a column beside them).
MEASURE_LABELS = {
    "n_units": "number per Kreis",
    "n_municipalities": "number per Kreis",
    "median_population": "median population",
    "share_units_small": "% under 10,000 inhabitants",
    "share_municipalities_small": "% under 10,000 inhabitants",
    "share_pop_small": "% of population in those under 10,000",
}
UNIT_TABLE_LABELS = {
    "unit_key": "Key (ARS 1-9)",
    "unit_name": "Administrative unit",
    "unit_type": "Type",
    "n_municipalities": "Gemeinden",
    "population": "Inhabitants",
    "population_published": "Inhabitants (published)",
    "area_km2": "Area (km²)",
    "area_km2_published": "Area (km², published)",
}
QUANTITIES = {
    "population": "inhabitants",
    "area_km2": "area (km²)",
    "presence": "in one source only",
}


TABLES = {
    "units": TableSpec(UNIT_TABLE_LABELS, source="unit_table"),
    "disagreements": TableSpec(
        {
            "unit_name": "Administrative unit",
            "quantity": "Quantity",
            "aggregated": "Aggregated",
            "published": "Published",
            "difference": "Difference",
            "note": "Note",
        },
        translate=("quantity",),
        source="disagreement_table",
    ),
    "size_classes": TableSpec(
        {
            "size_class": "Size class (inhabitants)",
            "n_units": "administrative units",
            "percent_units": "% of units",
            "percent_population_units": "% of population (units)",
            "n_gemeinden": "Gemeinden",
            "percent_gemeinden": "% of Gemeinden",
            "percent_population_gemeinden": "% of population (Gemeinden)",
        },
        decimals=1,
        translate=("size_class",),
        caption="Size classes: administrative units and Gemeinden",
        source="size_class_comparison",
    ),
    "density": TableSpec(
        {
            "unit_name": "Administrative unit",
            "unit_type": "Type",
            "population": "Inhabitants",
            "area_km2": "Area (km²)",
            "density": "Inhabitants per km²",
        },
        decimals={"area_km2": 2, "density": 1},
        source="density",
    ),
    "statements": TableSpec(
        {
            "statement_id": "Statement",
            "start_year": "From",
            "end_year": "To",
            "value": "Value",
            "unit": "Unit",
            "approximate": "Approximate",
            "source": "Source",
        },
        decimals=1,
        translate=("unit",),
        source="statements",
    ),
    "demography": TableSpec(
        {
            "year": "Year",
            "population": "Inhabitants",
            "kind": "Kind of value",
            "approximate": "Approximate",
            "basis": "Based on",
        },
        translate=("kind",),
        source="demography_table",
    ),
    "national": TableSpec(
        {
            "level": "Level",
            "measure_label": "Measure",
            "value": "District",
            "median": "Median of the Kreise",
            "rank": "Rank",
            "n_kreise": "Kreise",
            "percentile": "Percentile",
        },
        decimals={"value": 1, "median": 1, "percentile": 2},
        translate=("level", "measure_label"),
        source="national_position",
    ),
    "lands": TableSpec(
        {
            "land_name": "Land",
            "n_units": "administrative units",
            "n_municipalities": "Gemeinden",
            "joint_types": "Joint administrations, each one unit",
            "share_units_small": "% of units under 10,000",
            "share_municipalities_small": "% of Gemeinden under 10,000",
            "share_pop_small_units": "% of population in units under 10,000",
            "share_pop_small_municipalities": "% of population in Gemeinden under 10,000",
        },
        decimals=1,
        caption="Size classes and comparison by Land: administrative units and Gemeinden",
        source="land_table",
    ),
}

register(
    {
        # key-figure labels
        "Municipal structure": "Gemeindestruktur",
        "administrative units": "Verwaltungseinheiten",
        "inhabitants": "Einwohner",
        "population date": "Stichtag der Bevölkerung",
        "area": "Fläche",
        "population density": "Bevölkerungsdichte",
        "administrative units under 5,000 inhabitants": (
            "Verwaltungseinheiten unter 5.000 Einwohnern"
        ),
        "administrative units under 10,000 inhabitants": (
            "Verwaltungseinheiten unter 10.000 Einwohnern"
        ),
        "share of administrative units under 10,000 inhabitants": (
            "Anteil der Verwaltungseinheiten unter 10.000 Einwohnern"
        ),
        "population share in administrative units under 10,000": (
            "Bevölkerungsanteil in Verwaltungseinheiten unter 10.000"
        ),
        "Gemeinden under 5,000 inhabitants": "Gemeinden unter 5.000 Einwohnern",
        "Gemeinden under 10,000 inhabitants": "Gemeinden unter 10.000 Einwohnern",
        "population share in Gemeinden under 10,000": (
            "Bevölkerungsanteil in Gemeinden unter 10.000"
        ),
        "largest Gemeinde": "größte Gemeinde",
        "cells where aggregated and published units disagree": (
            "Zellen, in denen aggregierte und veröffentlichte Einheiten abweichen"
        ),
        "unit populations that disagree": "abweichende Einwohnerzahlen der Einheiten",
        "unit areas that disagree (> 0.005 km²)": "abweichende Flächen der Einheiten (> 0,005 km²)",
        "population in the published unit table": "Bevölkerung laut veröffentlichter Tabelle",
        "boundary file": "Grenzdatei",
        "Germany: share of administrative units under 10,000": (
            "Deutschland: Anteil der Verwaltungseinheiten unter 10.000"
        ),
        "Germany: administrative units": "Deutschland: Verwaltungseinheiten",
        "Germany: share of inhabited Gemeinden under 10,000": (
            "Deutschland: Anteil der bewohnten Gemeinden unter 10.000"
        ),
        "Germany: Kreise with inhabited Gemeinden": "Deutschland: Kreise mit bewohnten Gemeinden",
        "rank among Kreise: share of administrative units under 10,000": (
            "Rang unter den Kreisen: Anteil der Verwaltungseinheiten unter 10.000"
        ),
        "rank among Kreise: population share in administrative units under 10,000": (
            "Rang unter den Kreisen: Bevölkerungsanteil in Verwaltungseinheiten unter 10.000"
        ),
        "rank among Kreise: median population of the administrative units": (
            "Rang unter den Kreisen: Median der Einwohnerzahl der Verwaltungseinheiten"
        ),
        "rank among Kreise: population share in Gemeinden under 10,000": (
            "Rang unter den Kreisen: Bevölkerungsanteil in Gemeinden unter 10.000"
        ),
        "rank among Kreise: median population of the Gemeinden": (
            "Rang unter den Kreisen: Median der Einwohnerzahl der Gemeinden"
        ),
        # position measures
        "number per Kreis": "Anzahl je Kreis",
        "median population": "Median der Einwohnerzahl",
        "% under 10,000 inhabitants": "% unter 10.000 Einwohnern",
        "% of population in those under 10,000": "% der Bevölkerung in denen unter 10.000",
        # table columns and values of notebook 01
        "Key (ARS 1-9)": "Schlüssel (ARS 1-9)",
        "Administrative unit": "Verwaltungseinheit",
        "Type": "Typ",
        "Inhabitants": "Einwohner",
        "Inhabitants (published)": "Einwohner (veröffentlicht)",
        "Area (km²)": "Fläche (km²)",
        "Area (km², published)": "Fläche (km², veröffentlicht)",
        "area (km²)": "Fläche (km²)",
        "in one source only": "nur in einer Quelle",
        "Quantity": "Größe",
        "Aggregated": "Aggregiert",
        "Published": "Veröffentlicht",
        "Difference": "Differenz",
        "Note": "Anmerkung",
        "Size class (inhabitants)": "Größenklasse (Einwohner)",
        "% of units": "% der Einheiten",
        "% of population (units)": "% der Bevölkerung (Einheiten)",
        "% of Gemeinden": "% der Gemeinden",
        "% of population (Gemeinden)": "% der Bevölkerung (Gemeinden)",
        "Size classes: administrative units and Gemeinden": (
            "Größenklassen: Verwaltungseinheiten und Gemeinden"
        ),
        "Inhabitants per km²": "Einwohner je km²",
        "Statement": "Aussage",
        "From": "Von",
        "To": "Bis",
        "Unit": "Einheit",
        "Approximate": "Ungefähr",
        "Year": "Jahr",
        "Kind of value": "Art des Werts",
        "Based on": "Grundlage",
        "stated": "angegeben",
        "projected": "projiziert",
        "persons": "Personen",
        "percent": "Prozent",
        "Level": "Ebene",
        "Measure": "Maß",
        "District": "Kreis",
        "Median of the Kreise": "Median der Kreise",
        "Rank": "Rang",
        "Kreise": "Kreise",
        "Percentile": "Perzentil",
        "Land": "Land",
        "Joint administrations, each one unit": "Gemeinsame Verwaltungen, je eine Einheit",
        "% of units under 10,000": "% der Einheiten unter 10.000",
        "% of population in units under 10,000": "% der Bevölkerung in Einheiten unter 10.000",
        "% of population in Gemeinden under 10,000": (
            "% der Bevölkerung in Gemeinden unter 10.000"
        ),
        "Size classes and comparison by Land: administrative units and Gemeinden": (
            "Größenvergleich nach Ländern: Verwaltungseinheiten und Gemeinden"
        ),
        "Key figure": "Kennzahl",
        "Value": "Wert",
        "Kind of figure": "Art der Kennzahl",
        "Source": "Quelle",
        "official": "amtlich",
        "derived": "abgeleitet",
        "published": "veröffentlicht",
        # sentences of describe() and the notes
        "{n} {noun}": "{n} {noun}",
        "Gemeinde": "Gemeinde",
        "administrative unit": "Verwaltungseinheit",
        "cell": "Zelle",
        "cells": "Zellen",
        "statement": "Aussage",
        "statements": "Aussagen",
        "{gemeinden} in {units}, {population} inhabitants on {date}, {area} km²": (
            "{gemeinden} in {units}, {population} Einwohner am {date}, {area} km²"
        ),
        "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden: the "
        "district has no joint administration.": (
            "{n_single} der {n_units} Verwaltungseinheiten sind verbandsfreie Gemeinden: Der "
            "Kreis hat keine gemeinsame Verwaltung."
        ),
        "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden "
        "(Einheitsgemeinden); the other one is a joint administration: {listing}.": (
            "{n_single} der {n_units} Verwaltungseinheiten sind verbandsfreie Gemeinden "
            "(Einheitsgemeinden); die übrige ist eine gemeinsame Verwaltung: {listing}."
        ),
        "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden "
        "(Einheitsgemeinden); the other {n_joint} are joint administrations: {listing}.": (
            "{n_single} der {n_units} Verwaltungseinheiten sind verbandsfreie Gemeinden "
            "(Einheitsgemeinden); die übrigen {n_joint} sind gemeinsame Verwaltungen: {listing}."
        ),
        "a kreisfreie Stadt": "eine kreisfreie Stadt",
        "a Stadtkreis": "ein Stadtkreis",
        "a single Gemeinde": "eine einzige Gemeinde",
        "{name} is {kind}: the district is a single municipality and one administrative "
        "unit. " + _NOT_THE_QUESTION: (
            "{name} ist {kind}: Der Kreis ist eine einzige Gemeinde und eine "
            "Verwaltungseinheit. " + _NOT_THE_QUESTION_DE
        ),
        "All {n} Gemeinden of {name} form one administrative unit ({unit}), so the district is "
        "one administrative unit. " + _NOT_THE_QUESTION: (
            "Alle {n} Gemeinden von {name} bilden eine Verwaltungseinheit ({unit}); der Kreis "
            "ist also eine Verwaltungseinheit. " + _NOT_THE_QUESTION_DE
        ),
        "{listed} and {more} more": "{listed} und {more} weitere",
        "The Kreis also holds 1 uninhabited gemeindefreies Gebiet ({area} km²: {listed}); "
        "it is not a municipality, forms no administrative unit and is left out of every "
        "table, figure and count.": (
            "Zum Kreis gehört außerdem 1 unbewohntes gemeindefreies Gebiet ({area} km²: "
            "{listed}); es ist keine Gemeinde, bildet keine Verwaltungseinheit und fehlt in "
            "allen Tabellen, Abbildungen und Zählungen."
        ),
        "The Kreis also holds {n} uninhabited gemeindefreie Gebiete ({area} km²: {listed}); "
        "they are not municipalities, form no administrative unit and are left out of every "
        "table, figure and count.": (
            "Zum Kreis gehören außerdem {n} unbewohnte gemeindefreie Gebiete ({area} km²: "
            "{listed}); sie sind keine Gemeinden, bilden keine Verwaltungseinheit und fehlen in "
            "allen Tabellen, Abbildungen und Zählungen."
        ),
        "The table lists the aggregated administrative units.": (
            "Die Tabelle zeigt die aggregierten Verwaltungseinheiten."
        ),
        "population total: aggregated {aggregated}, published {published}": (
            "Bevölkerung insgesamt: aggregiert {aggregated}, veröffentlicht {published}"
        ),
        "not given": "nicht angegeben",
        "published table: {source}": "veröffentlichte Tabelle: {source}",
        "{cells} where the two sources disagree (second table below).": (
            "{cells}, in denen die beiden Quellen abweichen (zweite Tabelle unten)."
        ),
        "{cells} where the two sources disagree.": (
            "{cells}, in denen die beiden Quellen abweichen."
        ),
        "1 unit appears in one source only: {names}": (
            "1 Einheit steht nur in einer Quelle: {names}"
        ),
        "{n} units appear in one source only: {names}": (
            "{n} Einheiten stehen nur in einer Quelle: {names}"
        ),
        "{findings}. The Gemeinde-level Destatis figures are used in the rest of the suite.": (
            "{findings}. Im Weiteren werden die Destatis-Zahlen je Gemeinde verwendet."
        ),
        "the published table gives no unit areas to compare": (
            "die veröffentlichte Tabelle nennt keine Flächen zum Vergleich"
        ),
        "areas agree within {tolerance} km²": "Flächen stimmen auf {tolerance} km² überein",
        "1 unit area differs by at most {largest} km² ({hectares} ha), small enough to come "
        "from different survey or rounding states of the cadastre": (
            "1 Fläche weicht um höchstens {largest} km² ({hectares} ha) ab, wenig genug für "
            "unterschiedliche Vermessungs- oder Rundungsstände des Katasters"
        ),
        "{n} unit areas differ by at most {largest} km² ({hectares} ha), small enough to come "
        "from different survey or rounding states of the cadastre": (
            "{n} Flächen weichen um höchstens {largest} km² ({hectares} ha) ab, wenig genug für "
            "unterschiedliche Vermessungs- oder Rundungsstände des Katasters"
        ),
        "1 unit area differs by at most {largest} km² ({hectares} ha), more than rounding "
        "explains: check the Gebietsstand of both sources": (
            "1 Fläche weicht um höchstens {largest} km² ({hectares} ha) ab, mehr als Rundung "
            "erklärt: Gebietsstand beider Quellen prüfen"
        ),
        "{n} unit areas differ by at most {largest} km² ({hectares} ha), more than rounding "
        "explains: check the Gebietsstand of both sources": (
            "{n} Flächen weichen um höchstens {largest} km² ({hectares} ha) ab, mehr als "
            "Rundung erklärt: Gebietsstand beider Quellen prüfen"
        ),
        "the published table gives no unit populations to compare": (
            "die veröffentlichte Tabelle nennt keine Einwohnerzahlen zum Vergleich"
        ),
        "populations agree exactly": "Einwohnerzahlen stimmen genau überein",
        "1 unit population differs, by up to {largest} inhabitants: check the population "
        "dates of both sources": (
            "1 Einwohnerzahl weicht ab, um bis zu {largest} Einwohner: Stichtage beider Quellen "
            "prüfen"
        ),
        "{n} unit populations differ, by up to {largest} inhabitants: check the "
        "population dates of both sources": (
            "{n} Einwohnerzahlen weichen ab, um bis zu {largest} Einwohner: Stichtage beider "
            "Quellen prüfen"
        ),
        "district: {density} inhabitants per km²": "Kreis: {density} Einwohner je km²",
        "one administrative unit: no ranking of units by density.": (
            "eine Verwaltungseinheit: keine Rangfolge der Einheiten nach Dichte."
        ),
        "units: from {low} ({low_name}) to {high} ({high_name})": (
            "Einheiten: von {low} ({low_name}) bis {high} ({high_name})"
        ),
        "boundaries: {source}": "Grenzen: {source}",
        "  {check}: {values}": "  {check}: {values}",
        "Gemeinden without a polygon": "Gemeinden ohne Polygon",
        "polygons not in the municipality table": (
            "Polygone, die nicht in der Gemeindetabelle stehen"
        ),
        "ARS differs between the sources": "ARS weicht zwischen den Quellen ab",
        "none": "keine",
        "  1 uninhabited gemeindefreies Gebiet left blank (not a municipality)": (
            "  1 unbewohntes gemeindefreies Gebiet frei gelassen (keine Gemeinde)"
        ),
        "  {n} uninhabited gemeindefreie Gebiete left blank (not municipalities)": (
            "  {n} unbewohnte gemeindefreie Gebiete frei gelassen (keine Gemeinden)"
        ),
        "{statements} by {sources}": "{statements} aus {sources}",
        "population {first}–{last}: {stated} stated, {derived} derived from a stated "
        "change, {projected} projected; derived and projected values are not published "
        "counts.": (
            "Bevölkerung {first}–{last}: {stated} angegeben, {derived} aus einer angegebenen "
            "Veränderung abgeleitet, {projected} projiziert; abgeleitete und projizierte Werte "
            "sind keine veröffentlichten Zahlen."
        ),
        "Kreis {kreis} has no inhabited Gemeinde in {file}: no position.": (
            "Kreis {kreis} hat in {file} keine bewohnte Gemeinde: keine Einordnung."
        ),
        "National comparison at the level of administrative units: every Gemeindeverband "
        "counts as one unit (Amt, Samtgemeinde, Verbandsgemeinde, Verwaltungsgemeinschaft, "
        "Verwaltungsverband, Gemeindeverwaltungsverband), every verbandsfreie Gemeinde as "
        "one; Verwaltungsgemeinschaften count as units because their members share one "
        "administration, as the members of a Samtgemeinde or Verbandsgemeinde do "
        "(ikzlib.destatis, 'Administrative units'). Germany has {n_units} such units, "
        "{share_units} % of them under {limit} inhabitants, against {share_gemeinden} % of "
        "its {n_gemeinden} Gemeinden.": (
            "Bundesvergleich auf der Ebene der Verwaltungseinheiten: Jeder Gemeindeverband "
            "zählt als eine Einheit (Amt, Samtgemeinde, Verbandsgemeinde, "
            "Verwaltungsgemeinschaft, Verwaltungsverband, Gemeindeverwaltungsverband), jede "
            "verbandsfreie Gemeinde als eine; Verwaltungsgemeinschaften zählen als Einheiten, "
            "weil ihre Mitglieder eine gemeinsame Verwaltung haben, wie die Mitglieder einer "
            "Samtgemeinde oder Verbandsgemeinde (ikzlib.destatis, 'Administrative units'). "
            "Deutschland hat {n_units} solcher Einheiten, {share_units} % davon unter {limit} "
            "Einwohnern, gegenüber {share_gemeinden} % seiner {n_gemeinden} Gemeinden."
        ),
        "Counted per administrative unit, {units} of {n_units} have fewer than {limit} "
        "inhabitants ({units_5k} fewer than {very_limit}); counted per Gemeinde, "
        "{gemeinden} of {n_gemeinden} ({gemeinden_5k} fewer than {very_limit}). Tables, "
        "figures and the national comparison count administrative units first, the level at "
        "which the district's administrations work; the Gemeinde figures stand beside them.": (
            "Je Verwaltungseinheit gezählt haben {units} von {n_units} weniger als {limit} "
            "Einwohner ({units_5k} weniger als {very_limit}); je Gemeinde gezählt {gemeinden} "
            "von {n_gemeinden} ({gemeinden_5k} weniger als {very_limit}). Tabellen, Abbildungen "
            "und der Bundesvergleich zählen zuerst Verwaltungseinheiten, die Ebene, auf der die "
            "Verwaltungen des Kreises arbeiten; die Zahlen je Gemeinde stehen daneben."
        ),
        "The district is a single Gemeinde of {population} inhabitants (fewer than "
        "{limit}): there is no size distribution of Gemeinden.": (
            "Der Kreis ist eine einzige Gemeinde mit {population} Einwohnern (weniger als "
            "{limit}): Es gibt keine Größenverteilung der Gemeinden."
        ),
        "The district is a single Gemeinde of {population} inhabitants (not fewer "
        "than {limit}): there is no size distribution of Gemeinden.": (
            "Der Kreis ist eine einzige Gemeinde mit {population} Einwohnern (nicht weniger "
            "als {limit}): Es gibt keine Größenverteilung der Gemeinden."
        ),
        "The one administrative unit has {population} inhabitants.": (
            "Die eine Verwaltungseinheit hat {population} Einwohner."
        ),
        "Administrative units: {small} of the {total} have fewer than {limit} inhabitants "
        "({very_small} fewer than {very_limit}); they hold {share} % of the population.": (
            "Verwaltungseinheiten: {small} der {total} haben weniger als {limit} Einwohner "
            "({very_small} weniger als {very_limit}); in ihnen leben {share} % der Bevölkerung."
        ),
        "Gemeinden: {small} of the {total} have fewer than {limit} inhabitants "
        "({very_small} fewer than {very_limit}); they hold {share} % of the population.": (
            "Gemeinden: {small} der {total} haben weniger als {limit} Einwohner "
            "({very_small} weniger als {very_limit}); in ihnen leben {share} % der Bevölkerung."
        ),
        "data: {source}": "Daten: {source}",
        "Administrative units: {n_units} in Germany, {share} % of them under {limit} "
        "inhabitants ({share_pop} % of the population lives in them).": (
            "Verwaltungseinheiten: {n_units} in Deutschland, {share} % davon unter {limit} "
            "Einwohnern (in ihnen leben {share_pop} % der Bevölkerung)."
        ),
        "Gemeinden: {n} inhabited Gemeinden (the {n_uninhabited} uninhabited "
        "gemeindefreie Gebiete are not counted); {share} % of them have fewer than {limit} "
        "inhabitants ({share_pop} % of the population lives in them); {n_kreise} Kreise.": (
            "Gemeinden: {n} bewohnte Gemeinden (die {n_uninhabited} unbewohnten "
            "gemeindefreien Gebiete zählen nicht); {share} % davon haben weniger als {limit} "
            "Einwohner (in ihnen leben {share_pop} % der Bevölkerung); {n_kreise} Kreise."
        ),
        "Kreis {kreis} has no inhabited Gemeinde in the data.": (
            "Kreis {kreis} hat in den Daten keine bewohnte Gemeinde."
        ),
    }
)

PARTS = ("district", "units", "size_classes", "density", "map", "demography", "national")
_UNIT_COLUMNS = ["unit_key", "unit_name", "unit_type", "n_municipalities", "population", "area_km2"]
_DENSITY_COLUMNS = ["unit_name", "unit_type", "population", "area_km2", "density"]
_STATEMENT_COLUMNS = ["statement_id", "start_year", "end_year", "value", "unit", "approximate"]


@dataclass(frozen=True, kw_only=True, eq=False)
class StructureStudy(Study):
    """Result of :func:`run`: the district's municipal structure and its context.

    Attributes
    ----------
    municipalities
        Municipality model (:mod:`ikzlib.municipalities`), one row per Gemeinde.
    units
        Administrative units (:func:`ikzlib.municipalities.administrative_units`).
    size_classes, municipality_size_classes
        Administrative units (the default level) and Gemeinden per size class, with their
        population (:func:`ikzlib.structure.size_class_table`); ``None`` for a district of a
        single Gemeinde.
    density
        Units sorted by density (``unit_name``, ``unit_type``, ``population``, ``area_km2``,
        ``density``); ``None`` for a district of a single administrative unit.
    district_density
        Inhabitants per km² of the whole district.
    population_date
        Stichtag(e) of the population figures, ``;``-separated.
    source
        Publications behind the municipality table.
    published, side_by_side, disagreements
        The published unit table, both sources next to each other and every cell where they
        disagree (:func:`ikzlib.structure.compare_units`); ``None`` without a published table.
    uninhabited
        Uninhabited gemeindefreie Gebiete of the Kreis in the embedded extract (``ags``,
        ``name``, ``area_km2``): not municipalities, never units, not in the tables above.
    boundary_file, boundary_source, polygons, outline
        The BKG file used (the embedded ``vg5000_gem.parquet`` when there is none in the
        reference folder), what it is, the Gemeinden joined to their polygons and the Kreis
        outline; ``None`` without boundaries.
    demography, demography_series
        Demographic statements of a study and the population by year derived from them;
        ``None`` without statements.
    gv_file, national_source
        The Germany-wide Destatis data (``gv_file``: the file given, else the embedded
        ``municipalities.parquet``) and what it is; ``None`` without national data, as are
        the tables below.
    national_units, kreis_units, unit_position
        At the level of administrative units (:func:`ikzlib.destatis.national_units`): the
        national shares (:func:`ikzlib.destatis.national_small_unit_share`), one row per
        Kreis (:func:`ikzlib.destatis.kreis_unit_comparison`) and the district's position
        among them (:data:`ikzlib.destatis.UNIT_POSITION_MEASURES`).
    national, kreise, position
        The same at the level of Gemeinden
        (:func:`ikzlib.destatis.national_small_municipality_share`,
        :func:`ikzlib.destatis.kreis_comparison`, :func:`ikzlib.destatis.district_position`).
    lands
        Both levels per Land (:func:`ikzlib.destatis.land_comparison`).
    """

    municipalities: pd.DataFrame
    units: pd.DataFrame
    size_classes: pd.DataFrame | None
    municipality_size_classes: pd.DataFrame | None
    density: pd.DataFrame | None
    district_density: float
    population_date: str
    source: str
    uninhabited: pd.DataFrame | None = None
    published: pd.DataFrame | None = None
    side_by_side: pd.DataFrame | None = None
    disagreements: pd.DataFrame | None = None
    boundary_file: Path | None = None
    boundary_source: str | None = None
    polygons: gpd.GeoDataFrame | None = None
    outline: gpd.GeoDataFrame | None = None
    demography: pd.DataFrame | None = None
    demography_series: pd.DataFrame | None = None
    gv_file: Path | None = None
    national_source: str | None = None
    national_units: dict[str, float | int] | None = None
    kreis_units: pd.DataFrame | None = None
    unit_position: pd.DataFrame | None = None
    national: dict[str, float | int] | None = None
    kreise: pd.DataFrame | None = None
    position: pd.DataFrame | None = None
    lands: pd.DataFrame | None = None

    @property
    def unit_table(self) -> pd.DataFrame:
        """Units next to the published table when there is one, else the units alone."""
        return self.side_by_side if self.side_by_side is not None else self.units[_UNIT_COLUMNS]

    @property
    def national_label(self) -> str | None:
        """Short name of the national data for a figure's source line (``None`` without it).

        The file name of ``gv_file``, or ``Auszug GV <Gebietsstand> (embedded extract)``.
        """
        if self.gv_file is None or self.national_source is None:
            return None
        if EMBEDDED_LABEL not in self.national_source:
            return self.gv_file.name
        stand = re.search(r"Gebietsstand (\d{2}\.\d{2}\.\d{4})", self.national_source)
        date = f" {stand.group(1)}" if stand else ""
        return f"Auszug GV{date} ({EMBEDDED_LABEL})"

    @property
    def single_unit(self) -> bool:
        """Whether the district is one administrative unit (e.g. a kreisfreie Stadt)."""
        return len(self.units) == 1

    @property
    def size_class_comparison(self) -> pd.DataFrame | None:
        """Size classes of administrative units and of Gemeinden side by side, in percent.

        Columns ``size_class``, then per level (``units``, ``gemeinden``) ``n_<level>``,
        ``percent_<level>`` (of the units or Gemeinden) and ``percent_population_<level>``
        (of the district population), percentages to one decimal; ``None`` without size
        classes.
        """
        if self.size_classes is None or self.municipality_size_classes is None:
            return None
        table = self.size_classes[["size_class"]].astype(str)
        for level, classes in (
            ("units", self.size_classes),
            ("gemeinden", self.municipality_size_classes),
        ):
            table[f"n_{level}"] = classes["n"]
            table[f"percent_{level}"] = (100 * classes["share_n"]).round(1)
            table[f"percent_population_{level}"] = (100 * classes["share_population"]).round(1)
        return table

    @property
    def national_position(self) -> pd.DataFrame | None:
        """The district's position among the Kreise at both levels (``level`` column first).

        Rows of :attr:`unit_position` (``level`` ``"administrative units"``), then of
        :attr:`position` (``"Gemeinden"``), with ``measure_label`` for a reader and shares
        (``value``, ``median``) in percent; ``None`` without a position.
        """
        if self.position is None or self.unit_position is None:
            return None
        parts = [
            frame.assign(level=LEVELS[level])
            for level, frame in (("units", self.unit_position), ("gemeinden", self.position))
        ]
        table = pd.concat(parts, ignore_index=True)
        shares = table["measure"].str.startswith("share_")
        for column in ("value", "median"):
            table[column] = table[column].where(~shares, 100 * table[column])
        table.insert(1, "measure_label", table["measure"].map(MEASURE_LABELS))
        return table[["level", "measure_label", *self.position.columns]]

    @property
    def statements(self) -> pd.DataFrame | None:
        """The demographic statements without their notes, years as text (``None`` without)."""
        if self.demography is None:
            return None
        table = self.demography[[*_STATEMENT_COLUMNS, "source"]].copy()
        for column in ("start_year", "end_year"):
            table[column] = table[column].astype(str)  # a year is a name, not a count
        return table

    @property
    def demography_table(self) -> pd.DataFrame | None:
        """Population by year for reading: years as text, populations rounded to persons."""
        if self.demography_series is None:
            return None
        table = self.demography_series.copy()
        table["year"] = table["year"].astype(str)
        table["population"] = table["population"].round().astype("int64")
        return table

    @property
    def disagreement_table(self) -> pd.DataFrame | None:
        """:attr:`disagreements` with the quantity named for a reader (``None`` without)."""
        if self.disagreements is None:
            return None
        return self.disagreements.assign(quantity=self.disagreements["quantity"].map(QUANTITIES))

    @property
    def land_table(self) -> pd.DataFrame | None:
        """Both levels per Land (:attr:`lands`) with the shares in percent (one decimal)."""
        if self.lands is None:
            return None
        table = self.lands.copy()
        for column in [c for c in table if c.startswith("share_")]:
            table[column] = (100 * table[column]).round(1)
        return table

    def table(self, name: str, lang: str = "en") -> Table | None:
        """One of the study's tables (:data:`TABLES`) for reading, in ``lang``.

        Human column names, formatted numbers, no index (:func:`ikzlib.display.table`);
        ``None`` when the study lacks that part (e.g. no published unit table).
        """
        if name not in TABLES:
            raise ParameterError(f"table {name!r}: choose one of {', '.join(TABLES)}")
        spec = TABLES[name]
        frame = getattr(self, spec.source)
        if frame is None or frame.empty:
            return None
        return spec.show(frame, lang)

    @property
    def has_polygons(self) -> bool:
        """Whether Gemeinde polygons are available to draw."""
        return self.polygons is not None and bool(self.polygons.geometry.notna().any())

    def describe(self, part: str, lang: str = "en") -> str:
        """Sentences about one part of the study (one of :data:`PARTS`), generated from the data.

        ``lang`` ``"de"`` renders the sentences in German with German numbers (1.234,5);
        texts from other modules without a German template (e.g. the catalog's notes on
        missing inputs) stay English.
        """
        if part not in _DESCRIBERS:
            raise ParameterError(f"part {part!r}: choose one of {', '.join(PARTS)}")
        check_language(lang)
        return "\n".join(tr(line, lang) for line in _DESCRIBERS[part](self))


# --- run ------------------------------------------------------------------------------------

NO_BOUNDARY_NOTE = (
    "No boundaries: neither a BKG boundary file (VG250 or VG5000) in the reference folder nor "
    "the embedded VG5000 extract (data/raw/germany) was found, so the map shows the centre "
    "points only. To add one: put the BKG product in the reference folder "
    "(IKZ_REFERENCE_DIR), pass boundary_file, or rebuild the extract (python -m ikzlib.germany)."
)
NO_NATIONAL_NOTE = (
    "The embedded nationwide extract (data/raw/germany) is missing, so the national "
    "comparison is skipped. To add it: rebuild it (python -m ikzlib.germany) or pass gv_file "
    "(a Destatis Auszug GV workbook or GV100AD file)."
)
register(
    {
        NO_BOUNDARY_NOTE: (
            "Keine Grenzen: Weder eine BKG-Grenzdatei (VG250 oder VG5000) im Referenzordner "
            "noch der eingebettete VG5000-Auszug (data/raw/germany) wurde gefunden; die Karte "
            "zeigt daher nur die Mittelpunkte. Ergänzen: das BKG-Produkt in den Referenzordner "
            "legen (IKZ_REFERENCE_DIR), boundary_file angeben oder den Auszug neu bauen "
            "(python -m ikzlib.germany)."
        ),
        NO_NATIONAL_NOTE: (
            "Der eingebettete bundesweite Auszug (data/raw/germany) fehlt, daher entfällt der "
            "Bundesvergleich. Ergänzen: ihn neu bauen (python -m ikzlib.germany) oder gv_file "
            "angeben (eine Destatis-Auszug-GV-Arbeitsmappe oder GV100AD-Datei)."
        ),
    }
)
EMBEDDED_LABEL = "embedded extract"
_UNINHABITED_LISTED = 6  # names of uninhabited areas listed in a note before "and N more"


@dataclass(frozen=True)
class _Part:
    """Result fields of one optional part of the study, and its notes."""

    fields: dict[str, Any]
    notes: tuple[str, ...] = ()


def run(
    district: str | District,
    *,
    gv_file: str | Path | None = None,
    boundary_file: str | Path | None = None,
) -> StructureStudy:
    """Compute the municipal structure of ``district``.

    Parameters
    ----------
    district
        Catalog key or resolved :class:`~ikzlib.catalog.District`.
    gv_file
        Destatis Gemeindeverzeichnis for the national comparison: an "Auszug GV" workbook
        of any release since 2013 or a GV100AD text file
        (:func:`ikzlib.destatis.read_units`); ``None`` uses the embedded extract of the Auszug
        GV 31.12.2021 (:func:`ikzlib.destatis.extract_units`).
    boundary_file
        BKG VG250/VG5000 municipality layer; ``None`` looks in the reference folder
        (:func:`ikzlib.boundaries.discover_boundary_file`) and else uses the embedded,
        generalised VG5000 layer (:func:`ikzlib.germany.boundaries`).

    Returns
    -------
    StructureStudy
        Tables, figure inputs, key figures and notes; draws and writes nothing.

    Raises
    ------
    ParameterError
        When ``gv_file`` or ``boundary_file`` is given but is not an existing file.
    DataValidationError
        When ``gv_file`` is not a Gemeindeverzeichnis the readers accept.
    """
    district = resolve(district)
    gv_path = _file_parameter("gv_file", gv_file)
    boundary_path = (
        _file_parameter("boundary_file", boundary_file) or boundaries.discover_boundary_file()
    )
    municipalities = load_municipalities(district)
    units = administrative_units(municipalities)
    parts = (
        _published_part(district, units),
        _boundary_part(district, municipalities, boundary_path),
        _demography_part(district),
        _national_part(district, gv_path),
    )
    study = StructureStudy(
        district=district,
        key_figures=KeyFigures(SECTION),
        municipalities=municipalities,
        units=units,
        size_classes=size_class_table(municipalities) if len(municipalities) > 1 else None,
        municipality_size_classes=(
            size_class_table(municipalities, level="gemeinden") if len(municipalities) > 1 else None
        ),
        density=units.sort_values("density")[_DENSITY_COLUMNS] if len(units) > 1 else None,
        district_density=float(
            municipalities["population"].sum() / municipalities["area_km2"].sum()
        ),
        population_date=";".join(sorted(set(municipalities["population_date"]))),
        source=source_summary(municipalities),
        uninhabited=_uninhabited_areas(district),
        **{name: value for part in parts for name, value in part.fields.items()},
    )
    study = replace(study, key_figures=_key_figures(study))
    findings = (
        *_joint_administration_lines(study),
        *_size_finding(study),
        *_agreement_lines(study),
        *_uninhabited_lines(study),
    )
    notes = (*findings, *(note for part in parts for note in part.notes))
    return replace(study, notes=notes)


def _size_finding(study: StructureStudy) -> list[Message]:
    """Small units against small Gemeinden, when the two counts tell different stories."""
    if study.size_classes is None or study.single_unit:
        return []
    figures = study.key_figures
    return [
        Message(
            "Counted per administrative unit, {units} of {n_units} have fewer than {limit} "
            "inhabitants ({units_5k} fewer than {very_limit}); counted per Gemeinde, "
            "{gemeinden} of {n_gemeinden} ({gemeinden_5k} fewer than {very_limit}). Tables, "
            "figures and the national comparison count administrative units first, the level at "
            "which the district's administrations work; the Gemeinde figures stand beside them.",
            units=figures["n_units_under_10k"].value,
            n_units=len(study.units),
            limit=SMALL,
            units_5k=figures["n_units_under_5k"].value,
            very_limit=VERY_SMALL,
            gemeinden=figures["n_under_10k"].value,
            n_gemeinden=figures["n_municipalities"].value,
            gemeinden_5k=figures["n_under_5k"].value,
        )
    ]


def _file_parameter(name: str, value: str | Path | None) -> Path | None:
    """``value`` as an existing file, ``None`` for ``None``; else :class:`ParameterError`."""
    if value is None:
        return None
    if not isinstance(value, (str, Path)) or not str(value):
        raise ParameterError(f"parameter {name}={value!r}: a file path or None is required")
    path = Path(value)
    if not path.is_file():
        raise ParameterError(f"parameter {name}={value!r}: no such file")
    return path


def _uninhabited_areas(district: District) -> pd.DataFrame | None:
    """The Kreis's uninhabited gemeindefreie Gebiete from the embedded extract (if present)."""
    try:
        everything = germany.municipalities()
    except DataValidationError:
        return None
    rows = everything[everything["kreis_key"].eq(district.kreis_key) & ~everything["inhabited"]]
    return rows[["ags", "name", "area_km2"]].reset_index(drop=True)


def _published_part(district: District, units: pd.DataFrame) -> _Part:
    """Published unit table, side-by-side table and disagreements (or a note)."""
    if not district.inputs.has("published_units"):
        return _Part({}, (district.inputs.missing_note("published_units"),))
    published = read_published_units(district.inputs.path("published_units"))
    return _Part(
        {
            "published": published,
            "side_by_side": units_side_by_side(units, published),
            "disagreements": compare_units(units, published, area_tolerance=AREA_TOLERANCE),
        }
    )


def _boundary_part(district: District, municipalities: pd.DataFrame, path: Path | None) -> _Part:
    """Gemeinde polygons and the Kreis outline from a BKG file, else the embedded layer."""
    if path is None:
        return _embedded_boundary_part(district, municipalities)
    polygons = boundaries.municipality_boundaries(path, municipalities)
    source = f"BKG boundary file {path.name} ({path.parent.name})"
    try:
        outline = boundaries.district_outline(path, district.kreis_key)
    except DataValidationError as exc:
        return _polygon_part(path, source, polygons, None, f"No district outline: {exc}.")
    return _polygon_part(path, source, polygons, outline)


def _embedded_boundary_part(district: District, municipalities: pd.DataFrame) -> _Part:
    """Polygons and outline from the embedded VG5000 extract (or a note without it)."""
    try:
        gem, krs = germany.boundaries("GEM"), germany.boundaries("KRS")
    except DataValidationError:
        return _Part({}, (NO_BOUNDARY_NOTE,))
    polygons = boundaries.join_polygons(municipalities, gem)
    outline = krs[krs["AGS"].eq(district.kreis_key)].reset_index(drop=True)
    path = germany.data_dir() / germany.FILES["GEM"]
    if outline.empty:
        note = f"No district outline: Kreis {district.kreis_key} is not in the embedded KRS layer."
        return _polygon_part(path, _embedded_boundary_source(), polygons, None, note)
    return _polygon_part(path, _embedded_boundary_source(), polygons, outline)


def _polygon_part(
    path: Path,
    source: str,
    polygons: gpd.GeoDataFrame,
    outline: gpd.GeoDataFrame | None,
    note: str | None = None,
) -> _Part:
    """The boundary fields, with notes on Gemeinden without polygon and a missing outline."""
    unmatched = polygons.attrs["unmatched_ags"]
    notes = [note] if note else []
    if unmatched:
        listed = ", ".join(unmatched)
        notes.insert(0, f"{len(unmatched)} Gemeinde(n) have no polygon in {path.name}: {listed}.")
    fields = {"boundary_file": path, "boundary_source": source, "polygons": polygons}
    if outline is not None:
        fields["outline"] = outline
    return _Part(fields, tuple(notes))


def _embedded_boundary_source() -> str:
    """What the embedded boundary layer is: product, Stichtag (from the extract's README), file."""
    readme = germany.data_dir() / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    match = re.search(r"VG5000[^|\n]*\|[^|\n]*\|\s*(\d{2}\.\d{2}\.\d{4})", text)
    stichtag = f" {match.group(1)}" if match else ""
    return (
        f"BKG VG5000{stichtag}, {EMBEDDED_LABEL} data/raw/germany/{germany.FILES['GEM']} "
        "(generalised)"
    )


def _demography_part(district: District) -> _Part:
    """Demographic statements and the series derived from them (or a note)."""
    if not district.inputs.has("demography"):
        return _Part({}, (district.inputs.missing_note("demography"),))
    statements = read_demography(district.inputs.path("demography"))
    return _Part({"demography": statements, "demography_series": demography_series(statements)})


def _national_part(district: District, path: Path | None) -> _Part:
    """National shares, Kreis comparisons and the district's position at both levels."""
    data = _national_file(path)
    if not data.is_file():
        return _Part({}, (NO_NATIONAL_NOTE,))
    tables = national_tables(path)
    found = {
        "gv_file": data,
        "national_source": tables.source,
        "national_units": tables.national_units,
        "kreis_units": tables.kreis_units,
        "national": tables.national,
        "kreise": tables.kreise,
        "lands": tables.lands,
    }
    notes = [_unit_rule_note(tables)]
    if district.kreis_key not in set(tables.kreise["kreis_key"]):
        note = Message(
            "Kreis {kreis} has no inhabited Gemeinde in {file}: no position.",
            kreis=district.kreis_key,
            file=data.name,
        )
        return _Part(found, (*notes, note))
    key = district.kreis_key
    positions = {
        "unit_position": destatis.district_position(
            tables.kreis_units, key, destatis.UNIT_POSITION_MEASURES
        ),
        "position": destatis.district_position(tables.kreise, key),
    }
    return _Part({**found, **positions}, tuple(notes))


def _national_file(path: Path | None) -> Path:
    """The Germany-wide data file: ``path``, else the embedded extract's municipality table."""
    return path if path is not None else germany.data_dir() / germany.FILES["municipalities"]


def _unit_rule_note(tables: NationalTables) -> Message:
    """How units are counted nationwide, and what it does to the national share."""
    units, gemeinden = tables.national_units, tables.national
    return Message(
        "National comparison at the level of administrative units: every Gemeindeverband "
        "counts as one unit (Amt, Samtgemeinde, Verbandsgemeinde, Verwaltungsgemeinschaft, "
        "Verwaltungsverband, Gemeindeverwaltungsverband), every verbandsfreie Gemeinde as "
        "one; Verwaltungsgemeinschaften count as units because their members share one "
        "administration, as the members of a Samtgemeinde or Verbandsgemeinde do "
        "(ikzlib.destatis, 'Administrative units'). Germany has {n_units} such units, "
        "{share_units} % of them under {limit} inhabitants, against {share_gemeinden} % of "
        "its {n_gemeinden} Gemeinden.",
        n_units=units["n_units"],
        share_units=Number(100 * units["share_small"], 1),
        limit=SMALL,
        share_gemeinden=Number(100 * gemeinden["share_small"], 1),
        n_gemeinden=gemeinden["n_municipalities"],
    )


class NationalTables(NamedTuple):
    """The Germany-wide comparison tables of one Destatis file.

    Attributes
    ----------
    kreise, national
        Gemeinde level: :func:`ikzlib.destatis.kreis_comparison` and
        :func:`ikzlib.destatis.national_small_municipality_share`.
    kreis_units, national_units
        Unit level: :func:`ikzlib.destatis.kreis_unit_comparison` and
        :func:`ikzlib.destatis.national_small_unit_share`.
    lands
        Both levels per Land (:func:`ikzlib.destatis.land_comparison`).
    source
        The publication(s) behind the tables.
    """

    kreise: pd.DataFrame
    national: dict[str, float | int]
    kreis_units: pd.DataFrame
    national_units: dict[str, float | int]
    lands: pd.DataFrame
    source: str


def national_tables(path: Path | None = None) -> NationalTables:
    """The national comparison tables of a Destatis file or the embedded extract, as copies.

    They are computed once per process for each file and version (resolved path and
    modification time, so a changed file is read again); every call returns fresh copies,
    so a caller may change its tables without touching the cache.

    Parameters
    ----------
    path
        A Gemeindeverzeichnis file (:func:`ikzlib.destatis.read_units`); ``None``: the
        embedded extract (:func:`ikzlib.destatis.extract_units`).

    Raises
    ------
    DataValidationError
        When the file (or the embedded extract) is missing or not a Gemeindeverzeichnis.
    """
    data = _national_file(path)
    if not data.is_file():
        raise DataValidationError(data, "file not found")
    stamp = (str(data.resolve()), data.stat().st_mtime_ns)
    cached = _cached_national_tables(None if path is None else path.resolve(), stamp)
    return cached._replace(
        kreise=cached.kreise.copy(),
        national=dict(cached.national),
        kreis_units=cached.kreis_units.copy(),
        national_units=dict(cached.national_units),
        lands=cached.lands.copy(),
    )


def clear_cache() -> None:
    """Forget the Germany-wide tables read so far (they are kept per file and version)."""
    _cached_national_tables.cache_clear()


@lru_cache(maxsize=4)
def _cached_national_tables(path: Path | None, _stamp: tuple[str, int]) -> NationalTables:
    """The tables of :func:`national_tables`, computed once per file version (never mutate)."""
    units = destatis.extract_units() if path is None else destatis.read_units(path)
    source = "; ".join(sorted(set(units["source"].dropna())))
    if path is None:
        source += f"; {EMBEDDED_LABEL} data/raw/germany/{germany.FILES['municipalities']}"
    found = destatis.national_units(units)
    return NationalTables(
        kreise=destatis.kreis_comparison(units),
        national=destatis.national_small_municipality_share(units),
        kreis_units=destatis.kreis_unit_comparison(units, found=found),
        national_units=destatis.national_small_unit_share(units, found=found),
        lands=destatis.land_comparison(units, found=found),
        source=source,
    )


# --- key figures ----------------------------------------------------------------------------


def _key_figures(study: StructureStudy) -> KeyFigures:
    """The declared key figures of ``study`` (figures of missing parts are absent)."""
    values = {
        **_district_figures(study),
        **_published_figures(study),
        **_national_figures(study),
    }
    return KeyFigures(SECTION, SECTION.figures_from(values))


def _district_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the municipality table itself, sizes per unit and per Gemeinde."""
    frame = study.municipalities
    population = frame["population"].astype("int64")
    official = partial(Reported, kind=Kind.OFFICIAL, source=study.source)
    units, gemeinden = _small_counts(study.units["population"]), _small_counts(population)
    return {
        "n_units": len(study.units),
        "n_municipalities": official(len(frame)),
        "population": official(int(population.sum())),
        "population_date": official(study.population_date),
        "area_km2": official(float(frame["area_km2"].sum())),
        "density": study.district_density,
        "n_units_under_5k": units["n_under_5k"],
        "n_units_under_10k": units["n_under_10k"],
        "share_units_under_10k": units["share_under_10k"],
        "share_pop_units_under_10k": units["share_pop_under_10k"],
        "n_under_5k": gemeinden["n_under_5k"],
        "n_under_10k": gemeinden["n_under_10k"],
        "share_pop_under_10k": gemeinden["share_pop_under_10k"],
        "largest_municipality": frame.loc[population.idxmax(), "name"],
        "boundaries": _boundary_figure(study),
    }


def _small_counts(population: pd.Series) -> dict[str, Any]:
    """How many of the units or Gemeinden with ``population`` are under 5,000 and 10,000."""
    values = population.astype("int64")
    small = values < SMALL
    return {
        "n_under_5k": int((values < VERY_SMALL).sum()),
        "n_under_10k": int(small.sum()),
        "share_under_10k": float(small.mean()),
        "share_pop_under_10k": float(values[small].sum() / values.sum()),
    }


def _boundary_figure(study: StructureStudy) -> Any:
    """The boundary file's name (or a label for the embedded layer), with its source."""
    if study.boundary_file is None:
        return "none"
    source = study.boundary_source or study.boundary_file.name
    if EMBEDDED_LABEL in source:
        stichtag = re.search(r"\d{2}\.\d{2}\.\d{4}", source)
        label = f"VG5000 {stichtag.group(0)} ({EMBEDDED_LABEL})" if stichtag else source
        return Reported(label, source=source)
    return Reported(study.boundary_file.name, source=source)


def _published_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the cross-check against a published unit table (none without a table)."""
    if study.published is None or study.disagreements is None:
        return {}
    quantity = study.disagreements["quantity"]
    values: dict[str, Any] = {
        "n_disagreements": len(study.disagreements),
        "n_population_disagreements": int(quantity.eq("population").sum()),
        "n_area_disagreements": int(quantity.eq("area_km2").sum()),
    }
    total = study.published["population"].sum(min_count=1)
    if pd.notna(total):
        values["published_population"] = Reported(int(total), source=_published_source(study))
    return values


def _national_figures(study: StructureStudy) -> dict[str, Any]:
    """Figures of the national comparison at both levels (none without the national file)."""
    if study.national is None or study.national_units is None or study.national_source is None:
        return {}
    gemeinden = f"{study.national_source}; all inhabited German Gemeinden"
    units = f"{gemeinden}, summed per verbandsfreie Gemeinde and Gemeindeverband (ARS digits 1-9)"
    values: dict[str, Any] = {
        "national_share_units_under_10k": Reported(
            study.national_units["share_small"], source=units
        ),
        "national_n_units": Reported(study.national_units["n_units"], source=units),
        "national_share_municipalities_under_10k": Reported(
            study.national["share_small"], source=gemeinden
        ),
        "national_n_kreise": Reported(study.national["n_kreise"], source=gemeinden),
    }
    ranked = (
        (study.unit_position, units, "share_units_small", "rank_share_units_under_10k"),
        (study.unit_position, units, "share_pop_small", "rank_share_pop_units_under_10k"),
        (study.unit_position, units, "median_population", "rank_median_unit_population"),
        (study.position, gemeinden, "share_pop_small", "rank_share_pop_under_10k"),
        (study.position, gemeinden, "median_population", "rank_median_population"),
    )
    for position, source, measure, name in ranked:
        if position is not None:
            rank = position.set_index("measure")["rank"][measure]
            values[name] = Reported(int(rank), source=source)
    return values


def _published_source(study: StructureStudy) -> str:
    """The distinct sources of the published unit table."""
    return "; ".join(dict.fromkeys(study.published["source"]))


# --- sentences ------------------------------------------------------------------------------


def _count(n: int, singular: str, plural: str) -> Message:
    """``"1 Gemeinde"`` / ``"3 Gemeinden"``: the noun is translated on its own."""
    return Message("{n} {noun}", n=n, noun=Message(singular if n == 1 else plural))


def _district_lines(study: StructureStudy) -> list[str]:
    """Who the district is and its totals, then its joint administrations."""
    d, figures = study.district, study.key_figures
    return [
        f"{d.official_name} (Kreis {d.kreis_key}, {d.land})",
        Message(
            "{gemeinden} in {units}, {population} inhabitants on {date}, {area} km²",
            gemeinden=_count(figures["n_municipalities"].value, "Gemeinde", "Gemeinden"),
            units=_count(len(study.units), "administrative unit", "administrative units"),
            population=figures["population"].value,
            date=study.population_date,
            area=Number(figures["area_km2"].value, 2),
        ),
        *_joint_administration_lines(study),
    ]


def _joint_administration_lines(study: StructureStudy) -> list[str]:
    """Which units are Einheitsgemeinden and which joint administrations the district has."""
    if study.single_unit:
        return [_single_unit_sentence(study)]
    units = study.units
    single = units["unit_type"].eq(EINHEITSGEMEINDE)
    joint = units[~single]
    values = {"n_single": int(single.sum()), "n_units": len(units), "n_joint": len(joint)}
    if joint.empty:
        template = (
            "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden: the "
            "district has no joint administration."
        )
        return [Message(template, **values)]
    listing = ", ".join(
        f"{row.unit_type} {row.unit_name} ({row.n_municipalities} Gemeinden)"
        for row in joint.itertuples()
    )
    template = (
        "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden "
        "(Einheitsgemeinden); the other one is a joint administration: {listing}."
        if len(joint) == 1
        else "{n_single} of the {n_units} administrative units are verbandsfreie Gemeinden "
        "(Einheitsgemeinden); the other {n_joint} are joint administrations: {listing}."
    )
    return [Message(template, listing=listing, **values)]


_SINGLE_KINDS = {"Kreisfreie Stadt": "a kreisfreie Stadt", "Stadtkreis": "a Stadtkreis"}


def _single_unit_sentence(study: StructureStudy) -> Message:
    """That the district is one administrative unit, so cooperation inside it is no question."""
    d, n = study.district, len(study.municipalities)
    if n == 1:
        return Message(
            "{name} is {kind}: the district is a single municipality and one administrative "
            "unit. " + _NOT_THE_QUESTION,
            name=d.official_name,
            kind=Message(_SINGLE_KINDS.get(d.kreis_type, "a single Gemeinde")),
        )
    unit = study.units.iloc[0]
    return Message(
        "All {n} Gemeinden of {name} form one administrative unit ({unit}), so the district is "
        "one administrative unit. " + _NOT_THE_QUESTION,
        n=n,
        name=d.official_name,
        unit=f"{unit['unit_type']} {unit['unit_name']}",
    )


def _uninhabited_lines(study: StructureStudy) -> list[str]:
    """The Kreis's uninhabited gemeindefreie Gebiete, which are never municipalities."""
    areas = study.uninhabited
    if areas is None or areas.empty:
        return []
    names = areas["name"].tolist()
    listed = ", ".join(names[:_UNINHABITED_LISTED])
    values = {"area": Number(areas["area_km2"].sum(), 2), "listed": listed}
    if len(names) > _UNINHABITED_LISTED:
        values["listed"] = Message(
            "{listed} and {more} more", listed=listed, more=len(names) - _UNINHABITED_LISTED
        )
    if len(areas) == 1:
        template = (
            "The Kreis also holds 1 uninhabited gemeindefreies Gebiet ({area} km²: {listed}); "
            "it is not a municipality, forms no administrative unit and is left out of every "
            "table, figure and count."
        )
        return [Message(template, **values)]
    template = (
        "The Kreis also holds {n} uninhabited gemeindefreie Gebiete ({area} km²: {listed}); "
        "they are not municipalities, form no administrative unit and are left out of every "
        "table, figure and count."
    )
    return [Message(template, n=len(areas), **values)]


def _units_lines(study: StructureStudy) -> list[str]:
    """Totals of both sources, the published table's source and the disagreements."""
    if study.published is None or study.disagreements is None:
        return [
            study.district.inputs.missing_note("published_units"),
            Message("The table lists the aggregated administrative units."),
        ]
    published = study.published["population"].sum(min_count=1)
    n = len(study.disagreements)
    return [
        Message(
            "population total: aggregated {aggregated}, published {published}",
            aggregated=int(study.units["population"].sum()),
            published=int(published) if pd.notna(published) else Message("not given"),
        ),
        Message("published table: {source}", source=_published_source(study)),
        Message(
            "{cells} where the two sources disagree (second table below)."
            if n
            else "{cells} where the two sources disagree.",
            cells=_count(n, "cell", "cells"),
        ),
        *_agreement_lines(study),
    ]


def _agreement_lines(study: StructureStudy) -> list[str]:
    """What the disagreements with the published table amount to (nothing when none)."""
    table = study.disagreements
    if table is None or table.empty:
        return []
    parts = [
        _area_clause(study, table[table["quantity"].eq("area_km2")]),
        _population_clause(study, table[table["quantity"].eq("population")]),
    ]
    presence = table[table["quantity"].eq("presence")]
    if not presence.empty:
        names = ", ".join(f"{r.unit_name} ({r.note})" for r in presence.itertuples())
        template = (
            "1 unit appears in one source only: {names}"
            if len(presence) == 1
            else "{n} units appear in one source only: {names}"
        )
        parts.append(Message(template, n=len(presence), names=names))
    return [
        Message(
            "{findings}. The Gemeinde-level Destatis figures are used in the rest of the suite.",
            findings=Joined(parts, "; ", capitalize=True),
        )
    ]


def _compared(study: StructureStudy, column: str) -> bool:
    """Whether the published table gives ``column`` for any unit also in the aggregation."""
    published = study.published
    matched = published["unit_key"].isin(study.units["unit_key"])
    return bool((matched & published[column].notna()).any())


def _area_clause(study: StructureStudy, areas: pd.DataFrame) -> Message:
    """What the area disagreements amount to."""
    if not _compared(study, "area_km2"):
        return Message("the published table gives no unit areas to compare")
    if areas.empty:
        return Message("areas agree within {tolerance} km²", tolerance=Number(AREA_TOLERANCE, 3))
    n, largest = len(areas), float(areas["difference"].abs().max())
    values = {"n": n, "largest": Number(largest, 2), "hectares": Number(100 * largest, 0)}
    head = (
        "1 unit area differs by at most {largest} km² ({hectares} ha)"
        if n == 1
        else "{n} unit areas differ by at most {largest} km² ({hectares} ha)"
    )
    if largest <= CADASTRE_NOISE:
        tail = ", small enough to come from different survey or rounding states of the cadastre"
    else:
        tail = ", more than rounding explains: check the Gebietsstand of both sources"
    return Message(head + tail, **values)


def _population_clause(study: StructureStudy, populations: pd.DataFrame) -> Message:
    """What the population disagreements amount to."""
    if not _compared(study, "population"):
        return Message("the published table gives no unit populations to compare")
    if populations.empty:
        return Message("populations agree exactly")
    n, largest = len(populations), float(populations["difference"].abs().max())
    template = (
        "1 unit population differs, by up to {largest} inhabitants: check the population "
        "dates of both sources"
        if n == 1
        else "{n} unit populations differ, by up to {largest} inhabitants: check the "
        "population dates of both sources"
    )
    return Message(template, n=n, largest=Number(largest, 0))


def _size_lines(study: StructureStudy) -> list[str]:
    """How many units and Gemeinden are small, and their population shares."""
    figures = study.key_figures
    population = figures["population"].value
    if study.size_classes is None:
        template = (
            "The district is a single Gemeinde of {population} inhabitants (fewer than "
            "{limit}): there is no size distribution of Gemeinden."
            if population < SMALL
            else "The district is a single Gemeinde of {population} inhabitants (not fewer "
            "than {limit}): there is no size distribution of Gemeinden."
        )
        return [Message(template, population=population, limit=SMALL)]
    return [_size_message(study, "units"), _size_message(study, "gemeinden")]


def _size_message(study: StructureStudy, level: str) -> Message:
    """The small units (or Gemeinden) of the district and the population share in them."""
    figures = study.key_figures
    if level == "units" and study.single_unit:
        return Message(
            "The one administrative unit has {population} inhabitants.",
            population=figures["population"].value,
        )
    prefix = "n_units_under" if level == "units" else "n_under"
    share = "share_pop_units_under_10k" if level == "units" else "share_pop_under_10k"
    total = len(study.units) if level == "units" else figures["n_municipalities"].value
    template = (
        "Administrative units: {small} of the {total} have fewer than {limit} inhabitants "
        "({very_small} fewer than {very_limit}); they hold {share} % of the population."
        if level == "units"
        else "Gemeinden: {small} of the {total} have fewer than {limit} inhabitants "
        "({very_small} fewer than {very_limit}); they hold {share} % of the population."
    )
    return Message(
        template,
        small=figures[f"{prefix}_10k"].value,
        total=total,
        limit=SMALL,
        very_small=figures[f"{prefix}_5k"].value,
        very_limit=VERY_SMALL,
        share=Number(100 * figures[share].value, 1),
    )


def _density_lines(study: StructureStudy) -> list[str]:
    """The district density and the range over the units."""
    district = Message(
        "district: {density} inhabitants per km²", density=Number(study.district_density, 1)
    )
    if study.density is None:
        return [district, Message("one administrative unit: no ranking of units by density.")]
    low, high = study.density.iloc[0], study.density.iloc[-1]
    return [
        district,
        Message(
            "units: from {low} ({low_name}) to {high} ({high_name})",
            low=Number(low["density"], 1),
            low_name=low["unit_name"],
            high=Number(high["density"], 1),
            high_name=high["unit_name"],
        ),
    ]


def _map_lines(study: StructureStudy) -> list[str]:
    """Which boundary file is drawn and how well it joins, or why there are no polygons."""
    if study.polygons is None or study.boundary_file is None:
        return [NO_BOUNDARY_NOTE]
    attrs = study.polygons.attrs
    uninhabited = set(study.uninhabited["ags"]) if study.uninhabited is not None else set()
    extra = [ags for ags in attrs["extra_ags"] if ags not in uninhabited]
    checks = (
        ("Gemeinden without a polygon", attrs["unmatched_ags"]),
        ("polygons not in the municipality table", extra),
        ("ARS differs between the sources", attrs["ars_mismatch"]),
    )
    lines: list[str] = [
        Message("boundaries: {source}", source=study.boundary_source or study.boundary_file.name)
    ]
    lines += [
        Message("  {check}: {values}", check=Message(label), values=", ".join(values) or _NONE)
        for label, values in checks
    ]
    left_blank = len(set(attrs["extra_ags"]) & uninhabited)
    if left_blank:
        template = (
            "  1 uninhabited gemeindefreies Gebiet left blank (not a municipality)"
            if left_blank == 1
            else "  {n} uninhabited gemeindefreie Gebiete left blank (not municipalities)"
        )
        lines.append(Message(template, n=left_blank))
    return lines


_NONE = Message("none")


def _demography_lines(study: StructureStudy) -> list[str]:
    """What the demographic statements cover and which values are derived."""
    if study.demography is None or study.demography_series is None:
        return [study.district.inputs.missing_note("demography")]
    series = study.demography_series
    kinds = series["kind"].value_counts()
    return [
        Message(
            "{statements} by {sources}",
            statements=_count(len(study.demography), "statement", "statements"),
            sources="; ".join(dict.fromkeys(study.demography["source"])),
        ),
        Message(
            "population {first}–{last}: {stated} stated, {derived} derived from a stated "
            "change, {projected} projected; derived and projected values are not published "
            "counts.",
            first=str(series["year"].min()),
            last=str(series["year"].max()),
            stated=int(kinds.get("stated", 0)),
            derived=int(kinds.get("derived", 0)),
            projected=int(kinds.get("projected", 0)),
        ),
    ]


def _national_lines(study: StructureStudy) -> list[str]:
    """The national shares of small units and Gemeinden and the number of Kreise."""
    national, units = study.national, study.national_units
    if national is None or units is None or study.kreise is None or study.national_source is None:
        return [NO_NATIONAL_NOTE]
    lines = [
        Message("data: {source}", source=study.national_source),
        Message(
            "Administrative units: {n_units} in Germany, {share} % of them under {limit} "
            "inhabitants ({share_pop} % of the population lives in them).",
            n_units=units["n_units"],
            share=Number(100 * units["share_small"], 1),
            limit=SMALL,
            share_pop=Number(100 * units["share_pop_small"], 1),
        ),
        Message(
            "Gemeinden: {n} inhabited Gemeinden (the {n_uninhabited} uninhabited "
            "gemeindefreie Gebiete are not counted); {share} % of them have fewer than {limit} "
            "inhabitants ({share_pop} % of the population lives in them); {n_kreise} Kreise.",
            n=national["n_municipalities"],
            n_uninhabited=national["n_uninhabited"],
            share=Number(100 * national["share_small"], 1),
            limit=SMALL,
            share_pop=Number(100 * national["share_pop_small"], 1),
            n_kreise=len(study.kreise),
        ),
    ]
    if study.position is None:
        lines.append(
            Message(
                "Kreis {kreis} has no inhabited Gemeinde in the data.",
                kreis=study.district.kreis_key,
            )
        )
    return lines


_DESCRIBERS: dict[str, Callable[[StructureStudy], list[str]]] = {
    "district": _district_lines,
    "units": _units_lines,
    "size_classes": _size_lines,
    "density": _density_lines,
    "map": _map_lines,
    "demography": _demography_lines,
    "national": _national_lines,
}
