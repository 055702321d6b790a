"""Importers of the reference datasets: ETO Chip Explorer and SupplyBench.

Each import reads a dataset from its folder (never copying it into the
repository: both are non-commercial licences), resolves its names to the
nodes the news extractor makes (:mod:`graph.importers.align`), writes its own
named graph with dataset provenance and row evidence for every fact
(:mod:`graph.importers.dataset`), and skips the write when nothing changed.
See ``docs/reference-data.md``.
"""

from __future__ import annotations

from graph.importers.align import Alignment, AlignmentReport, NearMiss
from graph.importers.dataset import ImportResult
from graph.importers.eto import import_eto
from graph.importers.supplybench import import_supplybench

__all__ = ["Alignment", "AlignmentReport", "ImportResult", "NearMiss", "import_eto", "import_supplybench"]
