/*
 * outdir.c - report sets published whole (see outdir.h).
 *
 * The staging folder OUT/.cpcsim-XXXXXX holds the set's reports under the
 * names 0, 1, ... (their place in the set, so that no report's name can
 * clash with the journal's) and, while publishing, K.old, a hard link to the
 * earlier report that report K replaces.  The journal, "publish" (renamed
 * "rollback" once a rename has failed), has one line per report:
 *
 *     put K LEN NAME       report K becomes OUT/NAME, which did not exist
 *     replace K LEN NAME   report K replaces OUT/NAME (kept as K.old)
 *     retire -1 LEN NAME   OUT/NAME, an earlier set's, is removed
 *
 * (LEN is NAME's length in bytes, so that any name reads back.)  Rolling
 * forward renames every K still in the staging folder into place, then
 * removes the retired; rolling back renames every K.old back and removes
 * each "put" report already published.  Either may be cut short by a crash
 * and done again from the start, which is what makes the journal enough:
 * whoever next holds the lock finishes it.
 */
#define _DEFAULT_SOURCE /* flock: POSIX has no lock on a folder */
#include "sim/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/mem.h"
#include "sim/ranks.h"

#define STAGE_PREFIX ".cpcsim-"
#define STAGE_LEN (sizeof STAGE_PREFIX - 1 + 6)
#define JOURNAL_BYTES 8192
#define JOURNAL_MAX (2 * OUTDIR_MAX_FILES)

struct outfile {
    char name[64];
    FILE *f;
};

struct outdir {
    char *dir;
    int dfd;    /* OUT */
    int locked; /* dfd holds OUT's lock (not where the file system has no flock) */
    int sfd;    /* the staging folder */
    char stage[STAGE_LEN + 1];
    struct outfile files[OUTDIR_MAX_FILES];
    int n;
    char retired[OUTDIR_MAX_FILES][64]; /* reports of earlier sets that this set does not have */
    int nretired;
    int nowhere; /* cpcsim-mpi's ranks but 0: the reports go to /dev/null, OUT is not touched */
};

enum op { OP_PUT, OP_REPLACE, OP_RETIRE };
static const char *const op_names[] = { "put", "replace", "retire" };

struct entry {
    enum op op;
    int k; /* the report's place in the set; -1 for OP_RETIRE */
    char name[64];
};

struct journal {
    struct entry e[JOURNAL_MAX];
    int n;
};

#ifdef CPC_FAULT_INJECTION
/* In the test build, CPCSIM_KILL_AT=K makes the process kill itself with
 * SIGKILL at the K-th step of staging or publishing a set, so that a test
 * (tests/faults/run.sh) can stop a run at every moment that matters. */
static void step(void)
{
    static long at = -1, done;
    if (at < 0) {
        const char *env = getenv("CPCSIM_KILL_AT");
        at = env ? strtol(env, NULL, 10) : 0;
    }
    if (at > 0 && ++done == at)
        raise(SIGKILL);
}
#else
static void step(void)
{
}
#endif

