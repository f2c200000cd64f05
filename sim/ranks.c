/*
 * ranks.c - the processes of one run under MPI (see ranks.h).
 *
 * The agreement is one MPI_Iallgather of every rank's (status, phase):
 * phase 0 inside a command, 1 at its end.  When the phases differ, some
 * rank left the command early (a model that one node could not read) and
 * the others would wait for it in the engine: the job is stopped.
 */
#include "sim/ranks.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#ifdef CPC_MPI
#include <time.h>

static int me, count = 1, on_node = 1;
static int err_fd = STDERR_FILENO; /* this rank's own standard error */

int ranks_begin(int *argc, char ***argv)
{
    int provided;
    /* the engine's threads call MPI one at a time, under its lock */
    if (MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "cpcsim: MPI could not start\n");
        return ST_SOFTWARE;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &count);
    if (provided < MPI_THREAD_SERIALIZED) {
        if (me == 0)
            fprintf(stderr, "cpcsim: this MPI cannot be called from threads (MPI_THREAD_SERIALIZED)\n");
        MPI_Finalize();
        return ST_SOFTWARE;
    }
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) == MPI_SUCCESS) {
        MPI_Comm_size(node, &on_node);
        MPI_Comm_free(&node);
    }
    if (me != 0) { /* one voice: rank 0's */
        err_fd = dup(STDERR_FILENO);
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            ranks_abort(ST_SOFTWARE, "cannot open /dev/null");
    }
    return 0;
}

void ranks_wait(MPI_Request *r)
{
    struct timespec nap = { 0, 50000 };
    for (int done = 0;;) {
        if (MPI_Test(r, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            ranks_abort(ST_SOFTWARE, "MPI_Test failed");
        if (done)
            return;
        nanosleep(&nap, NULL);
        if (nap.tv_nsec < 1000000)
            nap.tv_nsec *= 2;
    }
}

/* Every rank's (status, phase) compared: the worst status, on every rank. */
static enum status agree(enum status st, int phase)
{
    int mine[2] = { (int)st, phase }, *all = malloc(2 * (size_t)count * sizeof *all);
    if (!all)
        ranks_abort(ST_NOMEM, "out of memory");
    MPI_Request req;
    if (MPI_Iallgather(mine, 2, MPI_INT, all, 2, MPI_INT, MPI_COMM_WORLD, &req) != MPI_SUCCESS)
        ranks_abort(ST_SOFTWARE, "MPI_Iallgather failed");
    ranks_wait(&req);
    enum status worst = ST_OK;
    int same = 1;
    for (int r = 0; r < count; r++) {
        worst = status_worse(worst, (enum status)all[2 * r]);
        same = same && all[2 * r + 1] == phase;
    }
    free(all);
    if (!same)
        ranks_abort(worst != ST_OK ? worst : ST_SOFTWARE, "the ranks did not all reach the same step");
    return worst;
}

int ranks_end(int rc)
{
    fflush(stdout);
    fflush(stderr);
    rc = (int)agree((enum status)rc, 1);
    MPI_Finalize();
    return rc;
}

int ranks_me(void)
{
    return me;
}

int ranks_count(void)
{
    return count;
}

int ranks_under_mpi(void)
{
    return 1;
}

unsigned long long ranks_default_threads(unsigned long long cores)
{
    unsigned long long share = cores / (unsigned long long)on_node;
    return share ? share : 1;
}

enum status ranks_agree(enum status st)
{
    return count > 1 ? agree(st, 0) : st;
}

_Noreturn void ranks_abort(enum status st, const char *what)
{
    dprintf(err_fd, "cpcsim: rank %d of %d: %s; stopping every rank\n", me, count, what);
    MPI_Abort(MPI_COMM_WORLD, (int)st);
    _exit((int)st);
}

#else /* the plain build: one process */

int ranks_begin(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int ranks_end(int rc)
{
    return rc;
}

int ranks_me(void)
{
    return 0;
}

int ranks_count(void)
{
    return 1;
}

int ranks_under_mpi(void)
{
    return 0;
}

unsigned long long ranks_default_threads(unsigned long long cores)
{
    return cores;
}

enum status ranks_agree(enum status st)
{
    return st;
}

_Noreturn void ranks_abort(enum status st, const char *what)
{
    fprintf(stderr, "cpcsim: %s\n", what);
    exit((int)st);
}

#endif
