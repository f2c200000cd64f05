/*
 * outdir.h - writing reports so that they appear complete or not at all.
 *
 * Each report is written to a hidden temporary file in the output folder
 * and renamed over its final name only when every report of the run has
 * been written and flushed to disk.  A failure or an interrupt before that
 * removes the temporary files and leaves the folder as it was.  Targets that
 * are symlinks, devices or folders are refused before anything is written.
 */
#ifndef CPC_OUTDIR_H
#define CPC_OUTDIR_H

#include <signal.h>
#include <stdio.h>

#include "sim/diag.h"
#include "sim/status.h"

#define OUTDIR_MAX_FILES 16

struct outdir;

/*
 * Creates folder DIR (and its parents) if needed and checks that none of
 * the NAMES (NULL-terminated) is a symlink, device or folder there.  Returns
 * ST_OK with *out set, ST_CANTCREAT (reason in D), or ST_NOMEM.
 */
enum status outdir_open(const char *dir, const char *const *names, struct diag *d, struct outdir **out);

/* A stream for report NAME (one of the names given to outdir_open), or NULL
 * with ST_CANTCREAT recorded. */
FILE *outdir_file(struct outdir *o, const char *name, struct diag *d);

/* Marks report NAME (one of the names given to outdir_open) as not part of
 * this set: outdir_commit removes an earlier run's file of that name. */
void outdir_retire(struct outdir *o, const char *name);

/*
 * Closes every stream, and when all were written in full and *STOP is not
 * set, renames them into place.  Returns ST_OK, ST_IOERR (disk full, I/O
 * error: nothing replaced), ST_INTERRUPT, or ST_CANTCREAT.  Frees O.
 */
enum status outdir_commit(struct outdir *o, volatile sig_atomic_t *stop, struct diag *d);

/* Removes the temporary files and frees O, writing nothing.  NULL does nothing. */
void outdir_abort(struct outdir *o);

#endif
