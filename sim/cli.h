/*
 * cli.h - the command line's machinery, shared by every command.
 *
 * A command (cmd_NAME.c) is one struct cli_command: its name, a one-line
 * summary, its operands and a table of its options, each row saying how its
 * value is read and where it goes.  cli_parse reads a command's arguments
 * against that table with getopt_long, cli_help writes its --help from the
 * same table, and every argument error is one value of enum cli_error,
 * turned into text in one place (cli_message), so that adding an option is
 * adding a row.
 *
 * Conventions every command shares: long options are written in full (an
 * abbreviation such as --pa is refused with a suggestion, so that adding an
 * option never breaks a script); a value may follow its option as the next
 * argument, attached to a short one (-n200) or after '=' on a long one
 * (--paths=200); short flags may be grouped (-qn200); options and operands
 * may come in any order, and "--" ends the options.  Any usage error is
 * exit status 64 (ST_USAGE).
 *
 * The rest is what commands share around a parse: loading a model with its
 * diagnostics printed, signals, exit codes and the command line as
 * run.csv records it.
 */
#ifndef CPC_CLI_H
#define CPC_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/diag.h"
#include "sim/model.h"
#include "sim/status.h"

#define CPCSIM_VERSION "0.1.0"

/* How an option's value is read, and the type of the field it goes in. */
enum cli_kind {
    CLI_FLAG,      /* no value; sets an int to 1 */
    CLI_SHOW_HELP, /* no value; the parse stops with CLI_HELP */
    CLI_TEXT,      /* a non-empty text; a const char * borrowed from argv */
    CLI_WHOLE,     /* decimal digits only, from min to max; an unsigned long long */
    CLI_FRACTION,  /* a number or percentage above 0 and below 1 (0.5%); a double */
    CLI_AMOUNT,    /* a number above 0 (a price); a double */
    CLI_CHOICE,    /* one of choices; an int, its index */
    CLI_LIST       /* a text, the option repeatable up to max times; a struct cli_list */
};

#define CLI_LIST_MAX 64

struct cli_list {
    const char *item[CLI_LIST_MAX]; /* borrowed from argv, in the order given */
    size_t n;
};

/* One row of a command's option table.  Given twice, an option other than
 * a list keeps its last value. */
struct cli_option {
    const char *name;            /* long name, without "--" */
    char letter;                 /* short letter, or 0 for none */
    const char *value;           /* the value's name in --help ("PATHS"); NULL when it takes none */
    enum cli_kind kind;
    size_t offset;               /* of its field in the command's argument struct (offsetof) */
    const char *help;            /* --help text; a '\n' starts a line indented under the first */
    const char *expects;         /* TEXT, FRACTION: completes "-o takes ...": "a folder name" */
    const char *unit;            /* WHOLE: "paths" makes "a whole number of paths from 1 to ..." */
    unsigned long long min, max; /* WHOLE: the bounds; LIST: the most values (at most CLI_LIST_MAX) */
    const char *const *choices;  /* CHOICE: the names, NULL-terminated */
    int required;                /* the command needs it: missing, it is CLI_MISSING_OPTION */
};

/* An operand, in the order the command takes them; every one is required. */
struct cli_operand {
    const char *name; /* in the synopsis: "MODEL" */
    const char *noun; /* in messages: "MODEL folder" */
    size_t offset;    /* of its const char * in the argument struct */
};

/* The most rows of an option table; each command asserts it at compile
 * time with CLI_COUNT. */
#define CLI_MAX_OPTIONS 32
#define CLI_COUNT(table) (sizeof(table) / sizeof(table)[0])

struct cli_command {
    const char *name;                   /* "run" */
    int (*main)(int argc, char **argv); /* ARGV is the whole command line: ARGV[1] is the name */
    const char *summary;                /* one line, for "cpcsim --help" */
    const struct cli_operand *operands;
    size_t noperands;
    const struct cli_option *options;
    size_t noptions;
    const char *about; /* --help: what the command does, after the synopsis */
    const char *notes; /* --help: after the options, or NULL */
};

