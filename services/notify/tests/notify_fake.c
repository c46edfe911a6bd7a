/* notify_fake: fake WeCom robots, SMS provider and SMTP server for notify's tests. */
#include "notify_fake.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define S_MAX_BODY (1024 * 1024)

typedef struct {
    char kind[8];
    char *body; /* wecom: path + "\n" + body; sms: the body; smtp: rcpt + "\n" + data */
    int delivered;
    int64_t mono_ms;
} s_req_t;

struct notify_fake {
    pthread_mutex_t lock;
    s_req_t *reqs;
    int n, cap;
    fake_mode_t mode[3];
    int mode_left[3];
    int slow_ms;
    atomic_int latency_ms;
    /* http */
    struct MHD_Daemon *mhd;
    /* smtp */
    int listen_fd;
    pthread_t thread;
    int thread_started;
    atomic_int stop;
    pthread_t *sessions;
    int n_sessions, cap_sessions;
    int biz_seq;
    FILE *journal; /* notify_fake_journal: every request also appended here */
};

static int s_kind_index(const char *kind)
{
    return strcmp(kind, "wecom") == 0 ? 0 : strcmp(kind, "sms") == 0 ? 1 : 2;
}

static void s_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* The mode for the next request of kind (consumes one misbehaviour). Locked by the caller. */
static fake_mode_t s_take_mode(notify_fake_t *f, const char *kind)
{
    int k = s_kind_index(kind);
    if (f->mode_left[k] <= 0)
        return FAKE_OK;
    f->mode_left[k]--;
    return f->mode[k];
}

static void s_record(notify_fake_t *f, const char *kind, const char *body, int delivered)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 256;
        f->reqs = fc_xrealloc(f->reqs, (size_t)f->cap * sizeof *f->reqs);
    }
    s_req_t *r = &f->reqs[f->n++];
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    r->body = fc_xstrdup(body);
    r->delivered = delivered;
    r->mono_ms = fc_clock_mono_ms();
    if (f->journal) {
        char when[40];
        fc_time_format_local(fc_clock_now_us(), when, sizeof when);
        json_t *j = json_pack("{ssssssss}", "received_at", when, "kind", kind, "outcome",
                              delivered ? "accepted" : "refused", "request", body);
        char *line = j ? json_dumps(j, JSON_COMPACT) : NULL;
        if (line) {
            fprintf(f->journal, "%s\n", line);
            fflush(f->journal);
        }
        free(line);
        json_decref(j);
    }
}

void notify_fake_journal(notify_fake_t *self, FILE *f)
{
    pthread_mutex_lock(&self->lock);
    self->journal = f;
    pthread_mutex_unlock(&self->lock);
}

void notify_fake_misbehave(notify_fake_t *self, const char *kind, fake_mode_t mode, int n)
{
    pthread_mutex_lock(&self->lock);
    self->mode[s_kind_index(kind)] = mode;
    self->mode_left[s_kind_index(kind)] = n;
    pthread_mutex_unlock(&self->lock);
}

void notify_fake_latency(notify_fake_t *self, int ms)
{
    atomic_store(&self->latency_ms, ms);
}

void notify_fake_clear(notify_fake_t *self)
{
    pthread_mutex_lock(&self->lock);
    for (int i = 0; i < self->n; i++)
        free(self->reqs[i].body);
    self->n = 0;
    pthread_mutex_unlock(&self->lock);
}

/* ---- HTTP: WeCom robots and the SMS provider ------------------------------------------------ */

typedef struct {
    fc_buf_t body;
} s_conn_t;