static int make_dirs(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

/* ---- the journal ---- */

static void staged_name(char *buf, size_t len, int k, int old)
{
    snprintf(buf, len, old ? "%d.old" : "%d", k);
}

/* Writes J as the staging folder SFD's journal "publish", durably.  0, or
 * -1 with errno set (a full disk, a file size limit). */
static int journal_write(int sfd, const struct journal *j)
{
    char buf[JOURNAL_BYTES];
    size_t used = 0;
    for (int i = 0; i < j->n; i++) {
        const struct entry *e = &j->e[i];
        int w = snprintf(buf + used, sizeof buf - used, "%s %d %zu %s\n", op_names[e->op], e->k, strlen(e->name),
                         e->name);
        if (w < 0 || (size_t)w >= sizeof buf - used) {
            errno = ENAMETOOLONG;
            return -1;
        }
        used += (size_t)w;
    }
    int fd = openat(sfd, "journal.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return -1;
    for (size_t done = 0; done < used;) {
        ssize_t w = write(fd, buf + done, used - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            errno = e;
            return -1;
        }
        done += (size_t)w;
    }
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (close(fd) != 0 || renameat(sfd, "journal.tmp", sfd, "publish") != 0)
        return -1;
    return fsync(sfd);
}

/* Reads the staging folder SFD's journal FILE into J.  1 when read, 0 when
 * there is none, -1 when it cannot be read. */
static int journal_read(int sfd, const char *file, struct journal *j)
{
    int fd = openat(sfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    char buf[JOURNAL_BYTES + 1];
    size_t len = 0;
    for (;;) {
        ssize_t r = read(fd, buf + len, JOURNAL_BYTES - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    j->n = 0;
    for (const char *p = buf; *p;) {
        struct entry *e = &j->e[j->n];
        char op[8];
        size_t namelen;
        int at;
        if (j->n == JOURNAL_MAX || sscanf(p, "%7s %d %zu%n", op, &e->k, &namelen, &at) != 3 || p[at] != ' ' ||
            namelen >= sizeof e->name || strlen(p + at + 1) < namelen + 1 || p[at + 1 + namelen] != '\n') {
            errno = EINVAL;
            return -1;
        }
        for (e->op = OP_PUT; e->op <= OP_RETIRE && strcmp(op, op_names[e->op]); e->op++)
            ;
        if (e->op > OP_RETIRE || (e->op != OP_RETIRE && (e->k < 0 || e->k >= OUTDIR_MAX_FILES))) {
            errno = EINVAL;
            return -1;
        }
        memcpy(e->name, p + at + 1, namelen);
        e->name[namelen] = '\0';
        j->n++;
        p += at + 1 + namelen + 1;
    }
    return 1;
}

/* Puts every report of J still in the staging folder SFD in place in DFD,
 * then removes the retired ones.  0, or -1 with errno and *FAILED set to
 * the entry whose rename failed. */
static int roll_forward(int dfd, int sfd, const struct journal *j, int *failed)
{
    for (int i = 0; i < j->n; i++) {
        if (j->e[i].op == OP_RETIRE)
            continue;
        char from[16];
        staged_name(from, sizeof from, j->e[i].k, 0);
        step();
        if (renameat(sfd, from, dfd, j->e[i].name) != 0 && errno != ENOENT) {
            *failed = i;
            return -1;
        }
    }
    for (int i = 0; i < j->n; i++) {
        if (j->e[i].op != OP_RETIRE)
            continue;
        step();
        unlinkat(dfd, j->e[i].name, 0); /* the earlier set's; not there is fine */
    }
    fsync(dfd);
    return 0;
}

/* Puts back the earlier report of every entry of J that had one, and removes
 * every new report already published in place of none.  0, or -1 with
 * errno set. */
static int roll_back(int dfd, int sfd, const struct journal *j)
{
    for (int i = 0; i < j->n; i++) {
        const struct entry *e = &j->e[i];
        char staged[16];
        struct stat st;
        if (e->op == OP_REPLACE) {
            staged_name(staged, sizeof staged, e->k, 1);
            if (renameat(sfd, staged, dfd, e->name) != 0 && errno != ENOENT)
                return -1;
        } else if (e->op == OP_PUT) {
            staged_name(staged, sizeof staged, e->k, 0);
            if (fstatat(sfd, staged, &st, AT_SYMLINK_NOFOLLOW) != 0 && errno == ENOENT &&
                unlinkat(dfd, e->name, 0) != 0 && errno != ENOENT)
                return -1;
        }
    }
    fsync(dfd);
    return 0;
}

/* Turns the journal of SFD into a roll-back and rolls back.  0, or -1. */
static int undo(int dfd, int sfd, const struct journal *j)
{
    if (renameat(sfd, "publish", sfd, "rollback") != 0 || fsync(sfd) != 0)
        return -1;
    return roll_back(dfd, sfd, j);
}

/* ---- staging folders ---- */

/* Removes the staging folder STAGE of DFD (open as SFD, which is closed) and
 * everything in it. */
static void stage_remove(int dfd, const char *stage, int sfd)
{
    for (int pass = 0; pass < 4; pass++) {
        int fd = dup(sfd);
        DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dp) {
            if (fd >= 0)
                close(fd);
            break;
        }
        int removed = 0;
        for (struct dirent *de; (de = readdir(dp));)
            if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && unlinkat(sfd, de->d_name, 0) == 0)
                removed++;
        closedir(dp);
        if (!removed)
            break;
    }
    close(sfd);
    unlinkat(dfd, stage, AT_REMOVEDIR);
}

/* Finishes the publish that the staging folder NAME of DFD records, if it
 * records one, and removes the folder.  Only for the holder of the lock,
 * who knows that the folder's owner is dead.  ST_OK, or ST_CANTCREAT. */
static enum status stage_settle(int dfd, const char *dir, const char *name, struct diag *d)
{
    int sfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sfd < 0)
        return ST_OK; /* not a folder: not ours */
    struct journal j;
    int fwd = journal_read(sfd, "publish", &j), back = fwd ? 0 : journal_read(sfd, "rollback", &j);
    int failed = 0, bad = fwd < 0 || back < 0;
    if (fwd > 0 && roll_forward(dfd, sfd, &j, &failed) != 0)
        bad = undo(dfd, sfd, &j) != 0;
    else if (back > 0)
        bad = roll_back(dfd, sfd, &j) != 0;
    if (bad) {
        int e = errno;
        close(sfd);
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot finish putting in place the reports of a run that was "
                  "stopped while doing so (%s): %s", name, strerror(e));
        return ST_CANTCREAT;
    }
    stage_remove(dfd, name, sfd);
    return ST_OK;
}

/* Settles every staging folder in DFD: those of runs that died. */
static enum status settle_all(int dfd, const char *dir, struct diag *d)
{
    for (int pass = 0; pass < 64; pass++) {
        char found[32][STAGE_LEN + 1];
        int n = 0, more = 0;
        int fd = dup(dfd);
        DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
        if (!dp) {
            if (fd >= 0)
                close(fd);
            return ST_OK; /* cannot be listed: nothing to clean that we can see */
        }
        for (struct dirent *de; (de = readdir(dp));) {
            if (strncmp(de->d_name, STAGE_PREFIX, sizeof STAGE_PREFIX - 1) || strlen(de->d_name) != STAGE_LEN)
                continue;
            if (n == 32) {
                more = 1;
                break;
            }
            memcpy(found[n++], de->d_name, STAGE_LEN + 1);
        }
        closedir(dp);
        for (int i = 0; i < n; i++) {
            enum status st = stage_settle(dfd, dir, found[i], d);
            if (st != ST_OK)
                return st;
        }
        if (!more)
            break;
    }
    return ST_OK;
}

/* ---- the API ---- */

static void discard(struct outdir *o)
{
    for (int i = 0; i < o->n; i++)
        if (o->files[i].f)
            fclose(o->files[i].f);
    if (o->sfd >= 0)
        stage_remove(o->dfd, o->stage, o->sfd);
    if (o->dfd >= 0)
        close(o->dfd); /* releases the lock */
    mem_free(o->dir);
    mem_free(o);
}

enum status outdir_open(const char *dir, const char *const *names, struct diag *d, struct outdir **out)
{
    *out = NULL;
    if (ranks_me() != 0) { /* cpcsim-mpi: rank 0 alone touches OUT */
        struct outdir *o = mem_calloc(1, sizeof *o);
        if (!o) {
            diag_nomem(d);
            return ST_NOMEM;
        }
        o->nowhere = 1;
        o->dfd = o->sfd = -1;
        *out = o;
        return ST_OK;
    }
    if (make_dirs(dir) != 0) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot create the output folder: %s", strerror(e));
        return ST_CANTCREAT;
    }
    if (access(dir, W_OK) != 0) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot write into the output folder: %s", strerror(e));
        return ST_CANTCREAT;
    }
    struct outdir *o = mem_calloc(1, sizeof *o);
    if (!o || !(o->dir = mem_strdup(dir))) {
        mem_free(o);
        diag_nomem(d);
        return ST_NOMEM;
    }
    o->sfd = -1;
    o->dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (o->dfd < 0) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot open the output folder: %s", strerror(e));
        discard(o);
        return ST_CANTCREAT;
    }
    /* Wait for another cpcsim writing here.  A file system without flock
     * (some network ones) goes without: one writer at a time is then the
     * user's to keep, and other writers' staging folders are left alone. */
    if (flock(o->dfd, LOCK_EX) == 0) {
        o->locked = 1;
    } else if (errno == EINTR) {
        discard(o);
        return ST_INTERRUPT;
    }
    enum status st = o->locked ? settle_all(o->dfd, dir, d) : ST_OK;
    if (st != ST_OK) {
        discard(o);
        return st;
    }
    for (int i = 0; names[i]; i++) {
        struct stat s;
        if (fstatat(o->dfd, names[i], &s, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(s.st_mode)) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            diag_fail(d, ST_CANTCREAT, path, 0, 0, "is %s, not a regular file: refusing to write through it",
                      S_ISLNK(s.st_mode) ? "a symbolic link" : S_ISDIR(s.st_mode) ? "a folder" : "a device or special file");
            discard(o);
            return ST_CANTCREAT;
        }
    }
    char path[4096];
    if (snprintf(path, sizeof path, "%s/" STAGE_PREFIX "XXXXXX", dir) >= (int)sizeof path) {
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot create a folder in it: %s", strerror(ENAMETOOLONG));
        discard(o);
        return ST_CANTCREAT;
    }
    if (!mkdtemp(path)) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, dir, 0, 0, "cannot create a folder in it: %s", strerror(e));
        discard(o);
        return ST_CANTCREAT;
    }
    memcpy(o->stage, path + strlen(path) - STAGE_LEN, STAGE_LEN + 1);
    o->sfd = openat(o->dfd, o->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (o->sfd < 0) {
        int e = errno;
        unlinkat(o->dfd, o->stage, AT_REMOVEDIR);
        diag_fail(d, ST_CANTCREAT, path, 0, 0, "cannot open the folder just made: %s", strerror(e));
        discard(o);
        return ST_CANTCREAT;
    }
    *out = o;
    return ST_OK;
}

