/*
 * test_table.c - the strict CSV reader (sim/table.c), fed in-memory text:
 * good files in every accepted shape (LF, CRLF, mixed line ends, a BOM,
 * quoted headers, quoted fields holding commas, doubled quotes and
 * newlines) give the right cells on the right lines; blank rows are dropped
 * with one counting warning; and each break of the dialect is refused with
 * its exact message, placed at its line (and column where it has one).
 */
#include "testutil.h"

#include <gsl/gsl_errno.h>

#include "sim/diag.h"
#include "sim/status.h"
#include "sim/table.h"

#define NAME "model/x.csv"

static struct diag *d;
static struct table *t;

static int setup(void **state)
{
    (void)state;
    d = diag_new();
    t = NULL;
    return d ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    table_free(t);
    diag_free(d);
    t = NULL;
    d = NULL;
    return 0;
}

static enum status parse_n(const char *text, size_t len)
{
    return table_parse(text, len, NAME, d, &t);
}

/* String literals, NUL bytes included. */
#define PARSE(lit) parse_n(lit, sizeof(lit) - 1)

static void assert_cell(size_t r, size_t c, const char *text, long line)
{
    assert_string_equal(table_cell(t, r, c), text);
    assert_int_equal(table_line(t, r, c), line);
}

/* The only message is MSG, an error. */
static void assert_one_error(const char *msg)
{
    assert_int_equal(diag_count(d), 1);
    assert_int_equal(diag_errors(d), 1);
    assert_string_equal(diag_message(d, 0), msg);
    assert_int_equal(diag_status(d), ST_DATA);
}

/* ---- good files ---- */

static void lf_file_gives_cells_on_their_lines(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2\n3,4\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_int_equal(t->ncols, 2);
    assert_string_equal(t->head[0], "a");
    assert_string_equal(t->head[1], "b");
    assert_int_equal(t->head_line, 1);
    assert_int_equal(t->nrows, 2);
    assert_cell(0, 0, "1", 2);
    assert_cell(0, 1, "2", 2);
    assert_cell(1, 0, "3", 3);
    assert_cell(1, 1, "4", 3);
}

static void name_is_kept_for_messages(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a\n1\n"), ST_OK);
    assert_string_equal(t->name, NAME);
}

static void crlf_file_reads_like_lf(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\r\n1,2\r\n3,4\r\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_int_equal(t->nrows, 2);
    assert_cell(0, 1, "2", 2);
    assert_cell(1, 1, "4", 3);
}

static void mixed_line_ends_keep_line_numbers(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\r\n1,2\n3,4\r5,6\r\n7,8"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_int_equal(t->nrows, 4);
    assert_cell(0, 0, "1", 2);
    assert_cell(1, 0, "3", 3);
    assert_cell(2, 0, "5", 4);
    assert_cell(3, 1, "8", 5);
}

static void last_row_without_line_end_is_kept(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2"), ST_OK);
    assert_int_equal(t->nrows, 1);
    assert_cell(0, 1, "2", 2);
}

static void utf8_bom_is_skipped(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\xEF\xBB\xBF" "a,b\n1,2\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_string_equal(t->head[0], "a");
    assert_cell(0, 0, "1", 2);
}

static void quoted_header_is_unquoted(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\xEF\xBB\xBF\"a\",\"b\"\n1,2\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_string_equal(t->head[0], "a");
    assert_string_equal(t->head[1], "b");
}

static void header_names_and_cells_are_trimmed(void **state)
{
    (void)state;
    assert_int_equal(PARSE(" a , b \n 1 , \" 2 \" \n"), ST_OK);
    assert_string_equal(t->head[0], "a");
    assert_string_equal(t->head[1], "b");
    assert_cell(0, 0, "1", 2);
    assert_cell(0, 1, "2", 2);
}

