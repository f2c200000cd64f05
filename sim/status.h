/*
 * status.h - the outcome codes every cpcsim function returns.
 *
 * Library code returns one of these; only main() turns it into the process
 * exit status.  The values are those of <sysexits.h>, as the spec's table of
 * exit codes requires, so a status can be returned from main() unchanged.
 */
#ifndef CPC_STATUS_H
#define CPC_STATUS_H

enum status {
    ST_OK = 0,
    ST_USAGE = 64,     /* wrong command-line usage */
    ST_DATA = 65,      /* the model's data is wrong */
    ST_NOINPUT = 66,   /* an input file is missing or unreadable */
    ST_SOFTWARE = 70,  /* internal error: a bug */
    ST_NOMEM = 71,     /* the operating system refused (out of memory) */
    ST_CANTCREAT = 73, /* an output cannot be created */
    ST_IOERR = 74,     /* an output could not be written in full */
    ST_INTERRUPT = 130 /* interrupted by a signal */
};

/* The more serious of two statuses, for collecting several problems into one
 * exit code: a missing file outranks bad data, memory outranks both. */
enum status status_worse(enum status a, enum status b);

#endif
