"""Sphinx's settings for cydiff's documentation site (`make docs`).

Sphinx, because autodoc imports the objects it documents: the compiled twin's classes
and functions are read from the extension modules themselves, docstrings and signatures
as Python sees them, where a reader of the sources (mkdocstrings' griffe) would need
stubs. Pages are Markdown (MyST), docstrings numpy-style (numpydoc), the theme Furo.
The package documented is the one installed in the environment that runs Sphinx.
"""

import cydiff

project = "cydiff"
author = "The cydiff developers"
copyright = "2026, the cydiff developers"
release = cydiff.__version__
version = ".".join(release.split(".")[:2])

extensions = ["myst_parser", "sphinx.ext.autodoc", "numpydoc"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # autodoc's :members: lists them, once
numpydoc_xref_param_type = False

html_theme = "furo"
html_title = f"cydiff {release}"
html_static_path: list[str] = []

# Every public function's docstring has Parameters, Returns, Raises and Examples: numpydoc
# checks it as the site builds (a missing section is a warning, so an error). The names
# excluded here are those whose docstrings are still being written to that standard.
numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01", "GL08"}
numpydoc_validation_exclude = {
    # the numbers' attributes (a property needs no example)
    r"^cydiff\.(compiled\.|pure\.)?(Dual|MultiDual|Value)\.(val|deriv|partials|n|data|grad|"
    r"label|CHUNK)$",
    r"^cydiff\.(compiled|pure)$",
    r"^cydiff\.Tape(\..*)?$",
    r"^cydiff\.nn\.(Module|Neuron|Layer|MLP|Optimizer|SGD|Adam|load)(\..*)?$",
    r"^cydiff\.nn$",
    r"^cydiff\.viz\.draw$",
}