static void quoted_field_keeps_commas_and_doubled_quotes(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n\"Insurance (D&O, E&O)\",\"say \"\"hi\"\"\"\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_cell(0, 0, "Insurance (D&O, E&O)", 2);
    assert_cell(0, 1, "say \"hi\"", 2);
}

static void cells_after_a_multi_line_field_keep_their_lines(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b,c\n1,\"x\ny\",z\n2,\"p,\"\"q\"\"\",r\n3,4,5\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_int_equal(t->nrows, 3);
    assert_cell(0, 0, "1", 2);
    assert_cell(0, 1, "x\ny", 2);
    assert_cell(0, 2, "z", 3);
    assert_cell(1, 0, "2", 4);
    assert_cell(1, 1, "p,\"q\"", 4);
    assert_cell(2, 2, "5", 5);
}

static void multi_line_field_with_crlf_keeps_lines(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\r\n\"l1\r\nl2\r\nl3\",v\r\n5,6\r\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_cell(0, 0, "l1\r\nl2\r\nl3", 2);
    assert_cell(0, 1, "v", 4);
    assert_cell(1, 0, "5", 5);
}

static void header_only_gives_no_rows(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n"), ST_OK);
    assert_int_equal(diag_count(d), 0);
    assert_int_equal(t->ncols, 2);
    assert_int_equal(t->nrows, 0);
}

static void multibyte_utf8_is_kept(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,caf\xC3\xA9 \xE2\x82\xAC\n"), ST_OK);
    assert_cell(0, 1, "caf\xC3\xA9 \xE2\x82\xAC", 2);
}

static void field_of_exactly_64_kib_is_accepted(void **state)
{
    (void)state;
    size_t n = TABLE_MAX_FIELD;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memcpy(text, "a\n", 2);
    memset(text + 2, 'x', n);
    text[2 + n] = '\n';
    enum status st = parse_n(text, n + 3);
    free(text);
    assert_int_equal(st, ST_OK);
    assert_int_equal(strlen(table_cell(t, 0, 0)), n);
}

/* ---- blank rows ---- */

static void blank_rows_are_skipped_with_one_counting_warning(void **state)
{
    (void)state;
    /* line 2 empty, line 4 empty cells, line 5 spaces, line 7 empty */
    assert_int_equal(PARSE("a,b\n\n1,2\n,\n   \n3,4\n\n"), ST_OK);
    assert_int_equal(diag_count(d), 1);
    assert_int_equal(diag_errors(d), 0);
    assert_int_equal(diag_warnings(d), 1);
    assert_string_equal(diag_message(d, 0), "model/x.csv:2: warning: 4 blank rows skipped");
    assert_int_equal(diag_status(d), ST_OK);
    assert_int_equal(t->nrows, 2);
    assert_cell(0, 0, "1", 3);
    assert_cell(1, 0, "3", 6);
}

static void blank_lines_before_the_header_are_counted(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\n\na,b\n1,2\n"), ST_OK);
    assert_int_equal(t->head_line, 3);
    assert_cell(0, 0, "1", 4);
    assert_int_equal(diag_count(d), 1);
    assert_string_equal(diag_message(d, 0), "model/x.csv:1: warning: 2 blank rows skipped");
}

static void one_blank_row_is_counted_in_the_singular(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\r\n1,2\r\n\r\n3,4\r\n"), ST_OK);
    assert_int_equal(diag_count(d), 1);
    assert_string_equal(diag_message(d, 0), "model/x.csv:3: warning: 1 blank row skipped");
    assert_cell(1, 0, "3", 4);
}

static void row_of_quoted_empty_cells_is_blank(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n\"\",\"\"\n1,2\n"), ST_OK);
    assert_string_equal(diag_message(d, 0), "model/x.csv:2: warning: 1 blank row skipped");
    assert_int_equal(t->nrows, 1);
}

static void blank_row_after_lone_cr_is_counted(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\r\r1,2\r3,4"), ST_OK);
    assert_string_equal(diag_message(d, 0), "model/x.csv:2: warning: 1 blank row skipped");
    assert_cell(0, 0, "1", 3);
    assert_cell(1, 0, "3", 4);
}

