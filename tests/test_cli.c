/*
 * test_cli.c - the command-line parser (sim/cli.c), called directly on a
 * table of options of every kind, named like run's: values in every form
 * (-n200, --paths=200, -qn200), defaults kept, repeated options, "--",
 * each argument error with its exact message, the suggestions for unknown
 * options and commands (and none when nothing is close), parsing again
 * after a failure inside a group of flags, and the generated help.  The
 * real commands' tables are checked for clashing names and letters.
 */
#include "testutil.h"

#include <ctype.h>
#include <limits.h>

#include "sim/cli.h"

struct targs {
    const char *model;
    const char *output;
    unsigned long long paths, seed;
    struct cli_list scenarios;
    int sampling;
    double precision;
    int quiet;
};

#define F(x) offsetof(struct targs, x)

static const char *const samplings[] = { "mc", "lhs", "sobol", NULL };

static const struct cli_operand operands[] = {
    { "MODEL", "MODEL folder", F(model) },
};

static const struct cli_option options[] = {
    { "output", 'o', "OUT", CLI_TEXT, F(output), .help = "folder", .expects = "a folder name" },
    { "paths", 'n', "PATHS", CLI_WHOLE, F(paths), .help = "paths", .unit = "paths", .min = 1, .max = 1000000000 },
    { "seed", 's', "SEED", CLI_WHOLE, F(seed), .help = "seed", .min = 0, .max = ULLONG_MAX },
    { "scenario", 0, "NAME", CLI_LIST, F(scenarios), .help = "a scenario", .max = CLI_LIST_MAX },
    { "sampling", 0, "S", CLI_CHOICE, F(sampling), .help = "how\nspread", .choices = samplings },
    { "precision", 0, "P", CLI_FRACTION, F(precision), .help = "target", .expects = "a target above 0" },
    { "quiet", 'q', NULL, CLI_FLAG, F(quiet), .help = "no bar" },
    { "help", 'h', NULL, CLI_SHOW_HELP, 0, .help = "show this help" },
};

static const struct cli_command cmd = {
    .name = "try",
    .main = NULL,
    .summary = "a test",
    .operands = operands,
    .noperands = CLI_COUNT(operands),
    .options = options,
    .noptions = CLI_COUNT(options),
    .about = "About it.\n",
    .notes = "Notes.\n",
};

static struct targs a;
static struct cli_failure f;
static char words[80][CLI_WRITTEN_MAX + 64];
static char *argv_[81];

static void defaults(void)
{
    memset(&a, 0, sizeof a);
    a.output = "out";
    a.seed = 1;
}

/* Parses the command "try" with the arguments given (NULL-terminated), from
 * the defaults. */
static enum cli_error parse(const char *first, ...)
{
    defaults();
    int argc = 0;
    snprintf(words[argc], sizeof words[argc], "try");
    argv_[argc] = words[argc];
    argc++;
    va_list ap;
    va_start(ap, first);
    for (const char *w = first; w; w = va_arg(ap, const char *)) {
        snprintf(words[argc], sizeof words[argc], "%s", w);
        argv_[argc] = words[argc];
        argc++;
    }
    va_end(ap);
    argv_[argc] = NULL;
    return cli_parse(&cmd, argc, argv_, &a, &f);
}

static void assert_message(const char *want)
{
    char got[1024];
    cli_message(&f, got, sizeof got);
    assert_string_equal(got, want);
}

/* ---- what is read ---- */

static void defaults_stay_when_nothing_is_given(void **state)
{
    (void)state;
    assert_int_equal(parse("m", NULL), CLI_OK);
    assert_string_equal(a.model, "m");
    assert_string_equal(a.output, "out");
    assert_int_equal(a.paths, 0);
    assert_int_equal(a.seed, 1);
    assert_int_equal(a.scenarios.n, 0);
    assert_int_equal(a.quiet, 0);
    assert_int_equal(a.sampling, 0);
}

