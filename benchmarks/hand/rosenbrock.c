/* The n-D Rosenbrock function (scipy.optimize.rosen), its gradient and its Hessian,
   written by hand: the physical limit for the tape's figures (benchmarks/hand.py).
   f(x) = sum_i 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2. */
#include <string.h>

double rosen_grad(const double *x, int n, double *g)
{
    double f = 0.0;
    memset(g, 0, n * sizeof(double));
    for (int i = 0; i < n - 1; i++) {
        double d = x[i + 1] - x[i] * x[i], e = 1.0 - x[i];
        f += 100.0 * d * d + e * e;
        g[i] += -400.0 * d * x[i] - 2.0 * e;
        g[i + 1] += 200.0 * d;
    }
    return f;
}

/* The dense n x n Hessian (row-major), as scipy.optimize.rosen_hess returns it. */
void rosen_hess(const double *x, int n, double *H)
{
    memset(H, 0, (size_t)n * n * sizeof(double));
    for (int i = 0; i < n - 1; i++) {
        H[(size_t)i * n + i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        H[(size_t)i * n + i + 1] = -400.0 * x[i];
        H[(size_t)(i + 1) * n + i] = -400.0 * x[i];
        H[(size_t)(i + 1) * n + i + 1] += 200.0;
    }
}