/* ---- encoding ---- */

static void utf16_le_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\xFF\xFE" "a\0,\0b\0"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:1: the file is UTF-16; save it as \"CSV UTF-8 (comma delimited)\"");
}

static void utf16_be_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\xFE\xFF\0a\0,\0b"), ST_DATA);
    assert_one_error("model/x.csv:1: the file is UTF-16; save it as \"CSV UTF-8 (comma delimited)\"");
}

static void nul_byte_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2\0\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:2: NUL byte at character 4: the file is binary or UTF-16; "
                     "save it as \"CSV UTF-8 (comma delimited)\"");
}

static void latin1_byte_is_invalid_utf8(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,caf\xE9\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:2: invalid UTF-8 (byte 0xE9 at character 6); "
                     "save the file as \"CSV UTF-8 (comma delimited)\"");
}

static void overlong_utf8_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,\xC0\xAF\n"), ST_DATA);
    assert_one_error("model/x.csv:2: invalid UTF-8 (byte 0xC0 at character 3); "
                     "save the file as \"CSV UTF-8 (comma delimited)\"");
}

static void truncated_utf8_at_the_end_is_invalid(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,\xE2\x82"), ST_DATA);
    assert_one_error("model/x.csv:2: invalid UTF-8 (byte 0xE2 at character 3); "
                     "save the file as \"CSV UTF-8 (comma delimited)\"");
}

/* ---- quotes ---- */

static void unterminated_quote_is_placed_where_it_starts(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2\n3,\"abc\n4,5\n6,7\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:3:2: unterminated quote: the quoted field starting on this line never closes");
}

static void stray_quote_in_unquoted_field_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2\n3,ab\"c\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:3:2: stray quote inside an unquoted field: quote the whole field "
                     "(\"...\") and double any quote inside it (\"\")");
}

static void text_after_closing_quote_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,\"ab\"c\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:2:2: text after a closing quote: a quoted field must end at its closing "
                     "quote (write a quote inside it as \"\")");
}

static void text_after_a_multi_line_quote_is_placed_on_its_line(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,\"x\n\"y\n"), ST_DATA);
    assert_one_error("model/x.csv:3:2: text after a closing quote: a quoted field must end at its closing "
                     "quote (write a quote inside it as \"\")");
}

/* ---- shape ---- */

static void semicolon_separated_file_is_refused(void **state)
{
    (void)state;
    assert_int_equal(PARSE("plan;price\nbasic;100\n"), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:1:1: the header is one field holding 'plan;price': this file is separated by "
                     "semicolons; cpcsim reads comma-separated files only: export as "
                     "\"CSV UTF-8 (comma delimited)\"");
}

static void row_with_too_many_fields_is_reported(void **state)
{
    (void)state;
    PARSE("a,b\n1,2\n1,2,3\n");
    assert_one_error("model/x.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; "
                     "a cell that holds a comma, such as \"normal(10, 2)\", must be quoted");
}

/* The most common cause: a distribution written without quotes. */
static void distribution_cut_at_its_comma_is_named(void **state)
{
    (void)state;
    PARSE("plan,price\nbasic,100\npro,normal(10, 2)\n");
    assert_one_error("model/x.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; "
                     "a cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cell 2 'normal(10' "
                     "looks cut at a comma: write \"normal(10, 2)\"");
}

static void distribution_cut_twice_is_named_whole(void **state)
{
    (void)state;
    PARSE("plan,price,customers\nteam,triangular(1, 2, 3),5\n");
    assert_one_error("model/x.csv:2:4: 5 fields, expected 3 (as in the header): the extra fields start in column 4; "
                     "a cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cell 2 'triangular(1' "
                     "looks cut at a comma: write \"triangular(1, 2, 3)\"");
}

