"""GX imported without scipy.stats and altair (`pipeline.gx_import`), and without SQLAlchemy: the
batch checks and the Data Docs' GX still work, each lazy module is whole the moment something
reads from it, and SQLAlchemy is there for whatever imports it after GX (or before)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pipeline.gx_import import _AbsentFinder
from tests.fresh_python import run_fresh

HEAVY = "scipy.stats._stats_py"  # what `import scipy.stats` runs; not run while it is lazy
CHARTS = "altair.vegalite"  # what `import altair` runs; likewise

# A fresh interpreter's script: 40 rows of one delivery validated by GX (`outcome`).
VALIDATED = (
    "import datetime as dt, sys\n"
    "import pandas as pd\n"
    "from pipeline.ingest.batch import validate_batch\n"
    "days = [dt.date(2025, 1, 1 + i % 20) for i in range(40)]\n"
    "frame = pd.DataFrame({'bron_incidentnummer': [f'I{i}' for i in range(40)],\n"
    "    'incidentdatum': days, 'kanaal': ['fysiek'] * 40, 'context': ['handhaving'] * 40,\n"
    "    'letsel': ['geen'] * 40, 'aangifte': ['ja'] * 40, 'vpt_markering': [None] * 40,\n"
    "    'gedragstypen': [['verbaal']] * 40})\n"
    "outcome = validate_batch(frame, [40, 50])\n"
)


def _run(script: str) -> None:
    run_fresh(script)


def test_batch_checks_run_without_importing_scipy_stats() -> None:
    _run(
        VALIDATED + "assert outcome.report['success'] is True, outcome.report['statistics']\n"
        "assert 'great_expectations' in sys.modules\n"
        "assert 'scipy.stats' in sys.modules, 'GX asked for it: it is there, lazy'\n"
        f"assert {HEAVY!r} not in sys.modules, 'scipy.stats ran its imports'\n"
        "assert 'altair' in sys.modules, 'GX asked for it too'\n"
        f"assert {CHARTS!r} not in sys.modules, 'altair ran its imports'\n"
        "assert not [f for f in sys.meta_path if type(f).__name__ in ('_LazyFinder', '_AbsentFinder')]\n"
        "assert 'sqlalchemy' not in sys.modules, 'GX imported SQLAlchemy'\n"
        "from great_expectations.compatibility import sqlalchemy as gx_sql\n"
        "assert not gx_sql.sqlalchemy, 'GX believes SQLAlchemy is there'\n"
        "import scipy.stats\n"
        "assert abs(scipy.stats.norm.cdf(0.0) - 0.5) < 1e-12  # read from: whole now\n"
        f"assert {HEAVY!r} in sys.modules\n"
        "import altair\n"
        "assert altair.Chart(pd.DataFrame({'a': [1]})).mark_bar().to_dict()['mark']['type'] == 'bar'\n"
        f"assert {CHARTS!r} in sys.modules\n"
    )


def test_the_fork_servers_preload_imports_gx_so() -> None:
    _run(
        "import sys\n"
        "from pipeline.night.fork_server import PRELOAD\n"
        "for name in PRELOAD:\n"
        "    __import__(name)\n"
        "assert 'great_expectations' in sys.modules\n"
        f"assert {HEAVY!r} not in sys.modules and {CHARTS!r} not in sys.modules\n"
    )


def test_scipy_stats_imported_before_gx_stays_as_it_is() -> None:
    _run(
        "import sys\n"
        "import scipy.stats\n"
        "from pipeline.gx_import import import_great_expectations\n"
        "gx = import_great_expectations()\n"
        "assert gx is sys.modules['great_expectations'] and gx.__version__\n"
        "assert type(sys.modules['scipy.stats']).__name__ == 'module'\n"
        "assert abs(scipy.stats.norm.ppf(0.5)) < 1e-12\n"
    )


def test_altair_imported_before_gx_stays_as_it_is() -> None:
    _run(
        "import sys\n"
        "import altair\n"
        "from pipeline.gx_import import import_great_expectations\n"
        "import_great_expectations()\n"
        "assert type(sys.modules['altair']).__name__ == 'module'\n"
        f"assert {CHARTS!r} in sys.modules\n"
    )


def test_the_data_docs_are_built_by_gx_without_sqlalchemy(tmp_path: Path) -> None:
    _run(
        VALIDATED + "from pathlib import Path\n"
        "from pipeline.employers.datadocs import build_data_docs, store_reports\n"
        "report = outcome.report\n"
        f"reports = Path({str(tmp_path)!r})\n"
        "assert store_reports(reports, [report], keep=5) == 1\n"
        "index = build_data_docs(reports)\n"
        "assert 'bron_incidentnummer' in ''.join(p.read_text(encoding='utf-8')\n"
        "    for p in index.parent.rglob('*.html')), 'no validation page with the checked columns'\n"
        "assert 'sqlalchemy' not in sys.modules\n"
    )


def test_sqlalchemy_is_there_for_an_import_after_gx() -> None:
    _run(
        "import sys\n"
        "from pipeline.gx_import import import_great_expectations\n"
        "import_great_expectations()\n"
        "assert 'sqlalchemy' not in sys.modules\n"
        "import sqlalchemy.orm\n"
        "assert sqlalchemy.orm.declarative_base is not None\n"
    )


def test_sqlalchemy_imported_before_gx_is_gxs_as_well() -> None:
    _run(
        "import sys\n"
        "import sqlalchemy\n"
        "from pipeline.gx_import import import_great_expectations\n"
        "import_great_expectations()\n"
        "from great_expectations.compatibility import sqlalchemy as gx_sql\n"
        "assert gx_sql.sqlalchemy is sqlalchemy\n"
    )


def test_sqlalchemy_is_absent_only_on_the_thread_that_imports_gx() -> None:
    finder = _AbsentFinder()
    with pytest.raises(ModuleNotFoundError):
        finder.find_spec("sqlalchemy.orm", None)
    assert finder.find_spec("sqlalchemyx", None) is None
    found: list[object] = []
    other = threading.Thread(target=lambda: found.append(finder.find_spec("sqlalchemy", None)))
    other.start()
    other.join()
    assert found == [None]
