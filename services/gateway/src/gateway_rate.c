/* gateway_rate: token buckets in integer milli-requests, in a small hash table under a mutex.
 * Only authenticated tokens reach it, so the table is bounded by the tokens in force. */
#include "gateway_rate.h"
#include "fc_mem.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define S_BUCKETS 1024

typedef struct s_entry {
    struct s_entry *next;
    char *key;
    int64_t level; /* milli-requests available */
    int64_t last_ms;
} s_entry_t;

struct gateway_rate {
    pthread_mutex_t lock;
    int64_t per_s, burst;
    s_entry_t *buckets[S_BUCKETS];
    atomic_llong refused;
};

static unsigned s_hash(const char *s)
{
    unsigned h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % S_BUCKETS;
}

gateway_rate_t *gateway_rate_new(int per_s, int burst)
{
    gateway_rate_t *self = fc_xcalloc(1, sizeof *self);
    pthread_mutex_init(&self->lock, NULL);
    self->per_s = per_s > 0 ? per_s : 0;
    self->burst = burst > 0 ? burst : (per_s > 0 ? per_s : 1);
    return self;
}

void gateway_rate_destroy(gateway_rate_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gateway_rate_t *self = *self_p;
    for (int i = 0; i < S_BUCKETS; i++) {
        s_entry_t *e = self->buckets[i];
        while (e) {
            s_entry_t *next = e->next;
            free(e->key);
            free(e);
            e = next;
        }
    }
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

int gateway_rate_take(gateway_rate_t *self, const char *key, int64_t now_ms, int *retry_after_s)
{
    if (self->per_s == 0)
        return 1;
    int ok;
    pthread_mutex_lock(&self->lock);
    unsigned h = s_hash(key);
    s_entry_t *e = self->buckets[h];
    while (e && strcmp(e->key, key) != 0)
        e = e->next;
    if (!e) {
        e = fc_xcalloc(1, sizeof *e);
        e->key = fc_xstrdup(key);
        e->level = self->burst * 1000;
        e->last_ms = now_ms;
        e->next = self->buckets[h];
        self->buckets[h] = e;
    }
    /* per_s requests a second = per_s milli-requests a millisecond */
    if (now_ms > e->last_ms) {
        e->level += (now_ms - e->last_ms) * self->per_s;
        if (e->level > self->burst * 1000)
            e->level = self->burst * 1000;
        e->last_ms = now_ms;
    }
    if (e->level >= 1000) {
        e->level -= 1000;
        ok = 1;
    } else {
        int64_t wait_ms = (1000 - e->level + self->per_s - 1) / self->per_s;
        *retry_after_s = (int)((wait_ms + 999) / 1000);
        if (*retry_after_s < 1)
            *retry_after_s = 1;
        ok = 0;
    }
    pthread_mutex_unlock(&self->lock);
    if (!ok)
        atomic_fetch_add(&self->refused, 1);
    return ok;
}

long long gateway_rate_refused(const gateway_rate_t *self)
{
    return atomic_load(&((gateway_rate_t *)self)->refused);
}