static void number_cut_at_its_thousands_separators_is_named(void **state)
{
    (void)state;
    PARSE("plan,price,customers\nteam,1,200,5\nbig,1,200,000,5\n");
    assert_int_equal(diag_errors(d), 2);
    assert_string_equal(diag_message(d, 0),
                        "model/x.csv:2:4: 4 fields, expected 3 (as in the header): the extra field starts in "
                        "column 4; a cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cells 2 "
                        "and 3 look like one number, 1,200, cut at its thousands separator: write 1200");
    assert_string_equal(diag_message(d, 1),
                        "model/x.csv:3:4: 5 fields, expected 3 (as in the header): the extra fields start in "
                        "column 4; a cell that holds a comma, such as \"normal(10, 2)\", must be quoted; cells 2 "
                        "to 4 look like one number, 1,200,000, cut at its thousands separators: write 1200000");
}

/* A cut that would need more fields than the row has extra is not it. */
static void parenthesis_not_closed_in_the_extra_fields_is_not_named(void **state)
{
    (void)state;
    PARSE("plan,price\nbasic,normal(10,2,3\n");
    assert_one_error("model/x.csv:2:3: 4 fields, expected 2 (as in the header): the extra fields start in column 3; "
                     "a cell that holds a comma, such as \"normal(10, 2)\", must be quoted");
}

/* Placed on the line the extra field is on, after a quoted field holding
 * line ends (CRLF). */
static void extra_field_after_a_multi_line_field_is_placed_on_its_line(void **state)
{
    (void)state;
    PARSE("a,b\r\n\"x\r\ny\",1,2\r\n3,4\r\n");
    assert_one_error("model/x.csv:3:3: 3 fields, expected 2 (as in the header): the extra field starts in column 3; "
                     "a cell that holds a comma, such as \"normal(10, 2)\", must be quoted");
}

static void row_with_one_field_is_reported_in_the_singular(void **state)
{
    (void)state;
    PARSE("a,b\n1\n");
    assert_one_error("model/x.csv:2:2: 1 field, expected 2 (as in the header): column 2 (b) is missing");
}

static void row_short_of_fields_names_the_missing_columns(void **state)
{
    (void)state;
    PARSE("plan,price,customers,mix\nteam,1\nsolo\n");
    assert_int_equal(diag_errors(d), 2);
    assert_string_equal(diag_message(d, 0), "model/x.csv:2:3: 2 fields, expected 4 (as in the header): columns 3 "
                                            "and 4 (customers, mix) are missing");
    assert_string_equal(diag_message(d, 1), "model/x.csv:3:2: 1 field, expected 4 (as in the header): columns 2 "
                                            "to 4 (price, customers, mix) are missing");
}

static void every_row_of_the_wrong_width_is_reported(void **state)
{
    (void)state;
    PARSE("a,b\n1,2,3\n\"x\ny\",1\n4\n5,6\n");
    assert_int_equal(diag_errors(d), 2);
    assert_string_equal(diag_message(d, 0), "model/x.csv:2:3: 3 fields, expected 2 (as in the header): the extra "
                                            "field starts in column 3; a cell that holds a comma, such as "
                                            "\"normal(10, 2)\", must be quoted");
    assert_string_equal(diag_message(d, 1), "model/x.csv:5:2: 1 field, expected 2 (as in the header): column 2 (b) "
                                            "is missing");
}

/* table.h: "ST_DATA when its text breaks the dialect", and a row of the
 * wrong width is one of its dialect errors: a caller that trusts the status
 * must not go on with a table that silently lacks that row. */
static void row_of_the_wrong_width_makes_the_status_data(void **state)
{
    (void)state;
    assert_int_equal(PARSE("a,b\n1,2,3\n4,5\n"), ST_DATA);
}

static void empty_file_is_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_n("", 0), ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv: the file is empty; it needs a header row first");
}

