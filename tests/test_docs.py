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
    _check_api_pages(html)
    _check_offline(html)


def _check_api_pages(html):
    """Every method, inherited ones included, is documented on the class pages."""
    estimator = ("fit", "predict", "predict_proba", "score", "get_params", "set_params")
    network = ("from_sklearn", "to_sklearn", "compact", "partial_fit", "layer_summary")
    for name, methods in (("OBSPruner", estimator), ("PrunableMLPClassifier", estimator + network),
                          ("model_selection.PrunerCV", estimator)):
        page = (html / "generated" / f"skprune.{name}.html").read_text()
        assert "Methods" in page, name
        for method in methods:
            assert f'id="skprune.{name}.{method}"' in page, (name, method)
    regressor = (html / "generated" / "skprune.PrunableMLPRegressor.html").read_text()
    for method in ("fit", "predict", "score", "partial_fit", "compact", "to_sklearn"):
        assert f'id="skprune.PrunableMLPRegressor.{method}"' in regressor, method


def _check_offline(html):
    """Readable from disk with no network: no script or style sheet from the
    web, MathJax served from the site itself, no machine path in any page."""
    import re

    external = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    machine_path = re.compile(r"(?:/home/|/root/|/tmp/|/work/|[A-Z]:\\\\Users)")
    pages = sorted(html.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text()
        assert not external.search(text), page.name
        assert not machine_path.search(text), page.name
    guide = (html / "user_guide.html").read_text()
    assert '<script defer="defer" src="_static/mathjax/tex-chtml.js">' in guide
    assert (html / "_static" / "mathjax" / "tex-chtml.js").is_file()
    assert 'class="math' in guide
    walkthrough = (html / "auto_examples" / "plot_getting_started.html").read_text()
    assert "layer_summary" in walkthrough and "dead units" in walkthrough
    for page in ("changelog.html", "criteria.html", "benchmarks.html"):
        assert (html / page).is_file()
    benchmarks = (html / "benchmarks.html").read_text()
    assert benchmarks.count("<table") >= 15 and "<pre>" not in benchmarks.split("Training speed")[1]


def test_the_package_imports_without_docstrings():
    # ``python -OO`` strips doc strings; the doc templates must not need them
    import subprocess
    import sys

    code = ("import skprune, skprune.model_selection, skprune.inspection, "
            "skprune.feature_selection, skprune.datasets, skprune.pruning; print('ok')")
    out = subprocess.run([sys.executable, "-OO", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
