"""cydiff's benchmarks: `python -m benchmarks` (or `make bench`)."""
