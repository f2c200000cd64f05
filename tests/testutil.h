/*
 * testutil.h - helpers shared by the cmocka test binaries.
 *
 * cmocka 1.1 compares floats only in single precision, so doubles are
 * compared here with an explicit tolerance.  Model folders for tests are
 * written into a fresh temporary folder from inline CSV text.
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