static enum MHD_Result s_reply(struct MHD_Connection *c, unsigned status, const char *type,
                               const char *text)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result s_wecom(notify_fake_t *f, struct MHD_Connection *c, const char *url,
                               const char *body)
{
    pthread_mutex_lock(&f->lock);
    fake_mode_t mode = s_take_mode(f, "wecom");
    char *rec = fc_xasprintf("%s\n%s", url, body);
    json_error_t jerr;
    json_t *j = json_loads(body, 0, &jerr);
    const char *type = json_string_value(json_object_get(j, "msgtype"));
    int ok_body = type && json_object_get(json_object_get(j, type), "content");
    int delivered = ok_body && (mode == FAKE_OK || mode == FAKE_SLOW);
    s_record(f, "wecom", rec, delivered);
    pthread_mutex_unlock(&f->lock);
    json_decref(j);
    free(rec);
    if (!ok_body)
        return s_reply(c, 200, "application/json",
                       "{\"errcode\":44004,\"errmsg\":\"empty content\"}");
    switch (mode) {
    case FAKE_HTTP_500:
        return s_reply(c, 500, "text/plain", "internal error");
    case FAKE_NON_JSON:
        return s_reply(c, 200, "text/html", "<html>gateway error</html>");
    case FAKE_ERRCODE:
        return s_reply(c, 200, "application/json",
                       "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
    case FAKE_ERRCODE_BUSY:
        return s_reply(c, 200, "application/json",
                       "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}");
    case FAKE_SLOW:
        s_sleep_ms(f->slow_ms);
        break;
    default:
        break;
    }
    return s_reply(c, 200, "application/json", "{\"errcode\":0,\"errmsg\":\"ok\"}");
}

static enum MHD_Result s_sms_send(notify_fake_t *f, struct MHD_Connection *c, const char *body)
{
    json_error_t jerr;
    json_t *j = json_loads(body, 0, &jerr);
    const char *phone = json_string_value(json_object_get(j, "PhoneNumbers"));
    const char *params = json_string_value(json_object_get(j, "TemplateParam"));
    json_t *pj = params ? json_loads(params, 0, &jerr) : NULL;
    int valid = phone && strlen(phone) == 11 && json_is_object(pj) &&
                json_string_value(json_object_get(j, "OutId"));
    pthread_mutex_lock(&f->lock);
    fake_mode_t mode = valid ? s_take_mode(f, "sms") : FAKE_OK;
    int delivered = valid && (mode == FAKE_OK || mode == FAKE_SLOW);
    s_record(f, "sms", body, delivered);
    int biz = ++f->biz_seq;
    pthread_mutex_unlock(&f->lock);
    json_decref(j);
    json_decref(pj);
    if (!valid)
        return s_reply(c, 200, "application/json",
                       "{\"Code\":\"isv.MOBILE_NUMBER_ILLEGAL\",\"Message\":\"bad request\"}");
    if (mode == FAKE_HTTP_500)
        return s_reply(c, 500, "text/plain", "provider error");
    if (mode == FAKE_SLOW)
        s_sleep_ms(f->slow_ms);
    char out[128];
    snprintf(out, sizeof out, "{\"Code\":\"OK\",\"Message\":\"OK\",\"BizId\":\"biz-%d\"}", biz);
    return s_reply(c, 200, "application/json", out);
}

static enum MHD_Result s_sms_query(notify_fake_t *f, struct MHD_Connection *c, const char *body)
{
    json_error_t jerr;
    json_t *j = json_loads(body, 0, &jerr);
    const char *out_id = json_string_value(json_object_get(j, "OutId"));
    json_t *list = json_array();
    char needle[64];
    snprintf(needle, sizeof needle, "\"OutId\":\"%s\"", out_id ? out_id : "?");
    pthread_mutex_lock(&f->lock);
    for (int i = 0; i < f->n; i++)
        if (strcmp(f->reqs[i].kind, "sms") == 0 && f->reqs[i].delivered &&
            strstr(f->reqs[i].body, needle))
            json_array_append_new(list, json_pack("{s:s, s:i, s:s}", "OutId", out_id, "SendStatus",
                                                  3, "BizId", "biz-q"));
    pthread_mutex_unlock(&f->lock);
    json_t *reply = json_pack("{s:s, s:o}", "Code", "OK", "SmsSendDetailDTOs", list);
    char *text = json_dumps(reply, JSON_COMPACT);
    enum MHD_Result r = s_reply(c, 200, "application/json", text);
    free(text);
    json_decref(reply);
    json_decref(j);
    return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    notify_fake_t *f = cls;
    s_conn_t *conn = *con_cls;
    if (!conn) {
        conn = fc_xcalloc(1, sizeof *conn);
        fc_buf_init(&conn->body);
        *con_cls = conn;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (conn->body.len + *upload_data_size < S_MAX_BODY)
            fc_buf_append(&conn->body, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, "POST") != 0)
        return s_reply(c, 405, "text/plain", "POST only");
    if (atomic_load(&f->latency_ms) > 0)
        s_sleep_ms(atomic_load(&f->latency_ms));
    fc_buf_append(&conn->body, "", 1); /* NUL-terminate */
    const char *body = conn->body.data;
    if (strncmp(url, "/robot/", 7) == 0)
        return s_wecom(f, c, url, body);
    if (strcmp(url, "/sms/send") == 0)
        return s_sms_send(f, c, body);
    if (strcmp(url, "/sms/query") == 0)
        return s_sms_query(f, c, body);
    return s_reply(c, 404, "text/plain", "not found");
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    s_conn_t *conn = *con_cls;
    if (conn) {
        fc_buf_fini(&conn->body);
        free(conn);
        *con_cls = NULL;
    }
}

notify_fake_t *notify_fake_http_new(int port, int slow_ms)
{
    notify_fake_t *f = fc_xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->slow_ms = slow_ms;
    f->listen_fd = -1;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    f->mhd = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
        (uint16_t)port, NULL, NULL, on_request, f, MHD_OPTION_NOTIFY_COMPLETED, on_completed, f,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&a,
        MHD_OPTION_END);
    if (!f->mhd) {
        fprintf(stderr, "notify_fake: could not listen on port %d\n", port);
        notify_fake_destroy(&f);
    }
    return f;
}

