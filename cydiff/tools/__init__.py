"""The applications built on cydiff, run by `python -m cydiff` (`cli`): micrograd's
demo, trained and timed (`demo`), and the plots of derivatives and of
finite-difference error (`plots`)."""
