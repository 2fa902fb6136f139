/* The memory system's floor under the scaling figure: a bare C loop doing what
   Value.backward() does on a chain, over nodes laid out as the compiled twin's
   (80 bytes, one after another as its pool hands them out), with no Python.

     cc -O2 -o /tmp/memory_floor benchmarks/memory_floor.c
     /tmp/memory_floor 10000 200; /tmp/memory_floor 3000000 5

   On this machine (2 MB of L2 a core): 3.1 ns a node at 10^4 nodes, 8-10 ns at
   3x10^6: past the caches every node comes from DRAM, and the loop slows 2.7-3.3x
   with no interpreter at all. Value.backward() goes from ~5 ns to ~10 ns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct Node {
    long refcnt; void *type;                 /* PyObject header */
    double data, grad, c;
    struct Node *a, *b;
    void *items, *label;
    unsigned long long meta;                 /* creation number << 7 | FOUND | op */
} Node;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 10000, i;
    int reps = argc > 2 ? atoi(argv[2]) : 10, r;
    char *memory = malloc((n + 1) * sizeof(Node));
    Node *nodes = (Node *)(memory + 48);     /* where pymalloc puts a pool's first block */
    double best = 1e30;
    if (memory == NULL || n < 2)
        return 1;
    memset(memory, 0, (n + 1) * sizeof(Node));
    for (r = 0; r < reps; r++) {
        for (i = 0; i < n; i++) {            /* build the chain: each node's child is the one before */
            nodes[i].data = 0.5 + i;
            nodes[i].c = 1.0000001;
            nodes[i].a = i ? &nodes[i - 1] : NULL;
            nodes[i].meta = ((unsigned long long)i << 7) | (i ? 5 : 0);
        }
        Node *node = &nodes[n - 1];
        node->grad = 1.0;
        double start = now();
        while (node) {                       /* newest first: find, zero, pass the gradient on */
            Node *child = node->a;
            if (child) {
                if (!(child->meta & 64)) {
                    child->meta |= 64;
                    child->grad = 0.0;
                }
                child->grad += node->c * node->grad;
            }
            node->meta &= ~64ULL;
            node = child;
        }
        double t = now() - start;
        if (t < best)
            best = t;
    }
    printf("%ld nodes: %.2f ns a node\n", n, best / n * 1e9);
    free(memory);
    return 0;
}
