/* micrograd's demo loss and its gradient, written by hand: the physical limit a tape
   of the same loss is measured against (benchmarks/hand.py builds and loads it).

   The loss is benchmarks/figures.py's demo_loss: an MLP 2-16-16-1 (relu, relu,
   linear) on m points, the mean max-margin loss relu(1 - y·score), plus 1e-4 times
   the sum of the squared parameters. theta holds the parameters in cydiff.nn's
   order (layer by layer, neuron by neuron: its weights, then its bias). Written as a
   C programmer would: per point, forward then backward, the sums in the tape's order
   (w0·x0 + w1·x1 + ... + b), without -ffast-math. */
#include <string.h>

#define N0 2
#define N1 16
#define N2 16
#define N_PARAMS (N1 * (N0 + 1) + N2 * (N1 + 1) + (N2 + 1))

int demo_n_params(void) { return N_PARAMS; }

/* The loss at theta; its gradient into grad (N_PARAMS doubles). */
double demo_loss(const double *theta, const double *X, const double *y, int m, double *grad)
{
    const double *p1 = theta, *p2 = p1 + N1 * (N0 + 1), *p3 = p2 + N2 * (N1 + 1);
    double *g1 = grad, *g2 = g1 + N1 * (N0 + 1), *g3 = g2 + N2 * (N1 + 1);
    double data = 0.0, reg = 0.0, scale = 1.0 / m;
    memset(grad, 0, N_PARAMS * sizeof(double));
    for (int r = 0; r < m; r++) {
        const double *x = X + N0 * r;
        double h1[N1], h2[N2], gh1[N1], gh2[N2], s, margin, gs;
        for (int j = 0; j < N1; j++) {
            const double *w = p1 + j * (N0 + 1);
            double z = w[0] * x[0];
            for (int i = 1; i < N0; i++) z += w[i] * x[i];
            z += w[N0];
            h1[j] = z > 0.0 ? z : 0.0;
        }
        for (int j = 0; j < N2; j++) {
            const double *w = p2 + j * (N1 + 1);
            double z = w[0] * h1[0];
            for (int i = 1; i < N1; i++) z += w[i] * h1[i];
            z += w[N1];
            h2[j] = z > 0.0 ? z : 0.0;
        }
        s = p3[0] * h2[0];
        for (int i = 1; i < N2; i++) s += p3[i] * h2[i];
        s += p3[N2];
        margin = 1.0 + -y[r] * s;
        if (margin <= 0.0) continue;  /* relu: nothing flows back from this point */
        data += margin;
        gs = -y[r] * scale;
        for (int i = 0; i < N2; i++) {
            g3[i] += gs * h2[i];
            gh2[i] = h2[i] > 0.0 ? gs * p3[i] : 0.0;
        }
        g3[N2] += gs;
        memset(gh1, 0, sizeof gh1);
        for (int j = 0; j < N2; j++) {
            const double *w = p2 + j * (N1 + 1);
            double *gw = g2 + j * (N1 + 1), gz = gh2[j];
            if (gz == 0.0) continue;
            for (int i = 0; i < N1; i++) {
                gw[i] += gz * h1[i];
                gh1[i] += gz * w[i];
            }
            gw[N1] += gz;
        }
        for (int j = 0; j < N1; j++) {
            double *gw = g1 + j * (N0 + 1), gz = h1[j] > 0.0 ? gh1[j] : 0.0;
            if (gz == 0.0) continue;
            for (int i = 0; i < N0; i++) gw[i] += gz * x[i];
            gw[N0] += gz;
        }
    }
    for (int k = 0; k < N_PARAMS; k++) {
        reg += theta[k] * theta[k];
        grad[k] += 2e-4 * theta[k];
    }
    return data * scale + 1e-4 * reg;
}

/* demo_loss at each of the rows of thetas (rows x N_PARAMS), one after another. */
void demo_loss_rows(const double *thetas, int rows, const double *X, const double *y, int m,
                    double *values, double *grads)
{
    for (int k = 0; k < rows; k++)
        values[k] = demo_loss(thetas + (long)k * N_PARAMS, X, y, m, grads + (long)k * N_PARAMS);
}