FILE *outdir_file(struct outdir *o, const char *name, struct diag *d)
{
    if (o->n == OUTDIR_MAX_FILES)
        return NULL;
    struct outfile *f = &o->files[o->n];
    snprintf(f->name, sizeof f->name, "%s", name);
    if (o->nowhere) {
        if (!(f->f = fopen("/dev/null", "w"))) {
            diag_fail(d, ST_CANTCREAT, "/dev/null", 0, 0, "cannot open: %s", strerror(errno));
            return NULL;
        }
        return o->files[o->n++].f;
    }
    char staged[16];
    staged_name(staged, sizeof staged, o->n, 0);
    int fd = openat(o->sfd, staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, o->dir, 0, 0, "cannot create %s: %s", name, strerror(e));
        return NULL;
    }
    f->f = fdopen(fd, "w");
    if (!f->f) {
        close(fd);
        unlinkat(o->sfd, staged, 0);
        diag_nomem(d);
        return NULL;
    }
    o->n++;
    step();
    return f->f;
}

void outdir_retire(struct outdir *o, const char *name)
{
    if (o->nretired < OUTDIR_MAX_FILES)
        snprintf(o->retired[o->nretired++], sizeof o->retired[0], "%s", name);
}

void outdir_abort(struct outdir *o)
{
    if (o)
        discard(o);
}

