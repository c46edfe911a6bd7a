/* notify_fake: fake external services for notify's tests, on loopback ports: one HTTP server
 * (libmicrohttpd) playing WeCom group robots (POST /robot/<key>) and an SMS provider
 * (POST /sms/send, POST /sms/query, in the shape of SendSms / QuerySendDetails), and a small
 * SMTP responder. Each records exactly what arrived, and can be told to misbehave for the
 * next N requests: answer 500, answer non-JSON, answer errcode != 0, time out, drop the
 * connection. Thread-safe: the servers run on threads of their own. */
#ifndef NOTIFY_FAKE_H
#define NOTIFY_FAKE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

typedef enum {
    FAKE_OK = 0,
    FAKE_HTTP_500,     /* HTTP 500, nothing recorded as delivered */
    FAKE_NON_JSON,     /* HTTP 200 with an HTML page */
    FAKE_ERRCODE,      /* WeCom errcode 93000 (invalid webhook: permanent) */
    FAKE_ERRCODE_BUSY, /* WeCom errcode 45009 (rate limited: retryable) */
    FAKE_SLOW,         /* record as delivered, then answer after the client gave up */
    FAKE_DROP,         /* SMTP: drop the connection after DATA, before the 250 */
} fake_mode_t;

typedef struct notify_fake notify_fake_t;

/* Starts the HTTP fake on port; slow_ms is how long FAKE_SLOW waits. */
notify_fake_t *notify_fake_http_new(int port, int slow_ms);
/* Starts the SMTP fake on port. */
notify_fake_t *notify_fake_smtp_new(int port);
void notify_fake_destroy(notify_fake_t **self_p);

/* The next n requests of kind ("wecom", "sms", "smtp") get mode. */
void notify_fake_misbehave(notify_fake_t *self, const char *kind, fake_mode_t mode, int n);
/* Every request from now on waits ms before it is handled (0: none). */
void notify_fake_latency(notify_fake_t *self, int ms);
/* Also appends every request, as it arrives, to f as one JSON line {received_at, kind,
 * outcome, request} (NULL: stop). The caller keeps f open while the fake runs. */
void notify_fake_journal(notify_fake_t *self, FILE *f);
/* Forgets every request. */
void notify_fake_clear(notify_fake_t *self);

/* Requests of kind that were accepted as delivered (a FAKE_SLOW one counts; a 500 does not). */
int notify_fake_count(notify_fake_t *self, const char *kind);
/* ... of those, how many have needle in their body (or path, for wecom) */
int notify_fake_count_with(notify_fake_t *self, const char *kind, const char *needle);
/* Every request seen, delivered or not. */
int notify_fake_seen(notify_fake_t *self, const char *kind);
/* A copy of the body of the i-th delivered request of kind (caller frees), NULL past the end.
 * For wecom the path is prepended: "/robot/KEY\n{...}". For smtp: "RCPT\nDATA". */
char *notify_fake_body(notify_fake_t *self, const char *kind, int i);
/* Largest number of delivered requests of kind in any window_ms window (pacing). */
int notify_fake_max_in_window(notify_fake_t *self, const char *kind, int64_t window_ms);
/* Delivered requests whose body carries the same marker twice (duplicates), by the value of
 * the JSON string field field ("OutId") or the text after marker. */
int notify_fake_duplicates(notify_fake_t *self, const char *kind, const char *marker);

#endif
