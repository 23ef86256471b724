"""Sphinx configuration of the skprune documentation."""

import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, os.path.abspath(".."))

import skprune  # noqa: E402

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.py"))

project = "skprune"
author = "The skprune developers"
copyright = "2026, The skprune developers"
release = version = skprune.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    # MathJax from a copy inside the built site, not from the web: the pages
    # render their math offline and behind firewalls
    "sphinx-mathjax-offline",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py", "**.zip"]

html_theme = "pydata_sphinx_theme"
html_title = "skprune"
html_theme_options = {
    "navigation_with_keys": False,
    # the gallery's pages give the code the whole width: no in-page contents
    # (named one by one: a pattern would match them twice, with "**")
    "secondary_sidebar_items": {
        "**": ["page-toc", "sourcelink"],
        **{f"auto_examples/{example.stem}": [] for example in EXAMPLES},
    },
}
# The "Section Navigation" panel lists a page's sub-pages: only the API
# reference and the gallery have any; elsewhere it would be an empty column.
html_sidebars = {
    "index": [], "getting_started": [], "user_guide": [], "criteria": [],
    "benchmarks": [], "changelog": [], "auto_examples/**": [],
}
html_static_path = ["_static"]
html_css_files = ["skprune.css"]

# No network while building: cross-references to other projects stay plain.
intersphinx_mapping = {}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    # the timing table's page loads its scripts from the web; the site must not
    # (sphinx-gallery 0.18 and later)
    "write_computation_times": False,
}

warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")
