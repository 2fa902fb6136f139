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

# `name` in a docstring is code, linked where it names a documented object (numpy's choice)
default_role = "py:obj"
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True
numpydoc_show_class_members = False  # autodoc's :members: lists them, once
numpydoc_xref_param_type = False

html_theme = "furo"
html_title = f"cydiff {release}"
html_static_path: list[str] = []

# Every public function's docstring has Parameters, Returns, Raises and Examples: numpydoc
# checks it as the site builds (a missing section is a warning, so an error). An attribute
# (a property, a compiled class's field) has a line saying what it holds and no sections;
# tests/test_documentation.py checks that it has that line.
numpydoc_validation_checks = {"PR01", "PR02", "RT01", "EX01", "GL08"}


def _attributes():
    """A pattern for each public class's attributes, as the API reference names them."""
    import importlib
    import inspect
    import re
    import types

    kinds = (property, types.GetSetDescriptorType, types.MemberDescriptorType)
    for name in ("cydiff", "cydiff.compiled", "cydiff.pure", "cydiff.nn", "cydiff.numerical",
                 "cydiff.viz", "cydiff.parallel"):
        module = importlib.import_module(name)
        for item in module.__all__:
            cls = getattr(module, item)
            for klass in cls.__mro__[:-1] if inspect.isclass(cls) else ():
                for attr, value in vars(klass).items():
                    if isinstance(value, kinds) and not attr.startswith("_"):
                        yield rf"^{re.escape(f'{name}.{item}.{attr}')}$"


numpydoc_validation_exclude = {
    *_attributes(),
    r"^cydiff\.(compiled\.|pure\.)?MultiDual\.CHUNK$",  # a class's constant, an int
}
