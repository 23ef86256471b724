"""The documentation builds without warnings, executing the gallery."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx_gallery", reason="the docs extra is not installed")
pytest.importorskip("numpydoc", reason="the docs extra is not installed")
pytest.importorskip("pydata_sphinx_theme", reason="the docs extra is not installed")

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_docs_build_with_no_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
         "-d", str(tmp_path / "doctrees"), str(DOCS), str(tmp_path / "html")],
        capture_output=True, text=True, env={**__import__("os").environ, "MPLBACKEND": "Agg"},
        timeout=1200,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    html = tmp_path / "html"
    gallery = (html / "auto_examples" / "index.html").read_text()
    for example in sorted((DOCS.parent / "examples").glob("plot_*.py")):
        assert (html / "auto_examples" / f"{example.stem}.html").is_file()
        assert f"{example.stem}_thumb.png" in gallery
    for name in ("PrunableMLPClassifier", "OBSPruner", "UnitRemovalPruner",
                 "model_selection.PrunerCV", "inspection.PruningCurveDisplay",
                 "datasets.load_monks"):
        assert (html / "generated" / f"skprune.{name}.html").is_file()
