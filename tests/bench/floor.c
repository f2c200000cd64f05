/*
 * floor.c - the benchmark's floor: the time to make every random draw a run
 * of the model makes (the same generator, samplers and parameters, customers
 * evolving as in the run), with none of the model's cost arithmetic and no
 * statistics.  `make bench` compares cpcsim's run time with it.
 *
 *   floor MODEL PATHS THREADS   prints the seconds taken
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_errno.h>

#include "sim/engine.h"
#include "sim/mem.h"
#include "sim/model.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: floor MODEL PATHS THREADS\n");
        return 64;
    }
    gsl_set_error_handler_off();
    struct diag *d = diag_new();
    struct model *m = NULL;
    if (model_load(argv[1], d, &m) != ST_OK || model_prepare_draws(m) != ST_OK) {
        diag_print(d, stderr);
        return 65;
    }
    size_t *scen = mem_calloc(m->nscenarios, sizeof *scen);
    for (size_t i = 0; i < m->nscenarios; i++)
        scen[i] = i;
    struct run_options o = {
        .seed = 1,
        .paths = strtoull(argv[2], NULL, 10),
        .threads = (int)strtol(argv[3], NULL, 10),
        .scenarios = scen,
        .nscenarios = m->nscenarios,
        .draws_only = 1,
    };
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct results *r = NULL;
    enum status st = engine_run(m, &o, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%.6f\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    mem_free(scen);
    model_free(m);
    diag_free(d);
    return st == ST_OK ? 0 : 70;
}
