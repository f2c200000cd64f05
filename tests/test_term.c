/*
 * test_term.c - what reaches a terminal (sim/term.c) and the diagnostics
 * sink's bounds (sim/diag.c): every class of byte a terminal acts on shown
 * escaped, valid UTF-8 kept, escapes never cut in half, columns padded and
 * cut; diagnostics escaped, kept whole and capped between prints; run.csv's
 * command line quoted so that sh reads back the same words.
 */
#include "testutil.h"

#include "sim/cli.h"
#include "sim/diag.h"
#include "sim/mem.h"
#include "sim/term.h"

static void escapes(const char *in, const char *want)
{
    char buf[256];
    size_t n = term_escape(in, buf, sizeof buf);
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_escape_classes(void **state)
{
    (void)state;
    escapes("plain name", "plain name");
    escapes("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80"); /* UTF-8 kept */
    escapes("\x1b[31mred", "\\x1b[31mred");             /* ESC */
    escapes("a\rb\bc\td\ne\x07", "a\\x0db\\x08c\\x09d\\x0ae\\x07"); /* every C0 control */
    escapes("x\x7fy", "x\\x7fy");                       /* DEL */
    escapes("\xc2\x9b" "2J", "\\xc2\\x9b2J");           /* C1 CSI written in UTF-8 */
    escapes("\x9b" "2J", "\\x9b2J");                    /* a raw C1 byte (not UTF-8) */
    escapes("\xff\xfe", "\\xff\\xfe");                  /* bytes that are not UTF-8 */
    escapes("\xc0\xaf", "\\xc0\\xaf");                  /* an overlong form */
    escapes("ab\xe2\x80\xae" "cd", "ab\\u202ecd");      /* a bidirectional override */
    escapes("\xe2\x81\xa6x", "\\u2066x");               /* an isolate */
    escapes("back\\slash", "back\\slash");
}

static void test_escape_cut(void **state)
{
    (void)state;
    char buf[8];
    /* "ab" fits, the 4 bytes of \x1b would pass the 7 that fit: cut before it */
    assert_int_equal(term_escape("ab\x1b\x1b", buf, 7), 10);
    assert_string_equal(buf, "ab\\x1b");
    assert_int_equal(term_escape("ab\x1b", buf, 6), 6);
    assert_string_equal(buf, "ab");
    assert_int_equal(term_escape("\xc3\xa9\xc3\xa9", buf, 4), 4); /* not inside a UTF-8 sequence */
    assert_string_equal(buf, "\xc3\xa9");
    assert_int_equal(term_escape("abc", NULL, 0), 3);
}

static char *column(const char *s, int width)
{
    static char buf[256];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    term_column(f, s, width);
    fclose(f);
    return buf;
}

static void test_column(void **state)
{
    (void)state;
    assert_string_equal(column("ab", 5), "ab   ");
    assert_string_equal(column("abcdefgh", 5), "ab...");
    assert_string_equal(column("a\x1b", 6), "a\\x1b ");
    assert_string_equal(column("\xc3\xa9t\xc3\xa9", 4), "\xc3\xa9t\xc3\xa9 "); /* characters, not bytes */
}

static void test_diag_escaped_whole(void **state)
{
    (void)state;
    struct diag *d = diag_new();
    char *big = malloc(10001);
    memset(big, 'n', 10000);
    big[10000] = '\0';
    diag_error(d, "m/plans.csv", 2, 1, "plan: '%s'", big);
    diag_warn(d, "m/\x1b]0;title\x07.csv", 3, 0, "name '\x1b[2J'");
    assert_int_equal(diag_count(d), 2);
    assert_int_equal(strlen(diag_message(d, 0)), strlen("m/plans.csv:2:1: plan: ''") + 10000);
    assert_string_equal(diag_message(d, 1), "m/\\x1b]0;title\\x07.csv:3: warning: name '\\x1b[2J'");
    free(big);
    diag_free(d);
}

static void test_diag_capped(void **state)
{
    (void)state;
    struct diag *d = diag_new();
    for (int i = 0; i < 5000; i++)
        diag_error(d, "f.csv", 1, i + 1, "unknown column 'c%d'", i);
    diag_warn(d, "f.csv", 0, 0, "one more");
    assert_int_equal(diag_count(d), DIAG_KEPT);
    assert_int_equal(diag_errors(d), 5000);
    assert_int_equal(diag_warnings(d), 1);
    assert_int_equal(diag_status(d), ST_DATA);
    char buf[8192];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    diag_print(d, f);
    fflush(f);
    size_t lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, DIAG_KEPT + 1);
    assert_non_null(strstr(buf, "f.csv:1:50: unknown column 'c49'\ncpcsim: 4951 more problems not shown (the first 50 are)\n"));
    /* after a print, the next problems are kept again, and printed alone */
    rewind(f);
    diag_error(d, "out", 0, 0, "cannot create");
    diag_print(d, f);
    fputc('\0', f);
    fclose(f);
    assert_string_equal(buf, "out: cannot create\n");
    diag_free(d);
}

/* The words sh reads from LINE, one per line, into BUF. */
static void shell_words(const char *line, char *buf, size_t len)
{
    char path[] = "/tmp/cpcsim-words-XXXXXX";
    int fd = mkstemp(path);
    FILE *s = fdopen(fd, "w");
    fprintf(s, "for w in %s; do printf '%%s|' \"$w\"; done\n", line);
    fclose(s);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "sh %s", path);
    FILE *p = popen(cmd, "r");
    size_t n = fread(buf, 1, len - 1, p);
    buf[n] = '\0';
    pclose(p);
    unlink(path);
}

static void test_command_line(void **state)
{
    (void)state;
    static const char *const given[] = { "./cpcsim", "run", "my model", "--scenario", "it's", "-o", "$HOME/`id`", "", "a\"b\\c",
                     "x;y|z&", "new\nline", "*", "--paths=200" };
    enum { NWORDS = sizeof given / sizeof given[0] };
    char *argv[NWORDS];
    int argc = NWORDS;
    for (int i = 0; i < argc; i++)
        argv[i] = strdup(given[i]);
    char *line = cli_command_line(argc, argv);
    assert_string_equal(line, "./cpcsim run 'my model' --scenario 'it'\\''s' -o '$HOME/`id`' '' 'a\"b\\c' "
                              "'x;y|z&' 'new\nline' '*' --paths=200");
    char words[1024], want[1024] = "";
    shell_words(line, words, sizeof words);
    for (int i = 0; i < argc; i++) {
        strcat(want, argv[i]);
        strcat(want, "|");
    }
    assert_string_equal(words, want);
    mem_free(line);
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    /* never cut: a line longer than any fixed buffer */
    char word[] = "a b", *many[2000];
    for (int i = 0; i < 2000; i++)
        many[i] = word;
    line = cli_command_line(2000, many);
    assert_int_equal(strlen(line), 2000 * 6 - 1);
    mem_free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_classes),
        cmocka_unit_test(test_escape_cut),
        cmocka_unit_test(test_column),
        cmocka_unit_test(test_diag_escaped_whole),
        cmocka_unit_test(test_diag_capped),
        cmocka_unit_test(test_command_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
