/* fc_mem: aborting allocators, a bump arena for per-request memory, a byte buffer. */
#include "fc_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void s_oom(size_t n)
{
    fprintf(stderr, "{\"level\":\"error\",\"event\":\"out_of_memory\",\"bytes\":%zu}\n", n);
    abort();
}

void *fc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        s_oom(n);
    return p;
}

void *fc_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        s_oom(count * size);
    return p;
}

void *fc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        s_oom(n);
    return q;
}

char *fc_xstrdup(const char *s)
{
    return fc_xstrndup(s, strlen(s));
}

char *fc_xstrndup(const char *s, size_t n)
{
    char *p = fc_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *fc_xvasprintf(const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        n = 0;
    char *p = fc_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *fc_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = fc_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* --- arena --------------------------------------------------------------- */

typedef struct s_block {
    struct s_block *next;
    size_t size;
    size_t used;
    max_align_t data[]; /* aligned for any type */
} s_block_t;

struct fc_arena {
    s_block_t *head;
    size_t block_size;
    size_t used_total;
};

static s_block_t *s_block_new(size_t size)
{
    s_block_t *b = fc_xmalloc(sizeof *b + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

fc_arena_t *fc_arena_new(size_t block_size)
{
    fc_arena_t *self = fc_xcalloc(1, sizeof *self);
    self->block_size = block_size ? block_size : 16384;
    self->head = s_block_new(self->block_size);
    return self;
}

void fc_arena_destroy(fc_arena_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_arena_t *self = *self_p;
    s_block_t *b = self->head;
    while (b) {
        s_block_t *next = b->next;
        free(b);
        b = next;
    }
    free(self);
    *self_p = NULL;
}

void *fc_arena_alloc(fc_arena_t *self, size_t n)
{
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    s_block_t *b = self->head;
    if (b->size - b->used < n) {
        size_t size = n > self->block_size ? n : self->block_size;
        s_block_t *nb = s_block_new(size);
        nb->next = b;
        self->head = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    self->used_total += n;
    return p;
}

char *fc_arena_strdup(fc_arena_t *self, const char *s)
{
    size_t n = strlen(s);
    char *p = fc_arena_alloc(self, n + 1);
    memcpy(p, s, n + 1);
    return p;
}

void fc_arena_reset(fc_arena_t *self)
{
    /* keep the oldest block (the one of the default size), free the rest */
    s_block_t *b = self->head;
    while (b->next) {
        s_block_t *next = b->next;
        free(b);
        b = next;
    }
    b->used = 0;
    self->head = b;
    self->used_total = 0;
}

size_t fc_arena_used(const fc_arena_t *self)
{
    return self->used_total;
}

/* --- buffer -------------------------------------------------------------- */

void fc_buf_init(fc_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void fc_buf_fini(fc_buf_t *b)
{
    free(b->data);
    fc_buf_init(b);
}

static void s_buf_reserve(fc_buf_t *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = fc_xrealloc(b->data, cap);
    b->cap = cap;
}

void fc_buf_append(fc_buf_t *b, const void *p, size_t n)
{
    s_buf_reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void fc_buf_puts(fc_buf_t *b, const char *s)
{
    fc_buf_append(b, s, strlen(s));
}

void fc_buf_printf(fc_buf_t *b, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        s_buf_reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        b->len += (size_t)n;
    }
    va_end(ap);
}

void fc_buf_json_str(fc_buf_t *b, const char *s)
{
    fc_buf_append(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        switch (*p) {
        case '"': fc_buf_append(b, "\\\"", 2); break;
        case '\\': fc_buf_append(b, "\\\\", 2); break;
        case '\n': fc_buf_append(b, "\\n", 2); break;
        case '\r': fc_buf_append(b, "\\r", 2); break;
        case '\t': fc_buf_append(b, "\\t", 2); break;
        default:
            if (*p < 0x20)
                fc_buf_printf(b, "\\u%04x", *p);
            else
                fc_buf_append(b, p, 1);
        }
    }
    fc_buf_append(b, "\"", 1);
}

void fc_buf_reset(fc_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}