static void file_of_only_a_bom_and_blank_lines_is_empty(void **state)
{
    (void)state;
    assert_int_equal(PARSE("\xEF\xBB\xBF\r\n\r\n"), ST_DATA);
    assert_one_error("model/x.csv: the file is empty; it needs a header row first");
}

static void field_over_64_kib_is_refused(void **state)
{
    (void)state;
    size_t n = TABLE_MAX_FIELD + 1;
    char *text = malloc(n + 16);
    assert_non_null(text);
    memcpy(text, "a,b\n1,", 6);
    memset(text + 6, 'x', n);
    text[6 + n] = '\n';
    enum status st = parse_n(text, n + 7);
    free(text);
    assert_int_equal(st, ST_DATA);
    assert_null(t);
    assert_one_error("model/x.csv:2:2: field of 65537 bytes is over the limit of 64 KiB");
}

static void missing_file_is_no_input(void **state)
{
    (void)state;
    assert_int_equal(table_read("/nonexistent/cpcsim/x.csv", NAME, d, &t), ST_NOINPUT);
    assert_null(t);
    assert_string_equal(diag_message(d, 0), "model/x.csv: cannot open: No such file or directory");
    assert_int_equal(diag_status(d), ST_NOINPUT);
}

#define TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    gsl_set_error_handler_off(); /* as cpcsim's main does: statuses are checked instead */
    const struct CMUnitTest tests[] = {
        TEST(lf_file_gives_cells_on_their_lines),
        TEST(name_is_kept_for_messages),
        TEST(crlf_file_reads_like_lf),
        TEST(mixed_line_ends_keep_line_numbers),
        TEST(last_row_without_line_end_is_kept),
        TEST(utf8_bom_is_skipped),
        TEST(quoted_header_is_unquoted),
        TEST(header_names_and_cells_are_trimmed),
        TEST(quoted_field_keeps_commas_and_doubled_quotes),
        TEST(cells_after_a_multi_line_field_keep_their_lines),
        TEST(multi_line_field_with_crlf_keeps_lines),
        TEST(header_only_gives_no_rows),
        TEST(multibyte_utf8_is_kept),
        TEST(field_of_exactly_64_kib_is_accepted),
        TEST(blank_rows_are_skipped_with_one_counting_warning),
        TEST(blank_lines_before_the_header_are_counted),
        TEST(one_blank_row_is_counted_in_the_singular),
        TEST(row_of_quoted_empty_cells_is_blank),
        TEST(blank_row_after_lone_cr_is_counted),
        TEST(utf16_le_is_refused),
        TEST(utf16_be_is_refused),
        TEST(nul_byte_is_refused),
        TEST(latin1_byte_is_invalid_utf8),
        TEST(overlong_utf8_is_invalid),
        TEST(truncated_utf8_at_the_end_is_invalid),
        TEST(unterminated_quote_is_placed_where_it_starts),
        TEST(stray_quote_in_unquoted_field_is_refused),
        TEST(text_after_closing_quote_is_refused),
        TEST(text_after_a_multi_line_quote_is_placed_on_its_line),
        TEST(semicolon_separated_file_is_refused),
        TEST(row_with_too_many_fields_is_reported),
        TEST(distribution_cut_at_its_comma_is_named),
        TEST(distribution_cut_twice_is_named_whole),
        TEST(number_cut_at_its_thousands_separators_is_named),
        TEST(parenthesis_not_closed_in_the_extra_fields_is_not_named),
        TEST(extra_field_after_a_multi_line_field_is_placed_on_its_line),
        TEST(row_with_one_field_is_reported_in_the_singular),
        TEST(row_short_of_fields_names_the_missing_columns),
        TEST(every_row_of_the_wrong_width_is_reported),
        TEST(row_of_the_wrong_width_makes_the_status_data),
        TEST(empty_file_is_refused),
        TEST(file_of_only_a_bom_and_blank_lines_is_empty),
        TEST(field_over_64_kib_is_refused),
        TEST(missing_file_is_no_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
