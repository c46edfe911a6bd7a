/* fc_id: ULIDs — sortable by creation time, unique without coordination. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "fc_id.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static const char s_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static pthread_mutex_t s_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t s_last_ms;
static unsigned char s_last_rand[10];

/* A forked child must not continue the parent's sequence within the same millisecond. */
static void on_fork_child(void)
{
    s_last_ms = 0;
}

static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static void s_init(void)
{
    pthread_atfork(NULL, NULL, on_fork_child);
}

static uint64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void s_random(unsigned char *p, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(p + got, n - got, 0);
        if (r > 0)
            got += (size_t)r;
    }
}

void fc_id_new(char out[FC_ID_LEN + 1])
{
    unsigned char bytes[16];
    pthread_once(&s_once, s_init);
    pthread_mutex_lock(&s_lock);
    uint64_t ms = s_now_ms();
    if (ms <= s_last_ms) {
        /* same millisecond (or clock stepped back): increment the random part */
        ms = s_last_ms;
        for (int i = 9; i >= 0; i--)
            if (++s_last_rand[i] != 0)
                break;
    } else {
        s_last_ms = ms;
        s_random(s_last_rand, sizeof s_last_rand);
    }
    for (int i = 0; i < 6; i++)
        bytes[i] = (unsigned char)(ms >> (8 * (5 - i)));
    memcpy(bytes + 6, s_last_rand, 10);
    pthread_mutex_unlock(&s_lock);

    /* 128 bits as 26 base32 digits, most significant first (the first digit holds 3 bits) */
    int bit = -2; /* 26*5 = 130 bits: two leading zero bits */
    for (int i = 0; i < FC_ID_LEN; i++) {
        int v = 0;
        for (int k = 0; k < 5; k++, bit++) {
            v <<= 1;
            if (bit >= 0 && (bytes[bit / 8] >> (7 - bit % 8)) & 1)
                v |= 1;
        }
        out[i] = s_alphabet[v];
    }
    out[FC_ID_LEN] = '\0';
}

int fc_id_valid(const char *s)
{
    if (!s || strlen(s) != FC_ID_LEN)
        return 0;
    for (const char *p = s; *p; p++)
        if (!strchr(s_alphabet, *p) || !*p)
            return 0;
    return s[0] <= '7';
}
