# cython: language_level=3
"""lgamma and its derivatives for the compiled op table (`_gamma_c.pyx`)."""

cdef double cpython_lgamma(double x) noexcept nogil  # math.lgamma's bits; inf at a pole
cdef double digamma(double x) noexcept nogil         # ψ = lgamma'; nan at a pole
cdef double trigamma(double x) noexcept nogil        # ψ₁ = lgamma''; inf at a pole