/* ---- SMTP -------------------------------------------------------------------------------- */

/* Reads one CRLF line into buf; 0 on EOF, error or stop. */
static int s_getline(notify_fake_t *f, int fd, char *buf, size_t n)
{
    size_t k = 0;
    while (k + 1 < n) {
        struct pollfd p = {fd, POLLIN, 0};
        int ready = poll(&p, 1, 100);
        if (atomic_load(&f->stop))
            return 0;
        if (ready <= 0)
            continue;
        char ch;
        ssize_t r = recv(fd, &ch, 1, 0);
        if (r <= 0)
            return 0;
        buf[k++] = ch;
        if (ch == '\n')
            break;
    }
    buf[k] = '\0';
    return 1;
}

static void s_say(int fd, const char *text)
{
    ssize_t r = send(fd, text, strlen(text), MSG_NOSIGNAL);
    (void)r;
}

static void s_smtp_session(notify_fake_t *f, int fd)
{
    char line[4096];
    fc_buf_t rcpt, data;
    fc_buf_init(&rcpt);
    fc_buf_init(&data);
    s_say(fd, "220 fake.local ESMTP\r\n");
    while (s_getline(f, fd, line, sizeof line)) {
        if (strncasecmp(line, "EHLO", 4) == 0) {
            s_say(fd, "250-fake.local\r\n250 8BITMIME\r\n");
        } else if (strncasecmp(line, "HELO", 4) == 0 || strncasecmp(line, "RSET", 4) == 0 ||
                   strncasecmp(line, "NOOP", 4) == 0) {
            s_say(fd, "250 OK\r\n");
        } else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
            fc_buf_reset(&rcpt);
            s_say(fd, "250 OK\r\n");
        } else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
            if (strstr(line, "nobody@")) {
                s_say(fd, "550 5.1.1 mailbox unavailable\r\n");
                continue;
            }
            fc_buf_puts(&rcpt, line + 8);
            s_say(fd, "250 OK\r\n");
        } else if (strncasecmp(line, "DATA", 4) == 0) {
            s_say(fd, "354 end with .\r\n");
            fc_buf_reset(&data);
            while (s_getline(f, fd, line, sizeof line) && strcmp(line, ".\r\n") != 0)
                fc_buf_puts(&data, line);
            fc_buf_append(&rcpt, "", 1);
            fc_buf_append(&data, "", 1);
            if (atomic_load(&f->latency_ms) > 0)
                s_sleep_ms(atomic_load(&f->latency_ms));
            pthread_mutex_lock(&f->lock);
            fake_mode_t mode = s_take_mode(f, "smtp");
            char *rec = fc_xasprintf("%s\n%s", rcpt.data, data.data);
            s_record(f, "smtp", rec, mode != FAKE_DROP);
            free(rec);
            pthread_mutex_unlock(&f->lock);
            if (mode == FAKE_DROP)
                break; /* hang up before the 250: the client must not take it as sent */
            s_say(fd, "250 2.0.0 queued\r\n");
        } else if (strncasecmp(line, "QUIT", 4) == 0) {
            s_say(fd, "221 bye\r\n");
            break;
        } else {
            s_say(fd, "502 not implemented\r\n");
        }
    }
    fc_buf_fini(&rcpt);
    fc_buf_fini(&data);
    close(fd);
}

typedef struct {
    notify_fake_t *f;
    int fd;
} s_session_t;

static void *s_session_thread(void *arg)
{
    s_session_t *s = arg;
    s_smtp_session(s->f, s->fd);
    free(s);
    return NULL;
}

/* Accepts connections, one thread per session (libcurl keeps connections open for reuse). */
static void *s_smtp_thread(void *arg)
{
    notify_fake_t *f = arg;
    while (!atomic_load(&f->stop)) {
        struct pollfd p = {f->listen_fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0)
            continue;
        int fd = accept(f->listen_fd, NULL, NULL);
        if (fd < 0)
            continue;
        s_session_t *s = fc_xcalloc(1, sizeof *s);
        s->f = f;
        s->fd = fd;
        pthread_mutex_lock(&f->lock);
        if (f->n_sessions == f->cap_sessions) {
            f->cap_sessions = f->cap_sessions ? f->cap_sessions * 2 : 16;
            f->sessions = fc_xrealloc(f->sessions, (size_t)f->cap_sessions * sizeof *f->sessions);
        }
        if (pthread_create(&f->sessions[f->n_sessions], NULL, s_session_thread, s) == 0)
            f->n_sessions++;
        else
            close(fd), free(s);
        pthread_mutex_unlock(&f->lock);
    }
    return NULL;
}

