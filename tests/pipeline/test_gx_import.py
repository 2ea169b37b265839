"""GX imported without scipy.stats and altair (`pipeline.gx_import`): the batch checks and the
Data Docs' GX still work, and each module is whole the moment something reads from it."""

from __future__ import annotations

from tests.fresh_python import run_fresh

HEAVY = "scipy.stats._stats_py"  # what `import scipy.stats` runs; not run while it is lazy
CHARTS = "altair.vegalite"  # what `import altair` runs; likewise


def _run(script: str) -> None:
    run_fresh(script)


def test_batch_checks_run_without_importing_scipy_stats() -> None:
    _run(
        "import datetime as dt, sys\n"
        "import pandas as pd\n"
        "from pipeline.ingest.batch import validate_batch\n"
        "days = [dt.date(2025, 1, 1 + i % 20) for i in range(40)]\n"
        "frame = pd.DataFrame({'bron_incidentnummer': [f'I{i}' for i in range(40)],\n"
        "    'incidentdatum': days, 'kanaal': ['fysiek'] * 40, 'context': ['handhaving'] * 40,\n"
        "    'letsel': ['geen'] * 40, 'aangifte': ['ja'] * 40, 'vpt_markering': [None] * 40,\n"
        "    'gedragstypen': [['verbaal']] * 40})\n"
        "outcome = validate_batch(frame, [40, 50])\n"
        "assert outcome.report['success'] is True, outcome.report['statistics']\n"
        "assert 'great_expectations' in sys.modules\n"
        "assert 'scipy.stats' in sys.modules, 'GX asked for it: it is there, lazy'\n"
        f"assert {HEAVY!r} not in sys.modules, 'scipy.stats ran its imports'\n"
        "assert 'altair' in sys.modules, 'GX asked for it too'\n"
        f"assert {CHARTS!r} not in sys.modules, 'altair ran its imports'\n"
        "assert not [f for f in sys.meta_path if type(f).__name__ == '_LazyFinder']\n"
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