enum status outdir_commit(struct outdir *o, volatile sig_atomic_t *stop, struct diag *d)
{
    if (o->nowhere) {
        discard(o);
        return stop && *stop ? ST_INTERRUPT : ST_OK;
    }
    for (int i = 0; i < o->n; i++) {
        struct outfile *f = &o->files[i];
        int bad = ferror(f->f) || fflush(f->f) != 0 || fsync(fileno(f->f)) != 0;
        int e = errno;
        if (fclose(f->f) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        f->f = NULL;
        if (bad) {
            diag_fail(d, ST_IOERR, o->dir, 0, 0, "could not write %s in full: %s; no report was replaced", f->name,
                      strerror(e ? e : EIO));
            discard(o);
            return ST_IOERR;
        }
    }
    step();
    if (stop && *stop) {
        discard(o);
        return ST_INTERRUPT;
    }
    /* Publishing is quick; hold off signals so that a Ctrl-C does not cut
     * it short (SIGKILL cannot be held off: the journal is for that). */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    struct journal j = { .n = 0 };
    for (int i = 0; i < o->n; i++) {
        struct entry *e = &j.e[j.n++];
        char kept[16];
        staged_name(kept, sizeof kept, i, 1);
        e->op = linkat(o->dfd, o->files[i].name, o->sfd, kept, 0) == 0 ? OP_REPLACE : OP_PUT;
        e->k = i;
        snprintf(e->name, sizeof e->name, "%s", o->files[i].name);
    }
    for (int i = 0; i < o->nretired; i++) {
        struct entry *e = &j.e[j.n++];
        e->op = OP_RETIRE;
        e->k = -1;
        snprintf(e->name, sizeof e->name, "%s", o->retired[i]);
    }
    step();
    enum status st = ST_OK;
    int failed = 0;
    if (journal_write(o->sfd, &j) != 0) {
        int e = errno;
        diag_fail(d, ST_IOERR, o->dir, 0, 0, "could not write the list of the reports to put in place: %s; no "
                  "report was replaced", strerror(e));
        st = ST_IOERR;
    } else if (roll_forward(o->dfd, o->sfd, &j, &failed) != 0) {
        int e = errno;
        char final[4096];
        snprintf(final, sizeof final, "%s/%s", o->dir, j.e[failed].name);
        if (undo(o->dfd, o->sfd, &j) == 0) {
            diag_fail(d, ST_CANTCREAT, final, 0, 0, "cannot put the report in place: %s; the earlier reports "
                      "were kept", strerror(e));
        } else {
            /* left for the next run to put back */
            diag_fail(d, ST_CANTCREAT, final, 0, 0, "cannot put the report in place: %s; the earlier reports "
                      "are in %s/%s until the next run into the folder puts them back", strerror(e), o->dir,
                      o->stage);
            close(o->sfd);
            o->sfd = -1;
        }
        st = ST_CANTCREAT;
    }
    step();
    o->n = 0;
    discard(o);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return st;
}
