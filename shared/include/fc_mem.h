/* fc_mem: allocation that aborts on out-of-memory, and a per-request arena whose
 * memory is released all at once (also usable as a protobuf-c allocator). */
#ifndef FC_MEM_H
#define FC_MEM_H

#include <stddef.h>
#include <stdarg.h>

void *fc_xmalloc(size_t n);
void *fc_xcalloc(size_t count, size_t size);
void *fc_xrealloc(void *p, size_t n);
char *fc_xstrdup(const char *s);
char *fc_xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string; the caller frees it. */
char *fc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *fc_xvasprintf(const char *fmt, va_list ap);

typedef struct fc_arena fc_arena_t;

fc_arena_t *fc_arena_new(size_t block_size);
void fc_arena_destroy(fc_arena_t **self_p);
/* Memory valid until fc_arena_reset or destroy; aligned for any type. */
void *fc_arena_alloc(fc_arena_t *self, size_t n);
char *fc_arena_strdup(fc_arena_t *self, const char *s);
/* Frees every allocation at once, keeping the first block for reuse. */
void fc_arena_reset(fc_arena_t *self);
/* Bytes handed out since the last reset. */
size_t fc_arena_used(const fc_arena_t *self);

/* A growable byte buffer. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} fc_buf_t;

void fc_buf_init(fc_buf_t *b);
void fc_buf_fini(fc_buf_t *b);
void fc_buf_append(fc_buf_t *b, const void *p, size_t n);
void fc_buf_puts(fc_buf_t *b, const char *s);
void fc_buf_printf(fc_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal (quoted, escaped). */
void fc_buf_json_str(fc_buf_t *b, const char *s);
/* Keeps data, sets len to 0. */
void fc_buf_reset(fc_buf_t *b);

#endif
