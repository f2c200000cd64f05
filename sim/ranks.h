/*
 * ranks.h - the processes of one run under MPI (cpcsim-mpi, built by make
 * mpi with -DCPC_MPI): which one this is, how many there are, and their
 * agreement on how the command ended.
 *
 * Every rank runs the same command on the same model in lockstep: each
 * loads the model, plans and runs the engine, which spreads the paths over
 * the ranks and gives every rank the same results (engine.c); only rank 0
 * prints (the others' standard output and error go to /dev/null) and
 * writes reports (outdir.c).  In the plain build there is one process, rank
 * 0 of 1, and these functions do nothing else.
 */
#ifndef CPC_RANKS_H
#define CPC_RANKS_H

#include "sim/status.h"

/* Starts MPI (cpcsim-mpi) with ARGC and ARGV.  0, or the exit status to
 * end with at once. */
int ranks_begin(int *argc, char ***argv);
/* Ends MPI: every rank's exit status RC is compared and the most serious
 * one (status_worse) returned on every rank, so that mpirun exits with it.
 * Returns RC in the plain build. */
int ranks_end(int rc);
/* This process's rank (0 in the plain build) and the number of ranks (1). */
int ranks_me(void);
int ranks_count(void);
/* 1 in cpcsim-mpi (run.csv then records mpi_ranks), 0 in the plain build. */
int ranks_under_mpi(void);
/* The threads a rank takes by default: the node's cores shared by its ranks
 * (CORES in the plain build). */
unsigned long long ranks_default_threads(unsigned long long cores);
/*
 * The worst of every rank's status ST, on every rank (ST in the plain
 * build).  A rank that has left the command while others have not
 * (ranks_end) cannot agree: every rank then stops the job with
 * ranks_abort.
 */
enum status ranks_agree(enum status st);
/* Stops every rank of the job (MPI_Abort) with exit status ST, saying WHAT
 * on this rank's own standard error; the last resort for a failure in the
 * middle of a run, where the other ranks would otherwise wait forever. */
_Noreturn void ranks_abort(enum status st, const char *what);

#ifdef CPC_MPI
#include <mpi.h>
/* Waits for request R to complete, napping between tests rather than
 * spinning as MPI_Wait and the blocking collectives do: a rank that waits
 * for another would otherwise take a core from it where ranks share cores
 * (or, under the scheduler's autogroups, a session's share).  The naps
 * start at 0.05 ms and double up to 1 ms: a chunk of paths takes
 * milliseconds. */
void ranks_wait(MPI_Request *r);
#endif

#endif
