"""Where a tape pickled by cydiff 0.1.0 finds its loader: such pickles name
`cydiff._tape._restore`. Tapes now live in `cydiff._transforms.tape`, and pickle
through its `restore`; this name stays so that older pickles keep loading."""

from ._transforms.tape import restore as _restore

__all__ = ["_restore"]
