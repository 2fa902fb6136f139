"""cydiff.viz on both twins: the text tree, the DOT text, and rendering through Graphviz."""

import re
import shutil
import sys

import pytest

import cydiff.viz as viz


def seeds_example(impl):
    """The seeds' graph: c = a*b, d = c + a, e = d**2."""
    a, b = impl.Value(2.0, label="a"), impl.Value(3.0, label="b")
    c = a * b
    d = c + a
    e = d ** 2
    e.backward()
    return a, b, c, d, e


def line(name, v):
    return f"{name}  data {v.data:.4f}  grad {v.grad:.4f}"


def test_trace_draws_the_tree_output_first(impl):
    a, b, c, d, e = seeds_example(impl)
    assert viz.trace(e).splitlines() == [
        line("**2", e),
        "└─ " + line("+", d),
        "   ├─ " + line("*", c),
        "   │  ├─ " + line("a", a),
        "   │  └─ " + line("b", b),
        "   └─ a  (above)",  # a shared node is drawn once
    ]
    assert (a.grad, b.grad, d.grad) == (64.0, 32.0, 16.0)


def test_trace_names_inputs_labels_and_fused_nodes(impl):
    x = [impl.Value(1.0), impl.Value(2.0)]
    y = impl.dot(x, [3.0, 4.0]).tanh()
    y.label = "y"
    lines = viz.trace(y).splitlines()
    assert lines[0].startswith("y  data") and lines[1].startswith("└─ dot  data")
    assert lines[2].startswith("   ├─ input  data 1.0000") and lines[3].startswith("   └─ input")


def test_trace_of_a_deep_chain_stops_at_max_nodes(impl):
    x = impl.Value(0.5)
    y = x
    for _ in range(100_000):  # far deeper than Python's recursion limit
        y = y * 1.0
    text = viz.trace(y, max_nodes=50)
    lines = text.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "... 99951 more node(s) not shown (max_nodes=50)"
    assert lines[49].strip().startswith("└─ *")


def dot_nodes(text):
    return re.findall(r"^  (n\d+) \[shape=record", text, re.M)


def test_to_dot_has_a_record_per_node_and_an_edge_per_operand(impl):
    a, b, c, d, e = seeds_example(impl)
    text = viz.to_dot(e)
    assert text.startswith("digraph cydiff {\n  rankdir=LR;") and text.endswith("}\n")
    assert len(dot_nodes(text)) == 5
    assert len(re.findall(r"^  n\d+op \[shape=circle", text, re.M)) == 3
    assert len(re.findall(r"^  n\d+ -> n\d+op;", text, re.M)) == 2 + 2 + 1  # *, +, **2
    assert f'label="{{ a | data 2.0000 | grad {a.grad:.4f} }}"' in text
    assert 'label="**2"' in text and "rankdir=TB" in viz.to_dot(e, rankdir="TB")


def test_to_dot_escapes_labels(impl):
    x = impl.Value(1.0, label='w{1}|<in> "x"\\')
    y = x * 2.0
    assert 'label="{ w\\{1\\}\\|\\<in\\> \\"x\\"\\\\ | data 1.0000' in viz.to_dot(y)


def test_to_dot_cuts_big_graphs_with_a_note(impl):
    x = impl.Value(0.5)
    y = x
    for _ in range(100_000):
        y = (y * 1.0).relu()  # 200,001 nodes
    text = viz.to_dot(y, max_nodes=100)
    assert len(dot_nodes(text)) == 100
    assert 'cut [shape=note, label="199901 more node(s) not shown (max_nodes=100)"]' in text
    assert text.count("[style=dashed]") == 1  # the last node drawn points at the note


def test_errors(impl):
    with pytest.raises(TypeError, match="cydiff.viz.trace: root must be a Value, not 'Dual'"):
        viz.trace(impl.Dual(1.0, 1.0))
    with pytest.raises(TypeError, match="cydiff.viz.to_dot: root must be a Value, not 'float'"):
        viz.to_dot(1.0)
    with pytest.raises(ValueError, match="max_nodes must be at least 1, not 0"):
        viz.trace(impl.Value(1.0), max_nodes=0)
    for limit in (True, "5", 5.0):
        with pytest.raises(TypeError, match="max_nodes must be an int, not '"):
            viz.trace(impl.Value(1.0), max_nodes=limit)
    with pytest.raises(ValueError, match="rankdir must be"):
        viz.to_dot(impl.Value(1.0), rankdir="up")
    with pytest.raises(TypeError, match="rankdir must be a str, not 'int'"):
        viz.to_dot(impl.Value(1.0), rankdir=5)
    with pytest.raises(ValueError, match="the format must be 'svg', 'png' or 'pdf'.*'txt'"):
        viz.draw(impl.Value(1.0), "graph.txt")
    # format="" is not ignored in favour of the suffix (before, it was)
    with pytest.raises(ValueError, match="the format must be 'svg', 'png' or 'pdf'.*''"):
        viz.draw(impl.Value(1.0), "graph.svg", format="")
    with pytest.raises(TypeError, match="format must be a str, not 'int'"):
        viz.draw(impl.Value(1.0), "graph.svg", format=1)


def test_draw_says_what_is_missing(impl, monkeypatch, tmp_path):
    y = seeds_example(impl)[-1]
    monkeypatch.setitem(sys.modules, "graphviz", None)  # the package not installed
    with pytest.raises(ImportError, match=r"pip install 'cydiff\[viz\]'"):
        viz.draw(y, tmp_path / "g.svg")
    monkeypatch.undo()
    pytest.importorskip("graphviz", reason="the graphviz package is in the test extra")
    monkeypatch.setattr(shutil, "which", lambda name: None)  # no dot program
    with pytest.raises(RuntimeError, match="needs Graphviz's dot program on the PATH"):
        viz.draw(y, tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


@pytest.mark.skipif(shutil.which("dot") is None,
                    reason="Graphviz's dot program is not installed (a system package)")
def test_draw_renders_svg_and_png(impl, tmp_path):
    pytest.importorskip("graphviz", reason="the graphviz package is in the test extra")
    y = seeds_example(impl)[-1]
    svg = viz.draw(y, tmp_path / "g.svg")
    text = open(svg, encoding="utf-8").read()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and "grad 64.0000" in text
    png = viz.draw(y, str(tmp_path / "g.out"), format="png")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
