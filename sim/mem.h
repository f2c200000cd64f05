/*
 * mem.h - the one place cpcsim allocates memory.
 *
 * Every allocation goes through these wrappers so that a failure is always
 * visible as NULL (callers unwind and return ST_NOMEM) and so that a test
 * build can make the N-th allocation fail.  mem_free(NULL) does nothing.
 */
#ifndef CPC_MEM_H
#define CPC_MEM_H

#include <stddef.h>

void *mem_alloc(size_t size);
/* Zeroed array of n elements of size bytes; NULL on overflow or failure. */
void *mem_calloc(size_t n, size_t size);
/* Like realloc, but n * size with an overflow check; on failure the old
 * block is left untouched and NULL is returned. */
void *mem_realloc(void *p, size_t n, size_t size);
/* realloc's signature, for libraries that take an allocator (libcsv). */
void *mem_realloc_bytes(void *p, size_t bytes);
void mem_free(void *p);
/* A copy of the first len bytes of s, NUL-terminated. */
char *mem_strndup(const char *s, size_t len);
char *mem_strdup(const char *s);

#endif
