/*
 * outdir.h - writing a set of reports so that it appears whole or not at all.
 *
 * The reports of one command (run's summary.csv, monthly.csv, ..., run.csv;
 * quote's two; scope's and calibrate's one) are one set.  They are written
 * into a private staging folder inside the output folder, OUT/.cpcsim-XXXXXX,
 * and published together under an exclusive lock (flock) on OUT: a journal
 * naming the set is made durable first, then each report is renamed over its
 * final name.  A failure or an interrupt before the journal removes the
 * staging folder and leaves OUT as it was.
 *
 * Invariants, for readers and writers of OUT:
 * - a staging folder exists only while its owner holds the lock, so one found
 *   by the holder of the lock belongs to a run that died (SIGKILL, power
 *   loss); the next outdir_open removes it, first finishing the publish its
 *   journal records (rolling it forward, or back when a rename had failed);
 * - a second command writing into OUT waits for the lock, so two runs into one
 *   OUT publish one after the other, each its whole set;
 * - report files are only ever replaced by rename, so a reader never sees a
 *   report half-written.
 * Targets that are symlinks, devices or folders are refused before anything
 * is written.  In cpcsim-mpi only rank 0 touches OUT: on the other ranks a
 * set is opened without looking at OUT and its reports go to /dev/null.
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
 * Creates folder DIR (and its parents) if needed, waits for its lock,
 * finishes or removes what a killed run left there, and checks that none of
 * the NAMES (NULL-terminated) is a symlink, device or folder there.  Returns
 * ST_OK with *out set (holding the lock until outdir_commit or
 * outdir_abort), ST_CANTCREAT (reason in D), ST_INTERRUPT (a signal came
 * while waiting for the lock), or ST_NOMEM.
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
 * set, publishes them as one set.  Returns ST_OK, ST_IOERR (disk full, file
 * too large, I/O error: nothing replaced), ST_INTERRUPT, or ST_CANTCREAT (a
 * report could not be put in place: the earlier set is put back).  Frees O
 * and releases the lock.
 */
enum status outdir_commit(struct outdir *o, volatile sig_atomic_t *stop, struct diag *d);

/* Removes the staging folder, releases the lock and frees O, writing
 * nothing.  NULL does nothing. */
void outdir_abort(struct outdir *o);

#endif
