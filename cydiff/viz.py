"""Pictures of a graph of Values: a text tree, Graphviz DOT text, and SVG/PNG files.

    >>> import cydiff
    >>> from cydiff import Value
    >>> a, b = Value(2.0, label="a"), Value(3.0, label="b")
    >>> e = (a * b + a) ** 2
    >>> e.backward()
    >>> print(cydiff.viz.trace(e))
    **2  data 64.0000  grad 1.0000
    └─ +  data 8.0000  grad 16.0000
       ├─ *  data 6.0000  grad 16.0000
       │  ├─ a  data 2.0000  grad 64.0000
       │  └─ b  data 3.0000  grad 32.0000
       └─ a  (above)

`trace` and `to_dot` need nothing but cydiff; `draw` renders through the `graphviz`
package and Graphviz's `dot` program (`pip install cydiff[viz]`, and Graphviz from
your system's packages). All three walk the graph without recursion, so a chain of a
million nodes is no problem, and stop at `max_nodes`, saying how much they left out.
Either twin's Values work.
"""

from __future__ import annotations

import os
import shutil
from typing import Any, Iterator, Optional, Union

from . import _common, _twin

__all__ = ["trace", "to_dot", "draw"]


def _check_root(root: object, where: str) -> None:
    if _twin.name_of(root) is None or not hasattr(root, "backward"):
        raise TypeError(f"cydiff.viz.{where}: root must be a Value, not "
                        f"'{_common.type_name(root)}'")


def _check_limit(max_nodes: object, where: str) -> int:
    if not isinstance(max_nodes, int) or isinstance(max_nodes, bool):
        raise TypeError(f"cydiff.viz.{where}: max_nodes must be an int, not "
                        f"'{_common.type_name(max_nodes)}'")
    if max_nodes < 1:
        raise ValueError(f"cydiff.viz.{where}: max_nodes must be at least 1, not {max_nodes!r}")
    return max_nodes


def _name(v: Any) -> str:
    """What a node shows first: its label, 'input' for an unlabelled leaf, else its op."""
    if v.label:
        return str(v.label)
    children = v._children
    if not children:
        return "input" if not v._op else v._op  # a leaf made with _op='...' keeps it
    return v._op or "custom"


def _count(root: Any) -> int:
    """The number of distinct nodes under root (iteratively)."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in stack.pop()._children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


# --- text --------------------------------------------------------------------------------

def trace(root: Any, *, max_nodes: int = 200) -> str:
    """A text tree of root's graph, output first, operands below in order.

    Each line holds a node's label (or op, or 'input'), data and grad. A node reached
    again shows '(above)' instead of its subtree; after `max_nodes` lines a note says how
    many nodes were left out. The walk does not recurse: a million-node chain is fine.

    Parameters
    ----------
    root : Value
        The graph's output (either twin's).
    max_nodes : int, default 200
        The most lines to draw.

    Returns
    -------
    str
        The tree, a line a node.

    Raises
    ------
    TypeError
        If root is not a Value, or max_nodes not an int.
    ValueError
        If max_nodes is below 1.

    Examples
    --------
    >>> import cydiff
    >>> a = cydiff.Value(2.0, label="a")
    >>> print(cydiff.viz.trace(a * a + 1.0))
    +  data 5.0000  grad 0.0000
    └─ *  data 4.0000  grad 0.0000
       ├─ a  data 2.0000  grad 0.0000
       └─ a  (above)
    """
    _check_root(root, "trace")
    limit = _check_limit(max_nodes, "trace")
    lines: list[str] = []
    shown: set[int] = set()
    # (node, the prefix of its line, the prefix of its children's lines)
    stack: list[tuple[Any, str, str]] = [(root, "", "")]
    while stack and len(lines) < limit:
        v, prefix, inner = stack.pop()
        if id(v) in shown:
            lines.append(f"{prefix}{_name(v)}  (above)")
            continue
        shown.add(id(v))
        lines.append(f"{prefix}{_name(v)}  data {v.data:.4f}  grad {v.grad:.4f}")
        children = v._children
        for k in range(len(children) - 1, -1, -1):  # pushed last first: popped in order
            last = k == len(children) - 1
            stack.append((children[k], inner + ("└─ " if last else "├─ "),
                          inner + ("   " if last else "│  ")))
    if stack:
        left = _count(root) - len(shown)
        lines.append(f"... {left} more node(s) not shown (max_nodes={limit})")
    return "\n".join(lines)


# --- Graphviz ----------------------------------------------------------------------------

def _quote(text: str) -> str:
    """text as a DOT record field: the record syntax's own characters escaped."""
    for c in "\\{}|<>\"":
        text = text.replace(c, "\\" + c)
    return text


def _walk(root: Any, limit: int) -> tuple[list[Any], int]:
    """Up to limit nodes, breadth first from root, and the count of those left out."""
    order, seen = [root], {id(root)}
    head = 0
    while head < len(order) and len(order) < limit:
        for child in order[head]._children:
            if id(child) not in seen and len(order) < limit:
                seen.add(id(child))
                order.append(child)
        head += 1
    return order, 0 if len(order) < limit else _count(root) - len(order)


