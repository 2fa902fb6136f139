/* The forward-mode figure's g(x) = sin(x^2 + 1) exp(-x) / (1 + x^2) and g'(x), by hand,
   over many points: the physical limit for a tape's batch of one-input derivatives. */
#include <math.h>

void g_and_dg(const double *x, long n, double *value, double *deriv)
{
    for (long k = 0; k < n; k++) {
        double t = x[k], u = t * t + 1.0, s = sin(u), c = cos(u), e = exp(-t);
        double num = s * e, q = num / u;
        value[k] = q;
        deriv[k] = ((2.0 * t * c * e - s * e) - q * 2.0 * t) / u;
    }
}
