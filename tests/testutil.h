/*
 * testutil.h - helpers shared by the cmocka test binaries.
 *
 * cmocka 1.1 compares floats only in single precision, so doubles are
 * compared here with an explicit tolerance.  Model folders for tests are
 * written into a fresh temporary folder from inline CSV text, and loaded
 * as a run loads them (tu_load_model).
 */
#ifndef CPC_TESTUTIL_H
#define CPC_TESTUTIL_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sim/diag.h"
#include "sim/model.h"

/* |a - b| <= tol, or both NAN. */
#define assert_close(a, b, tol) assert_close_at((a), (b), (tol), __FILE__, __LINE__)

static inline void assert_close_at(double a, double b, double tol, const char *file, int line)
{
    if ((isnan(a) && isnan(b)) || fabs(a - b) <= tol)
        return;
    print_error("%s:%d: %.17g != %.17g (tolerance %g)\n", file, line, a, b, tol);
    _fail(file, line);
}

/* A fresh temporary folder; the caller removes it with tu_rmdir. */
static inline char *tu_tmpdir(void)
{
    char *dir = malloc(64);
    snprintf(dir, 64, "/tmp/cpcsim-test-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    return dir;
}

/* Writes TEXT into DIR/NAME. */
static inline void tu_write(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
}

/* Writes the N files FILES ({ name, text } each) into DIR. */
static inline void tu_write_files(const char *dir, const char *files[][2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        tu_write(dir, files[i][0], files[i][1]);
}

/* Loads the model folder DIR as a run does: model_load, then
 * model_prepare_draws.  A model that does not load fails the test, its
 * diagnostics printed first.  The caller frees it with model_free. */
static inline struct model *tu_load_model(const char *dir)
{
    struct diag *d = diag_new();
    assert_non_null(d);
    struct model *m = NULL;
    enum status st = model_load(dir, d, &m);
    if (st != ST_OK) {
        diag_print(d, stderr);
        fail_msg("%s does not load", dir);
    }
    diag_free(d);
    assert_int_equal(model_prepare_draws(m), ST_OK);
    return m;
}

/* The model of the N files FILES, written into a fresh temporary folder
 * (*DIR, removed with tu_rmdir) and loaded by tu_load_model. */
static inline struct model *tu_model(const char *files[][2], size_t n, char **dir)
{
    *dir = tu_tmpdir();
    tu_write_files(*dir, files, n);
    return tu_load_model(*dir);
}

/* Removes DIR and the files in it (one level), and frees the name. */
static inline void tu_rmdir(char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        abort();
    free(dir);
}

#endif
