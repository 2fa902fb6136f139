"""`python -m benchmarks` from a checkout with an in-place build (`make build`)."""

from .run import main

main()
