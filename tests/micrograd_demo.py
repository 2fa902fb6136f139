"""micrograd's demo (demo.ipynb), as its users write it, with cydiff in micrograd's place.

`python tests/micrograd_demo.py` trains on cydiff's default twin
(`CYDIFF_NO_EXTENSIONS=1` for the pure one). The notebook's code is `demo()`,
cell by cell; the only changes are the two imports at the bottom and a numpy
`make_moons` (scikit-learn's generator, which the notebook imports, is not a
dependency). tests/test_nn.py runs `demo` on both twins, and on micrograd itself
when it is installed.
"""

import random

import numpy as np


def make_moons(n_samples=100, noise=None):
    """Two interleaving half circles, as sklearn.datasets.make_moons draws them
    (shuffled, then Gaussian noise), from numpy's global generator."""
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = np.linspace(0, np.pi, n_out)
    inner = np.linspace(0, np.pi, n_in)
    X = np.vstack([np.append(np.cos(outer), 1 - np.cos(inner)),
                   np.append(np.sin(outer), 1 - np.sin(inner) - .5)]).T
    y = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    order = np.random.permutation(n_samples)
    X, y = X[order], y[order]
    if noise is not None:
        X += np.random.normal(scale=noise, size=X.shape)
    return X, y


def demo(Value, MLP, n_samples=100, steps=100, log=print):
    """The notebook: returns the model and each step's (loss, accuracy)."""
    np.random.seed(1337)
    random.seed(1337)

    # make up a dataset
    X, y = make_moons(n_samples=n_samples, noise=0.1)
    y = y*2 - 1 # make y be -1 or 1

    # initialize a model
    model = MLP(2, [16, 16, 1]) # 2-layer neural network
    log(model)
    log("number of parameters", len(model.parameters()))

    # loss function
    def loss(batch_size=None):

        # inline DataLoader :)
        if batch_size is None:
            Xb, yb = X, y
        else:
            ri = np.random.permutation(X.shape[0])[:batch_size]
            Xb, yb = X[ri], y[ri]
        inputs = [list(map(Value, xrow)) for xrow in Xb]

        # forward the model to get scores
        scores = list(map(model, inputs))

        # svm "max-margin" loss
        losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        # L2 regularization
        alpha = 1e-4
        reg_loss = alpha * sum((p*p for p in model.parameters()))
        total_loss = data_loss + reg_loss

        # also get accuracy
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    total_loss, acc = loss()
    log(total_loss, acc)

    # optimization
    history = []
    for k in range(steps):

        # forward
        total_loss, acc = loss()

        # backward
        model.zero_grad()
        total_loss.backward()

        # update (sgd)
        learning_rate = 1.0 - 0.9*k/100
        for p in model.parameters():
            p.data -= learning_rate * p.grad

        if k % 1 == 0:
            log(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
        history.append((total_loss.data, acc))
    return model, history


if __name__ == "__main__":
    from cydiff import Value     # micrograd: from micrograd.engine import Value
    from cydiff.nn import MLP    # micrograd: from micrograd.nn import Neuron, Layer, MLP

    demo(Value, MLP)