static void values_are_read_in_every_form(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-n", "200", NULL), CLI_OK);
    assert_int_equal(a.paths, 200);
    assert_int_equal(parse("m", "-n200", NULL), CLI_OK);
    assert_int_equal(a.paths, 200);
    assert_int_equal(parse("m", "--paths", "300", NULL), CLI_OK);
    assert_int_equal(a.paths, 300);
    assert_int_equal(parse("--paths=400", "m", NULL), CLI_OK);
    assert_int_equal(a.paths, 400);
    assert_string_equal(a.model, "m");
    assert_int_equal(parse("-qn500", "m", NULL), CLI_OK);
    assert_int_equal(a.quiet, 1);
    assert_int_equal(a.paths, 500);
    assert_int_equal(parse("m", "-s", "18446744073709551615", "-o/tmp/x", "--sampling=sobol", "--precision",
                           "0.5%", NULL),
                     CLI_OK);
    assert_true(a.seed == ULLONG_MAX);
    assert_string_equal(a.output, "/tmp/x");
    assert_int_equal(a.sampling, 2);
    assert_close(a.precision, 0.005, 1e-15);
}

static void the_last_of_an_option_given_twice_counts(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-n", "1", "--paths", "2", NULL), CLI_OK);
    assert_int_equal(a.paths, 2);
}

static void a_repeated_list_option_keeps_every_value_in_order(void **state)
{
    (void)state;
    assert_int_equal(parse("--scenario", "plan", "m", "--scenario=real", "--scenario", "plan", NULL), CLI_OK);
    assert_int_equal(a.scenarios.n, 3);
    assert_string_equal(a.scenarios.item[0], "plan");
    assert_string_equal(a.scenarios.item[1], "real");
    assert_string_equal(a.scenarios.item[2], "plan");
}

static void a_list_option_stops_at_its_most(void **state)
{
    (void)state;
    defaults();
    int argc = 0;
    argv_[argc++] = words[0];
    snprintf(words[0], sizeof words[0], "try");
    for (int i = 0; i < CLI_LIST_MAX + 1; i++) {
        snprintf(words[argc], sizeof words[argc], "--scenario=s%d", i);
        argv_[argc] = words[argc];
        argc++;
    }
    argv_[argc] = NULL;
    assert_int_equal(cli_parse(&cmd, argc, argv_, &a, &f), CLI_TOO_MANY);
    assert_int_equal(a.scenarios.n, CLI_LIST_MAX);
    assert_message("too many --scenario options (at most 64)");
}

static void double_dash_ends_the_options(void **state)
{
    (void)state;
    assert_int_equal(parse("-q", "--", "-n", NULL), CLI_OK);
    assert_string_equal(a.model, "-n");
    assert_int_equal(a.paths, 0);
    assert_int_equal(parse("--", "m", "-q", NULL), CLI_EXTRA_OPERAND);
    assert_message("one MODEL folder only; '-q' is one too many");
}

static void a_lone_dash_and_a_dashed_value_are_not_options(void **state)
{
    (void)state;
    assert_int_equal(parse("-", NULL), CLI_OK);
    assert_string_equal(a.model, "-");
    assert_int_equal(parse("m", "-o", "-q", NULL), CLI_OK);
    assert_string_equal(a.output, "-q");
    assert_int_equal(a.quiet, 0);
}

static void the_arguments_keep_their_order(void **state)
{
    (void)state;
    assert_int_equal(parse("-q", "m", "-n", "5", NULL), CLI_OK);
    assert_string_equal(argv_[1], "-q");
    assert_string_equal(argv_[2], "m");
    assert_string_equal(argv_[3], "-n");
    assert_string_equal(argv_[4], "5");
}

static void help_stops_the_parse(void **state)
{
    (void)state;
    assert_int_equal(parse("--help", "--frob", NULL), CLI_HELP);
    assert_message("");
    assert_int_equal(parse("-qh", NULL), CLI_HELP);
    assert_int_equal(parse("-n", "0", "-h", NULL), CLI_BAD_VALUE);
}

/* getopt_long keeps its place inside "-qx" in static state: a parse that
 * failed there must not leak into the next one. */
static void parsing_again_after_a_failure_inside_a_group(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-qxn5", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '-x'");
    assert_int_equal(parse("-n7", "m", NULL), CLI_OK);
    assert_int_equal(a.paths, 7);
    assert_int_equal(a.quiet, 0);
}

/* ---- each error, with its message ---- */

