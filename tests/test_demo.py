"""The demo (`python -m cydiff demo`): micrograd's training code on cydiff, its pictures,
its speed line, the XOR exercise; the twins train alike."""

import re
import sys

import numpy as np
import pytest

from cydiff.tools import cli, demo
from cydiff.nn import MLP

PNG = b"\x89PNG\r\n\x1a\n"


def test_two_moons_is_micrograds_data():
    X, y = demo.two_moons()
    assert X.shape == (100, 2) and sorted(set(y)) == [-1.0, 1.0] and (y == 1).sum() == 50
    assert np.array_equal(X, demo.two_moons()[0])  # fixed seed
    # the upper moon around (0, 0.5) on average, the lower around (1, 0)
    assert X[y < 0].mean(0) == pytest.approx([0.0, 0.64], abs=0.1)
    assert X[y > 0].mean(0) == pytest.approx([1.0, -0.14], abs=0.1)


def test_the_demo_trains_to_95_percent_and_draws(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")
    assert cli.main(["demo", "--no-compare", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    final = re.search(r"final loss ([\d.]+), accuracy (\d+)%", out)
    assert final and int(final.group(2)) >= 95
    assert "MLP 2-16-16-1 (337 parameters)" in out
    for name in ("demo_boundary.png", "demo_loss.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(PNG) and len(data) > 10_000


@pytest.mark.long
def test_the_speed_line_races_the_pure_twin(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # and says how to get pictures
    assert cli.main(["demo", "--steps", "2", "--out", str(tmp_path)]) in (0, 1)
    out = capsys.readouterr().out
    assert re.search(r"\n  cydiff \((compiled|pure)\) +[\d.]+ ms +1\.0×\n", out)
    if "cydiff (compiled)" in out:  # and the pure twin raced beside it
        assert re.search(r"\n  cydiff \(pure\) +[\d.]+ ms +[\d.]+×\n", out)
    assert ("micrograd: not installed" in out) or ("faster than micrograd's" in out)
    assert "pictures skipped: matplotlib is missing (pip install 'cydiff[demo]')" in out
    assert not (tmp_path / "demo_loss.png").exists()


@pytest.mark.c_extensions
def test_the_twins_train_to_the_same_bits(pure, compiled):
    X, y = demo.two_moons(40)
    losses = []
    for twin in (pure, compiled):
        model = MLP(2, [8, 8, 1], twin=twin, seed=5)
        history = demo.train_moons(model, X, y, twin.Value, steps=5)
        losses.append((history.loss, [p.data for p in model.parameters()]))
    assert losses[0] == losses[1]


def test_xor(capsys):
    assert cli.main(["demo", "--xor"]) == 0
    out = capsys.readouterr().out
    rows = re.findall(r"\[([\d.]+), ([\d.]+)\] -> ([\d.]+)  \(target (\d)\)", out)
    assert len(rows) == 4
    for a, b, prediction, target in rows:
        assert (float(prediction) > 0.5) == (target == "1") == ((a == "1.0") != (b == "1.0"))


def test_training_with_a_tape_is_training_with_graphs(impl):
    """The tape replays the loss graph (relus across their kinks included): the same
    losses and final weights, bit for bit, as building the graph at every step."""
    X, y = demo.two_moons(40)
    runs = []
    for train, arg in ((demo.train_moons, impl.Value), (demo.train_moons_tape, impl)):
        model = MLP(2, [8, 8, 1], twin=impl, seed=5)
        history = train(model, X, y, arg, steps=12)
        runs.append((history, [p.data for p in model.parameters()]))
    (graph, graph_weights), (tape, tape_weights) = runs
    assert graph.loss == tape.loss and graph_weights == tape_weights
    assert len(set(graph.loss)) == 12  # it did train
    for k in (0, 10, 11):  # measured on those steps, at the same weights
        assert tape.accuracy[k] == graph.accuracy[k]


@pytest.mark.long
def test_the_demo_with_a_tape(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert cli.main(["demo", "--tape", "--steps", "2", "--out", str(tmp_path)]) in (0, 1)
    out = capsys.readouterr().out
    assert re.search(r"SGD, 2 steps \((compiled|pure) twin, a tape\)", out)
    assert re.search(r"\n  cydiff \((compiled|pure), tape\) +[\d.]+ ms +1\.0×\n", out)
    assert re.search(r"the tape's step is \d+× faster than building the graph anew", out)