/* The commands, one file each; main.c lists them in its table. */
extern const struct cli_command cmd_run_command;
extern const struct cli_command cmd_quote_command;
extern const struct cli_command cmd_scope_command;
extern const struct cli_command cmd_check_command;
extern const struct cli_command cmd_calibrate_command;
extern const struct cli_command cmd_sweep_command;
extern const struct cli_command cmd_goal_command;

/* Every way a command line can be wrong; cli_message has one text for each. */
enum cli_error {
    CLI_OK,              /* not an error */
    CLI_HELP,            /* not an error: --help was asked for */
    CLI_UNKNOWN_COMMAND, /* cpcsim frobnicate */
    CLI_UNKNOWN_OPTION,  /* --frob, --pa (abbreviations are refused), -x */
    CLI_NEEDS_VALUE,     /* -n as the last argument */
    CLI_TAKES_NO_VALUE,  /* --quiet=yes */
    CLI_BAD_VALUE,       /* -n many */
    CLI_TOO_MANY,        /* a repeatable option given more than its max times */
    CLI_MISSING_OPERAND, /* no MODEL folder */
    CLI_MISSING_OPTION,  /* a required option not given (scope without --price) */
    CLI_EXTRA_OPERAND,   /* a second MODEL folder */
    CLI_ABOVE_OTHER      /* --ledger-path 500 with -n 200: above the value of another option */
};

#define CLI_NEAR_MAX 3
#define CLI_WRITTEN_MAX 128

/* What went wrong, with what cli_message needs to say so. */
struct cli_failure {
    enum cli_error error;
    const struct cli_command *command;       /* the command, or NULL for CLI_UNKNOWN_COMMAND */
    const struct cli_option *option;         /* the option concerned, or NULL */
    const struct cli_operand *operand;       /* CLI_MISSING_OPERAND: the first one missing */
    char written[CLI_WRITTEN_MAX];           /* the option or command as written ("--path"), cut to fit */
    const char *value;                       /* the value or operand concerned, borrowed from argv */
    const char *near[CLI_NEAR_MAX];          /* the nearest known names (options without "--") */
    size_t nnear;
    const struct cli_command *const *commands; /* CLI_UNKNOWN_COMMAND: the known ones */
    size_t ncommands;
    const struct cli_option *other;          /* CLI_ABOVE_OTHER: the option that bounds it */
    unsigned long long limit;                /* CLI_ABOVE_OTHER: that option's value */
};

/*
 * Reads the arguments ARGV[1..ARGC-1] of command C (ARGV[0] is its name)
 * into ARGS, a struct the option and operand rows' offsets point into:
 * fields of options not given keep what the caller put there (the
 * defaults), and texts are borrowed from ARGV.  Returns CLI_OK, CLI_HELP
 * (the moment --help is read), or the first error met, the arguments read
 * in order; F says which and where, for cli_message.  ARGV is not
 * reordered.  getopt_long's state is reset first and it prints nothing, so
 * cli_parse may be called any number of times.
 */
enum cli_error cli_parse(const struct cli_command *c, int argc, char **argv, void *args, struct cli_failure *f);

/*
 * Finds the command called NAME in COMMANDS (N of them).  Returns it, or
 * NULL with F describing a CLI_UNKNOWN_COMMAND (and the nearest names).
 */
const struct cli_command *cli_find_command(const struct cli_command *const *commands, size_t n, const char *name,
                                           struct cli_failure *f);

/*
 * Writes the message for F into BUF (LEN bytes, cut to fit), without the
 * "cpcsim run: " before it: "unknown option '--path'; did you mean
 * '--paths'?".  Text from the command line is quoted, control characters
 * escaped.  Empty for CLI_OK and CLI_HELP.
 */
void cli_message(const struct cli_failure *f, char *buf, size_t len);

/*
 * Answers a parse that did not return CLI_OK: for CLI_HELP writes the
 * command's help on stdout and returns 0; for an error writes
 * "cpcsim COMMAND: MESSAGE" and "Try 'cpcsim COMMAND --help'." on stderr
 * and returns ST_USAGE.
 */
