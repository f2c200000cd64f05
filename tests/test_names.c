/*
 * test_names.c - the sorted name index (sim/names.c): names found whole
 * (never cut at 255 bytes, a prefix is not the name), the first row of a
 * repeated name, rows without a name left out, parts of a list found by
 * length, and 100,000 names indexed and each found in bounded time.
 */
#include "testutil.h"

#include <time.h>

#include "sim/mem.h"
#include "sim/names.h"

struct row {
    long line;
    const char *name;
};

static long find(const struct names *x, const char *s)
{
    return names_find(x, s, strlen(s));
}

static void test_exact_whole(void **state)
{
    (void)state;
    char a[301], b[301];
    memset(a, 'x', 300);
    a[300] = '\0';
    memcpy(b, a, sizeof a);
    b[299] = 'y'; /* differs after the 255th byte */
    struct row rows[] = { { 1, a }, { 2, b }, { 3, "pro" }, { 4, NULL }, { 5, "pro" }, { 6, "" } };
    struct names *x = names_new(rows, 6, sizeof rows[0], offsetof(struct row, name));
    assert_non_null(x);
    assert_int_equal(find(x, a), 0);
    assert_int_equal(find(x, b), 1);
    assert_int_equal(find(x, "pro"), 2); /* the first of a repeated name */
    assert_int_equal(find(x, "pr"), -1); /* a prefix is not the name */
    assert_int_equal(find(x, "prox"), -1);
    assert_int_equal(find(x, ""), 5);
    a[255] = '\0'; /* the first 255 bytes of two names are neither */
    assert_int_equal(find(x, a), -1);
    assert_int_equal(names_find(x, "pro;team", 3), 2); /* a part of a list, by its length */
    names_free(x);
    assert_int_equal(names_find(NULL, "pro", 3), -1);
    names_free(NULL);
}

static void test_long_name(void **state)
{
    (void)state;
    char *big = malloc(10001), *other = malloc(10001);
    memset(big, 'n', 10000);
    big[10000] = '\0';
    memcpy(other, big, 10001);
    other[9999] = 'm';
    struct row rows[] = { { 1, "a" }, { 2, other }, { 3, big } };
    struct names *x = names_new(rows, 3, sizeof rows[0], offsetof(struct row, name));
    assert_int_equal(find(x, big), 2);
    assert_int_equal(find(x, other), 1);
    char *probe = strdup(big); /* the index borrows BIG: change a copy */
    probe[9999] = 'o';
    assert_int_equal(find(x, probe), -1);
    free(probe);
    names_free(x);
    free(big);
    free(other);
}

static void test_many(void **state)
{
    (void)state;
    enum { N = 100000 };
    struct row *rows = calloc(N, sizeof *rows);
    char *text = malloc(N * 32);
    for (size_t i = 0; i < N; i++) {
        snprintf(text + 32 * i, 32, "role %zu", (i * 7919) % N);
        rows[i].name = text + 32 * i;
    }
    clock_t t0 = clock();
    struct names *x = names_new(rows, N, sizeof *rows, offsetof(struct row, name));
    size_t found = 0;
    for (size_t i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "role %zu", (i * 7919) % N);
        found += find(x, name) == (long)i;
    }
    double seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_int_equal(found, N);
    assert_int_equal(find(x, "role 100000"), -1);
    assert_true(seconds < 2); /* a linear search per name takes about a minute */
    names_free(x);
    free(text);
    free(rows);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_whole),
        cmocka_unit_test(test_long_name),
        cmocka_unit_test(test_many),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