def _dot_lines(root: Any, limit: int, rankdir: str) -> Iterator[str]:
    nodes, left = _walk(root, limit)
    index = {id(v): i for i, v in enumerate(nodes)}
    yield "digraph cydiff {"
    yield f"  rankdir={rankdir};"
    yield '  node [fontname="Helvetica", fontsize=11];'
    for i, v in enumerate(nodes):
        label = v.label or ("input" if not v._children else "")
        fields = ([_quote(label)] if label else []) + [
            f"data {v.data:.4f}", f"grad {v.grad:.4f}"]
        yield f'  n{i} [shape=record, label="{{ {" | ".join(fields)} }}"];'
        if v._children:
            yield f'  n{i}op [shape=circle, label="{_quote(v._op or "custom")}"];'
            yield f"  n{i}op -> n{i};"
            for child in v._children:
                if id(child) in index:
                    yield f"  n{index[id(child)]} -> n{i}op;"
            if any(id(child) not in index for child in v._children):
                yield f"  cut -> n{i}op [style=dashed];"
    if left:
        yield (f'  cut [shape=note, label="{left} more node(s) not shown '
               f'(max_nodes={limit})"];')
    yield "}"


def to_dot(root: Any, *, max_nodes: int = 500, rankdir: str = "LR") -> str:
    """Graphviz DOT text of root's graph, as micrograd's notebook draws it.

    A record per node (label, data, grad) fed by a small circle for the op that made it.
    No dependency: render it with `draw`, `dot -Tsvg`, or any Graphviz viewer. Past
    `max_nodes` nodes the rest is one dashed-in note saying how many.

    Parameters
    ----------
    root : Value
        The graph's output (either twin's).
    max_nodes : int, default 500
        The most nodes to draw.
    rankdir : {"LR", "RL", "TB", "BT"}, default "LR"
        Graphviz's direction of the layout.

    Returns
    -------
    str
        The DOT text.

    Raises
    ------
    TypeError
        If root is not a Value, or an option has the wrong type.
    ValueError
        If max_nodes is below 1 or rankdir is not one of the four.

    Examples
    --------
    >>> import cydiff
    >>> text = cydiff.viz.to_dot(cydiff.Value(2.0) * 3.0)
    >>> text.startswith("digraph"), "data 6.0000" in text
    (True, True)
    """
    _check_root(root, "to_dot")
    limit = _check_limit(max_nodes, "to_dot")
    if not isinstance(rankdir, str):
        raise TypeError(f"cydiff.viz.to_dot: rankdir must be a str, not "
                        f"'{_common.type_name(rankdir)}'")
    if rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"cydiff.viz.to_dot: rankdir must be 'LR', 'RL', 'TB' or 'BT', "
                         f"not {rankdir!r}")
    return "\n".join(_dot_lines(root, limit, rankdir)) + "\n"


def draw(root: Any, path: Union[str, "os.PathLike[str]"], *, format: Optional[str] = None,
         max_nodes: int = 500, rankdir: str = "LR") -> str:
    """Render root's graph to an SVG, PNG or PDF file, through Graphviz.

    The picture is `to_dot`'s: a box per node with its label, data and grad, an edge
    from each operand to its op. Rendered by the `graphviz` package and Graphviz's
    `dot` program (``pip install 'cydiff[viz]'``, and Graphviz from the system's
    packages).

    Parameters
    ----------
    root : Value
        The graph's output (either twin's).
    path : str or os.PathLike
        The file to write.
    format : {"svg", "png", "pdf"}, optional
        The file's format; by default the suffix of `path`.
    max_nodes : int, default 500
        Draw this many nodes at most, and say how many were left out.
    rankdir : {"LR", "TB", "RL", "BT"}, default "LR"
        The direction the graph runs, as Graphviz names it.

    Returns
    -------
    str
        The path written.

    Raises
    ------
    TypeError
        If root is not a Value, or an argument has the wrong type.
    ValueError
        If the format is not one of the three, or `max_nodes` < 1, or `rankdir` unknown.
    ImportError
        If the `graphviz` package is not installed.
    RuntimeError
        If Graphviz's `dot` program is not on the PATH (`to_dot` needs neither).

    Examples
    --------
    >>> import os, tempfile, cydiff
    >>> a = cydiff.Value(2.0, label="a")
    >>> loss = (a * a).tanh()
    >>> loss.backward()
    >>> path = cydiff.viz.draw(loss, os.path.join(tempfile.mkdtemp(), "loss.svg"))
    >>> open(path).read().count("<svg")
    1
    """
    text = to_dot(root, max_nodes=max_nodes, rankdir=rankdir)
    target = os.fspath(path)
    if format is not None and not isinstance(format, str):
        raise TypeError(f"cydiff.viz.draw: format must be a str, not "
                        f"'{_common.type_name(format)}'")
    # format="" is a format, not a request for the suffix's
    fmt = (os.path.splitext(target)[1].lstrip(".") if format is None else format).lower()
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"cydiff.viz.draw: the format must be 'svg', 'png' or 'pdf' (from the "
                         f"file's suffix or format=), not {fmt!r}")
    try:
        import graphviz  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ImportError("cydiff.viz.draw needs the graphviz package: "
                          "pip install 'cydiff[viz]' (and Graphviz's dot program: "
                          "apt install graphviz, brew install graphviz, ...)") from None
    if shutil.which("dot") is None:
        raise RuntimeError("cydiff.viz.draw needs Graphviz's dot program on the PATH: "
                           "apt install graphviz, brew install graphviz, conda install "
                           "graphviz, or https://graphviz.org/download/; cydiff.viz.to_dot "
                           "gives the DOT text without it")
    data = graphviz.Source(text).pipe(format=fmt)
    with open(target, "wb") as out:
        out.write(data)
    return target
