/*
 * outdir.c - atomic report writing (see outdir.h).
 */
#include "sim/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/mem.h"

struct outfile {
    char name[64];
    char tmp[4096];
    FILE *f;
};

struct outdir {
    char *dir;
    struct outfile files[OUTDIR_MAX_FILES];
    int n;
    char retired[OUTDIR_MAX_FILES][64]; /* reports of earlier sets that this set does not have */
    int nretired;
};

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

enum status outdir_open(const char *dir, const char *const *names, struct diag *d, struct outdir **out)
{
    *out = NULL;
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
    for (int i = 0; names[i]; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
            diag_fail(d, ST_CANTCREAT, path, 0, 0, "is %s, not a regular file: refusing to write through it",
                      S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a folder" : "a device or special file");
            return ST_CANTCREAT;
        }
    }
    struct outdir *o = mem_calloc(1, sizeof *o);
    if (!o || !(o->dir = mem_strdup(dir))) {
        mem_free(o);
        diag_nomem(d);
        return ST_NOMEM;
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
    snprintf(f->tmp, sizeof f->tmp, "%s/.%s.XXXXXX", o->dir, name);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        diag_fail(d, ST_CANTCREAT, o->dir, 0, 0, "cannot create %s: %s", name, strerror(e));
        return NULL;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask); /* mkstemp makes 0600; reports read like any file */
    f->f = fdopen(fd, "w");
    if (!f->f) {
        close(fd);
        unlink(f->tmp);
        diag_nomem(d);
        return NULL;
    }
    o->n++;
    return f->f;
}

void outdir_retire(struct outdir *o, const char *name)
{
    if (o->nretired < OUTDIR_MAX_FILES)
        snprintf(o->retired[o->nretired++], sizeof o->retired[0], "%s", name);
}

static void discard(struct outdir *o)
{
    for (int i = 0; i < o->n; i++) {
        if (o->files[i].f)
            fclose(o->files[i].f);
        unlink(o->files[i].tmp);
    }
    mem_free(o->dir);
    mem_free(o);
}

void outdir_abort(struct outdir *o)
{
    if (o)
        discard(o);
}

enum status outdir_commit(struct outdir *o, volatile sig_atomic_t *stop, struct diag *d)
{
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
    if (stop && *stop) {
        discard(o);
        return ST_INTERRUPT;
    }
    /* Renaming is quick; hold off signals so a report set is not left half-renamed. */
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    /* Keep a hard link to each report being replaced, so that a rename that
     * fails part-way can put the earlier set back. */
    char backup[OUTDIR_MAX_FILES][4112];
    int has_backup[OUTDIR_MAX_FILES] = { 0 };
    for (int i = 0; i < o->n; i++) {
        char final[4096];
        snprintf(final, sizeof final, "%s/%s", o->dir, o->files[i].name);
        snprintf(backup[i], sizeof backup[i], "%s.old", o->files[i].tmp);
        has_backup[i] = link(final, backup[i]) == 0;
    }
    for (int i = 0; i < o->n; i++) {
        char final[4096];
        snprintf(final, sizeof final, "%s/%s", o->dir, o->files[i].name);
        if (rename(o->files[i].tmp, final) != 0) {
            int e = errno;
            diag_fail(d, ST_CANTCREAT, final, 0, 0, "cannot put the report in place: %s; the earlier reports "
                      "were kept", strerror(e));
            for (int j = 0; j < i; j++) {
                char done[4096];
                snprintf(done, sizeof done, "%s/%s", o->dir, o->files[j].name);
                if (has_backup[j])
                    rename(backup[j], done);
                else
                    unlink(done);
                has_backup[j] = 0;
            }
            for (int j = 0; j < o->n; j++)
                if (has_backup[j])
                    unlink(backup[j]);
            for (int j = i; j < o->n; j++)
                unlink(o->files[j].tmp);
            o->n = 0;
            sigprocmask(SIG_SETMASK, &old, NULL);
            discard(o);
            return ST_CANTCREAT;
        }
    }
    for (int i = 0; i < o->n; i++)
        if (has_backup[i])
            unlink(backup[i]);
    for (int i = 0; i < o->nretired; i++) {
        char earlier[4096];
        snprintf(earlier, sizeof earlier, "%s/%s", o->dir, o->retired[i]);
        unlink(earlier); /* the earlier set's; not there is fine */
    }
    int fd = open(o->dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    o->n = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    discard(o);
    return ST_OK;
}