notify_fake_t *notify_fake_smtp_new(int port)
{
    notify_fake_t *f = fc_xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    atomic_init(&f->stop, 0);
    f->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(f->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(f->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(f->listen_fd, 16) != 0 ||
        pthread_create(&f->thread, NULL, s_smtp_thread, f) != 0) {
        fprintf(stderr, "notify_fake: could not listen on port %d: %s\n", port, strerror(errno));
        notify_fake_destroy(&f);
        return NULL;
    }
    f->thread_started = 1;
    return f;
}

void notify_fake_destroy(notify_fake_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    notify_fake_t *f = *self_p;
    if (f->mhd)
        MHD_stop_daemon(f->mhd);
    if (f->thread_started) {
        atomic_store(&f->stop, 1);
        pthread_join(f->thread, NULL);
        for (int i = 0; i < f->n_sessions; i++)
            pthread_join(f->sessions[i], NULL);
        free(f->sessions);
    }
    if (f->listen_fd >= 0)
        close(f->listen_fd);
    for (int i = 0; i < f->n; i++)
        free(f->reqs[i].body);
    free(f->reqs);
    pthread_mutex_destroy(&f->lock);
    free(f);
    *self_p = NULL;
}

/* ---- what arrived ------------------------------------------------------------------------- */

int notify_fake_count(notify_fake_t *self, const char *kind)
{
    return notify_fake_count_with(self, kind, "");
}

int notify_fake_count_with(notify_fake_t *self, const char *kind, const char *needle)
{
    int n = 0;
    pthread_mutex_lock(&self->lock);
    for (int i = 0; i < self->n; i++)
        n += strcmp(self->reqs[i].kind, kind) == 0 && self->reqs[i].delivered &&
             strstr(self->reqs[i].body, needle) != NULL;
    pthread_mutex_unlock(&self->lock);
    return n;
}

int notify_fake_seen(notify_fake_t *self, const char *kind)
{
    int n = 0;
    pthread_mutex_lock(&self->lock);
    for (int i = 0; i < self->n; i++)
        n += strcmp(self->reqs[i].kind, kind) == 0;
    pthread_mutex_unlock(&self->lock);
    return n;
}

char *notify_fake_body(notify_fake_t *self, const char *kind, int i)
{
    char *out = NULL;
    pthread_mutex_lock(&self->lock);
    for (int k = 0, seen = 0; k < self->n && !out; k++)
        if (strcmp(self->reqs[k].kind, kind) == 0 && self->reqs[k].delivered && seen++ == i)
            out = fc_xstrdup(self->reqs[k].body);
    pthread_mutex_unlock(&self->lock);
    return out;
}

int notify_fake_max_in_window(notify_fake_t *self, const char *kind, int64_t window_ms)
{
    int best = 0;
    pthread_mutex_lock(&self->lock);
    for (int i = 0; i < self->n; i++) {
        if (strcmp(self->reqs[i].kind, kind) != 0 || !self->reqs[i].delivered)
            continue;
        int n = 0;
        for (int k = i; k < self->n; k++)
            n += strcmp(self->reqs[k].kind, kind) == 0 && self->reqs[k].delivered &&
                 self->reqs[k].mono_ms - self->reqs[i].mono_ms < window_ms;
        if (n > best)
            best = n;
    }
    pthread_mutex_unlock(&self->lock);
    return best;
}

static int s_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int notify_fake_duplicates(notify_fake_t *self, const char *kind, const char *marker)
{
    pthread_mutex_lock(&self->lock);
    char **keys = fc_xcalloc((size_t)self->n + 1, sizeof *keys);
    int n = 0, dups = 0;
    size_t ml = strlen(marker);
    for (int i = 0; i < self->n; i++) {
        if (strcmp(self->reqs[i].kind, kind) != 0 || !self->reqs[i].delivered)
            continue;
        const char *p = strstr(self->reqs[i].body, marker);
        if (!p)
            continue;
        p += ml;
        size_t k = strspn(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_");
        keys[n++] = fc_xstrndup(p, k);
    }
    pthread_mutex_unlock(&self->lock);
    qsort(keys, (size_t)n, sizeof *keys, s_cmp);
    for (int i = 1; i < n; i++)
        dups += strcmp(keys[i], keys[i - 1]) == 0;
    for (int i = 0; i < n; i++)
        free(keys[i]);
    free(keys);
    return dups;
}