static void an_unknown_option(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "--frob", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--frob'");
    assert_int_equal(parse("m", "--frob=1", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--frob'");
    assert_int_equal(parse("m", "-x", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '-x'");
    assert_int_equal(parse("m", "--a\tb", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--a\\x09b'");
}

static void an_option_without_its_value(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-n", NULL), CLI_NEEDS_VALUE);
    assert_message("option '-n' needs a value");
    assert_int_equal(parse("m", "--paths", NULL), CLI_NEEDS_VALUE);
    assert_message("option '--paths' needs a value");
    assert_int_equal(parse("m", "-qn", NULL), CLI_NEEDS_VALUE);
    assert_message("option '-n' needs a value");
    assert_int_equal(parse("m", "--scenario", NULL), CLI_NEEDS_VALUE);
    assert_message("option '--scenario' needs a value");
}

static void a_flag_with_a_value(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "--quiet=yes", NULL), CLI_TAKES_NO_VALUE);
    assert_message("option '--quiet' takes no value, got 'yes'");
    assert_int_equal(parse("m", "--help=", NULL), CLI_TAKES_NO_VALUE);
    assert_message("option '--help' takes no value, got ''");
}

static void bad_values_say_what_to_write(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-n", "0", NULL), CLI_BAD_VALUE);
    assert_message("-n takes a whole number of paths from 1 to 1000000000, got '0'");
    assert_int_equal(parse("m", "--paths=2e3", NULL), CLI_BAD_VALUE);
    assert_message("--paths takes a whole number of paths from 1 to 1000000000, got '2e3'");
    assert_int_equal(parse("m", "-n", "-5", NULL), CLI_BAD_VALUE);
    assert_message("-n takes a whole number of paths from 1 to 1000000000, got '-5'");
    assert_int_equal(parse("m", "-n", "+5", NULL), CLI_BAD_VALUE);
    assert_int_equal(parse("m", "-n", " 5", NULL), CLI_BAD_VALUE);
    assert_int_equal(parse("m", "-n", "1000000001", NULL), CLI_BAD_VALUE);
    assert_int_equal(parse("m", "-s", "18446744073709551616", NULL), CLI_BAD_VALUE);
    assert_message("-s takes a whole number from 0 to 18446744073709551615, got '18446744073709551616'");
    assert_int_equal(parse("m", "--sampling", "quasi", NULL), CLI_BAD_VALUE);
    assert_message("--sampling takes mc, lhs or sobol, got 'quasi'");
    assert_int_equal(parse("m", "--precision", "150%", NULL), CLI_BAD_VALUE);
    assert_message("--precision takes a target above 0, got '150%'");
    assert_int_equal(parse("m", "--precision", "0", NULL), CLI_BAD_VALUE);
    assert_int_equal(parse("m", "--precision", "1", NULL), CLI_BAD_VALUE);
    assert_int_equal(parse("m", "-o", "", NULL), CLI_BAD_VALUE);
    assert_message("-o takes a folder name, got ''");
    /* a bad value leaves the field as it was */
    assert_int_equal(a.output[0], 'o');
}

static void a_missing_operand(void **state)
{
    (void)state;
    assert_int_equal(parse("-q", NULL), CLI_MISSING_OPERAND);
    assert_message("missing the MODEL folder");
}

static void an_operand_too_many(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-q", "n", NULL), CLI_EXTRA_OPERAND);
    assert_message("one MODEL folder only; 'n' is one too many");
}

static void an_unknown_command(void **state)
{
    (void)state;
    static const struct cli_command check = { .name = "check" };
    const struct cli_command *const commands[] = { &cmd, &check };
    assert_null(cli_find_command(commands, 2, "chek", &f));
    assert_int_equal(f.error, CLI_UNKNOWN_COMMAND);
    assert_message("unknown command 'chek'; did you mean 'check'?");
    assert_null(cli_find_command(commands, 2, "frobnicate", &f));
    assert_message("unknown command 'frobnicate'; commands are try and check");
    assert_ptr_equal(cli_find_command(commands, 2, "check", &f), &check);
}

/* ---- suggestions ---- */

static void near_misses_get_the_nearest_option(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "--path", "5", NULL), CLI_UNKNOWN_OPTION); /* an abbreviation: refused */
    assert_message("unknown option '--path'; did you mean '--paths'?");
    assert_int_equal(parse("m", "--seeds", "5", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--seeds'; did you mean '--seed'?");
    assert_int_equal(parse("m", "--scenarios=x", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--scenarios'; did you mean '--scenario'?");
    assert_int_equal(parse("m", "--quite", NULL), CLI_UNKNOWN_OPTION); /* a transposition */
    assert_message("unknown option '--quite'; did you mean '--quiet'?");
    assert_int_equal(parse("m", "--outptu=x", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--outptu'; did you mean '--output'?");
    assert_int_equal(parse("m", "--samplingmode", "lhs", NULL), CLI_UNKNOWN_OPTION); /* an extension */
    assert_message("unknown option '--samplingmode'; did you mean '--sampling'?");
}

static void an_abbreviation_lists_every_option_it_abbreviates(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "--pa", "5", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--pa'; did you mean '--paths'?");
    assert_int_equal(parse("m", "--p", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--p'; did you mean '--paths' or '--precision'?");
    assert_int_equal(parse("m", "--s", "1", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--s'; did you mean '--seed', '--scenario' or '--sampling'?");
}

static void a_long_option_with_one_dash_gets_a_suggestion(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "-paths", "5", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '-paths'; did you mean '--paths'?");
    assert_int_equal(parse("m", "-zzz", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '-z'");
}

static void nothing_close_gets_no_suggestion(void **state)
{
    (void)state;
    assert_int_equal(parse("m", "--zzz", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--zzz'");
    assert_int_equal(f.nnear, 0);
    assert_int_equal(parse("m", "--threads", "2", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--threads'");
    assert_int_equal(parse("m", "--=5", NULL), CLI_UNKNOWN_OPTION);
    assert_message("unknown option '--'");
}

static void distance_counts_edits_and_transpositions(void **state)
{
    (void)state;
    assert_int_equal(cli_distance("seed", 4, "seed", 4), 0);
    assert_int_equal(cli_distance("", 0, "abc", 3), 3);
    assert_int_equal(cli_distance("abc", 3, "", 0), 3);
    assert_int_equal(cli_distance("path", 4, "paths", 5), 1);
    assert_int_equal(cli_distance("quite", 5, "quiet", 5), 1);
    assert_int_equal(cli_distance("kitten", 6, "sitting", 7), 3);
    assert_int_equal(cli_distance("ca", 2, "abc", 3), 3); /* optimal string alignment, not full Damerau */
    char longer[80];
    memset(longer, 'a', sizeof longer);
    assert_true(cli_distance(longer, 64, "a", 1) == SIZE_MAX);
    assert_int_equal(cli_distance(longer, 63, "a", 1), 62);
    /* longer strings: the distance when it is at most 8, the same as the
     * full programme gives on their tails (a common head costs nothing) */
    char x1[200], x2[200];
    memset(x1, 'x', sizeof x1);
    memcpy(x2, x1, sizeof x2);
    memcpy(x1 + 190, "quiet", 5);
    memcpy(x2 + 190, "quite", 5);
    assert_int_equal(cli_distance(x1, 195, x2, 195), 1);
    assert_int_equal(cli_distance(x1, 195, x1, 195), 0);
    memcpy(x1 + 180, "kitten", 6);
    memcpy(x2 + 180, "sitting", 7);
    assert_int_equal(cli_distance(x1, 186, x2, 187), 3);
    memcpy(x1 + 180, "ca", 2);
    memcpy(x2 + 180, "abc", 3);
    assert_int_equal(cli_distance(x1, 182, x2, 183), 3);
    assert_true(cli_distance(x1, 70, x2, 80) == SIZE_MAX);
    assert_int_equal(cli_distance(x1, 100, x1, 108), 8);
    assert_true(cli_distance(x1, 100, x1, 109) == SIZE_MAX);
    assert_int_equal(cli_distance(x1, 64, x1, 60), 4);
    assert_int_equal(cli_distance(longer, 63, longer, 64), 1);
    /* nine substitutions in a row: beyond the band's reach */
    memcpy(x2, x1, sizeof x2);
    memset(x2 + 100, 'y', 9);
    assert_true(cli_distance(x1, 150, x2, 150) == SIZE_MAX);
    memset(x2 + 100, 'x', 1);
    assert_int_equal(cli_distance(x1, 150, x2, 150), 8);
}

/* ---- help ---- */

static char *help_of(const struct cli_command *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    cli_help(c, out);
    fclose(out);
    return text;
}

static void help_is_made_from_the_table(void **state)
{
    (void)state;
    char *text = help_of(&cmd);
    assert_string_equal(text, "usage: cpcsim try MODEL [-o OUT] [-n PATHS] [-s SEED] [--scenario NAME]...\n"
                              "                  [--sampling mc|lhs|sobol] [--precision P] [--quiet]\n"
                              "\n"
                              "About it.\n"
                              "\n"
                              "  -o, --output OUT     folder\n"
                              "  -n, --paths PATHS    paths\n"
                              "  -s, --seed SEED      seed\n"
                              "      --scenario NAME  a scenario\n"
                              "      --sampling S     how\n"
                              "                       spread\n"
                              "      --precision P    target\n"
                              "  -q, --quiet          no bar\n"
                              "  -h, --help           show this help\n"
                              "\n"
                              "Notes.\n");
    free(text);
}

/* The real commands: every option has a name and help, no two share a name
 * or a letter, letters are letters or digits (getopt_long's option string
 * gives ':' and '-' a meaning), a value name exactly when the kind takes
 * one, and --help; every line of their help fits in 90 columns. */
static void the_commands_tables_hold_together(void **state)
{
    (void)state;
    const struct cli_command *const commands[] = { &cmd_run_command, &cmd_check_command };
    for (size_t k = 0; k < CLI_COUNT(commands); k++) {
        const struct cli_command *c = commands[k];
        int help = 0;
        assert_true(c->noptions <= CLI_MAX_OPTIONS);
        assert_non_null(c->main);
        assert_non_null(c->summary);
        for (size_t i = 0; i < c->noptions; i++) {
            const struct cli_option *o = &c->options[i];
            assert_non_null(o->name);
            assert_non_null(o->help);
            assert_int_equal(o->value == NULL, o->kind == CLI_FLAG || o->kind == CLI_SHOW_HELP);
            assert_true(!o->letter || isalnum((unsigned char)o->letter));
            assert_true(o->kind != CLI_CHOICE || o->choices);
            assert_true(o->kind != CLI_LIST || (o->max >= 1 && o->max <= CLI_LIST_MAX));
            assert_true(o->kind != CLI_WHOLE || o->min <= o->max);
            help |= o->kind == CLI_SHOW_HELP && !strcmp(o->name, "help") && o->letter == 'h';
            for (size_t j = 0; j < i; j++) {
                assert_string_not_equal(o->name, c->options[j].name);
                assert_true(!o->letter || o->letter != c->options[j].letter);
            }
        }
        assert_true(help);
        char *text = help_of(c);
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            assert_in_range(strlen(line), 0, 90);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_stay_when_nothing_is_given),
        cmocka_unit_test(values_are_read_in_every_form),
        cmocka_unit_test(the_last_of_an_option_given_twice_counts),
        cmocka_unit_test(a_repeated_list_option_keeps_every_value_in_order),
        cmocka_unit_test(a_list_option_stops_at_its_most),
        cmocka_unit_test(double_dash_ends_the_options),
        cmocka_unit_test(a_lone_dash_and_a_dashed_value_are_not_options),
        cmocka_unit_test(the_arguments_keep_their_order),
        cmocka_unit_test(help_stops_the_parse),
        cmocka_unit_test(parsing_again_after_a_failure_inside_a_group),
        cmocka_unit_test(an_unknown_option),
        cmocka_unit_test(an_option_without_its_value),
        cmocka_unit_test(a_flag_with_a_value),
        cmocka_unit_test(bad_values_say_what_to_write),
        cmocka_unit_test(a_missing_operand),
        cmocka_unit_test(an_operand_too_many),
        cmocka_unit_test(an_unknown_command),
        cmocka_unit_test(near_misses_get_the_nearest_option),
        cmocka_unit_test(an_abbreviation_lists_every_option_it_abbreviates),
        cmocka_unit_test(a_long_option_with_one_dash_gets_a_suggestion),
        cmocka_unit_test(nothing_close_gets_no_suggestion),
        cmocka_unit_test(distance_counts_edits_and_transpositions),
        cmocka_unit_test(help_is_made_from_the_table),
        cmocka_unit_test(the_commands_tables_hold_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