int cli_usage(const struct cli_failure *f);

/* Writes command C's --help, made from its tables, into OUT. */
void cli_help(const struct cli_command *c, FILE *out);

/*
 * The optimal-string-alignment distance between A (ALEN bytes) and B (BLEN
 * bytes): insertions, deletions, substitutions and transpositions of
 * neighbours each count 1.  When either is longer than 63 bytes, only a
 * distance up to 8 is worked out; a larger one is SIZE_MAX (far).
 */
size_t cli_distance(const char *a, size_t alen, const char *b, size_t blen);

/* The signal that asked the process to stop (SIGINT, SIGTERM, SIGHUP) once
 * cli_catch_signals has run, or 0. */
extern volatile sig_atomic_t cli_stop_signal;
/* Makes SIGINT, SIGTERM and SIGHUP set cli_stop_signal instead of killing
 * the process, so that a run can stop cleanly. */
void cli_catch_signals(void);

/* The process exit status for ST: ST itself, or 128 + the signal for an
 * interrupted run (130, 143, 129). */
int cli_exit_code(enum status st);

/* The index of the scenario called NAME of M in *K; or ST_USAGE, with a
 * message from COMMAND listing M's scenarios. */
enum status cli_find_scenario(const struct model *m, const char *command, const char *name, size_t *k);
/* The most threads a command runs. */
#define CLI_MAX_THREADS 256
/* One thread per online core, at most CLI_MAX_THREADS. */
unsigned long long cli_default_threads(void);
/* Says on stderr why COMMAND stopped with status ST when a simulation ran
 * out of memory, was interrupted or could not start a thread (nothing for
 * any other status): nothing was written. */
void cli_say_stopped(const char *command, enum status st);

/* The options of quote and scope that run has too, with quote's and scope's
 * help, for an argument struct T with the fields paths, seed and threads
 * (unsigned long long), sampling and quiet (int); --help last. */
#define CLI_SIMULATION_OPTIONS(T)                                                                                  \
    { "paths", 'n', "PATHS", CLI_WHOLE, offsetof(T, paths), .help = "number of paths (default: 10000)",           \
      .unit = "paths", .min = 1, .max = ENGINE_MAX_PATHS },                                                        \
    { "seed", 's', "SEED", CLI_WHOLE, offsetof(T, seed), .help = "random seed (default: 1)", .min = 0,             \
      .max = ULLONG_MAX },                                                                                         \
    { "threads", 'j', "THREADS", CLI_WHOLE, offsetof(T, threads),                                                 \
      .help = "threads to use (default: all cores); results do not depend on it", .unit = "threads", .min = 1,    \
      .max = CLI_MAX_THREADS },                                                                                    \
    { "sampling", 0, "S", CLI_CHOICE, offsetof(T, sampling), .help = "mc, lhs or sobol (default: mc), as for run", \
      .choices = sampling_names },                                                                                 \
    { "quiet", 'q', NULL, CLI_FLAG, offsetof(T, quiet), .help = "no progress bar" },                               \
    { "help", 'h', NULL, CLI_SHOW_HELP, 0, .help = "show this help" }

/* The same for the plan called NAME (plans.csv). */
enum status cli_find_plan(const struct model *m, const char *command, const char *name, size_t *k);

/*
 * Loads the model folder DIR into *M (model_load).  On failure prints
 * every problem found in D and a last line that counts them, and returns
 * their status with *M NULL; on success prints nothing (warnings stay in D
 * for the caller to print when it chooses).
 */
enum status cli_load_model(const char *dir, struct diag *d, struct model **m);

/* ARGV (ARGC words) as one line that a POSIX shell runs as the same words:
 * run.csv's record.  A word of only letters, digits and _@%+=:,./- is
 * written as it is, any other (empty, or holding spaces, quotes, $, `,
 * newlines, ...) in single quotes, a single quote in it as '\''.  Never
 * cut.  Returns a new string (free with mem_free), or NULL when memory
 * runs out. */
char *cli_command_line(int argc, char **argv);

#endif
