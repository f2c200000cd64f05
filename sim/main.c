/*
 * main.c - the cpcsim command line: which command, and the exit status.
 *
 * main finds the command named by the first argument in the table below
 * and hands it the whole command line; each command (cmd_NAME.c) reads its
 * own options (cli.h) and returns the exit status.  Adding a command is
 * adding its file, its struct cli_command's declaration in cli.h and a row
 * here.  The process stays in the "C" locale (setlocale is never called),
 * so numbers are read and written with '.' whatever LC_ALL says.  GSL's
 * abort-on-error handler is turned off; statuses are checked instead.
 * SIGXFSZ is ignored, whatever the caller left it as, so that a file size
 * limit (ulimit -f) makes a write fail with EFBIG, which the reports' writer
 * turns into exit 74 with nothing left behind, instead of killing the
 * process mid-write.  Built as cpcsim-mpi (make mpi), every MPI rank runs
 * the command and all exit with the same status (ranks.h).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sim/cli.h"
#include "sim/ranks.h"
#include "sim/status.h"

static const struct cli_command *const commands[] = {
    &cmd_run_command,
    &cmd_check_command,
    &cmd_calibrate_command,
    &cmd_quote_command,
    &cmd_scope_command,
    &cmd_sweep_command,
    &cmd_goal_command,
};

static void usage(FILE *out)
{
    fputs("usage: cpcsim COMMAND [options] ...\n"
          "\n"
          "Monte Carlo cost per customer, runway and breakeven for a software company.\n"
          "\n"
          "commands:\n",
          out);
    /* "  run MODEL    summary": the summaries two columns after the widest */
    size_t width = 0;
    for (size_t i = 0; i < CLI_COUNT(commands); i++) {
        size_t n = strlen(commands[i]->name);
        for (size_t k = 0; k < commands[i]->noperands; k++)
            n += 1 + strlen(commands[i]->operands[k].name);
        if (n > width)
            width = n;
    }
    for (size_t i = 0; i < CLI_COUNT(commands); i++) {
        const struct cli_command *c = commands[i];
        int n = fprintf(out, "  %s", c->name);
        for (size_t k = 0; k < c->noperands; k++)
            n += fprintf(out, " %s", c->operands[k].name);
        fprintf(out, "%*s%s (cpcsim %s --help)\n", (int)width + 4 - n, "", c->summary, c->name);
    }
    fputs("\n"
          "options:\n"
          "  --help       show this help\n"
          "  --version    show the version\n"
          "\n"
          "A MODEL is a folder of CSV files (company.csv, plans.csv, scenarios.csv, infra.csv,\n"
          "staff.csv, and optionally features.csv, pipeline.csv, funding.csv); man cpcsim\n"
          "describes every file and report.\n"
          "Exit codes: 0 ok, 64 usage, 65 bad model data, 66 missing input, 70 internal error,\n"
          "71 out of memory, 73 output cannot be created, 74 output not written in full,\n"
          "129, 130, 143 interrupted (SIGHUP, Ctrl-C, SIGTERM).\n",
          out);
    if (ranks_under_mpi())
        fputs("\n"
              "This is cpcsim-mpi: mpirun -n K cpcsim-mpi COMMAND ... spreads the paths over K\n"
              "ranks, with the reports cpcsim writes (man cpcsim: RUNNING ACROSS MACHINES).\n",
              out);
}

/* Standard output that could not be written (a full disk, a closed pipe) is
 * an output error, not a success. */
static int finish(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "cpcsim: could not write to standard output: %s\n", strerror(errno));
        return rc ? rc : ST_IOERR;
    }
    return rc;
}

static int command(int argc, char **argv)
{
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        usage(stderr);
        return ST_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return finish(0);
    }
    if (!strcmp(name, "--version")) {
        printf("cpcsim %s\n", CPCSIM_VERSION);
        return finish(0);
    }
    struct cli_failure fail;
    const struct cli_command *c = cli_find_command(commands, CLI_COUNT(commands), name, &fail);
    if (!c)
        return cli_usage(&fail);
    return finish(c->main(argc, argv));
}

/* cpcsim-mpi: every rank runs the command, and all end with the same
 * status (ranks.h); the plain build runs it alone. */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    int rc = ranks_begin(&argc, &argv);
    return rc ? rc : ranks_end(command(argc, argv));
}
