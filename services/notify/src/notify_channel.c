/* notify_channel: the registry of configured channels and what their implementations share
 * (a JSON POST with libcurl, outcomes, the repeat notice). */
#include "notify_channel.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct notify_channels {
    notify_channel_cfg_t cfg;
};

notify_channels_t *notify_channels_new(const notify_channel_cfg_t *cfg)
{
    notify_channels_t *self = fc_xcalloc(1, sizeof *self);
    self->cfg = *cfg;
    return self;
}

void notify_channels_destroy(notify_channels_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

const notify_channel_cfg_t *notify_channels_cfg(const notify_channels_t *self)
{
    return &self->cfg;
}

const notify_channel_ops_t *notify_channels_get(const notify_channels_t *self, const char *name)
{
    if (strcmp(name, "wecom") == 0)
        return &notify_wecom_ops;
    if (strcmp(name, "inbox") == 0)
        return &notify_inbox_ops;
    if (strcmp(name, "sms") == 0)
        return self->cfg.sms_url && *self->cfg.sms_url ? &notify_sms_ops : NULL;
    if (strcmp(name, "email") == 0)
        return self->cfg.smtp_url && *self->cfg.smtp_url && self->cfg.smtp_from &&
                       *self->cfg.smtp_from
                   ? &notify_email_ops
                   : NULL;
    if (strcmp(name, "file") == 0)
        return self->cfg.file_path && *self->cfg.file_path ? &notify_file_ops : NULL;
    return NULL;
}

void notify_send_fini(notify_send_t *s)
{
    if (!s)
        return;
    if (s->easy)
        curl_easy_cleanup(s->easy);
    s->easy = NULL;
    curl_slist_free_all(s->headers);
    s->headers = NULL;
    curl_slist_free_all(s->rcpt);
    s->rcpt = NULL;
    fc_buf_fini(&s->req);
    fc_buf_fini(&s->resp);
    s->req_off = 0;
}

/* libcurl write callback: the answer, capped at 64 KiB (we only need its start). */
static size_t on_write(char *p, size_t size, size_t n, void *userdata)
{
    fc_buf_t *b = userdata;
    size_t len = size * n;
    if (b->len < 64 * 1024)
        fc_buf_append(b, p, len);
    return len;
}

CURL *notify_http_post_json(notify_send_t *s, const char *url, const char *body, const char *bearer,
                            long timeout_ms)
{
    CURL *e = curl_easy_init();
    fc_buf_reset(&s->req);
    fc_buf_puts(&s->req, body);
    s->headers = curl_slist_append(s->headers, "Content-Type: application/json; charset=utf-8");
    s->headers = curl_slist_append(s->headers, "Expect:"); /* no 100-continue round trip */
    if (bearer && *bearer) {
        char *h = fc_xasprintf("Authorization: Bearer %s", bearer);
        s->headers = curl_slist_append(s->headers, h);
        free(h);
    }
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, s->req.data);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)s->req.len);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &s->resp);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_USERAGENT, "fc-notify/" FC_VERSION);
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    return e;
}

void notify_send_set(notify_send_t *s, notify_outcome_t outcome, const char *fmt, ...)
{
    s->outcome = outcome;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
}

char *notify_send_text(const notify_send_t *s, const char *text)
{
    if (!s->possible_repeat)
        return fc_xstrdup(text);
    int en = s->lang && strcmp(s->lang, "en") == 0;
    return fc_xasprintf(
        "%s%s", en ? "(Resent: ignore if you already have it) " : "（重发，如已收到请忽略）", text);
}

const char *notify_outcome_name(notify_outcome_t o)
{
    switch (o) {
    case NOTIFY_SENT:
        return "sent";
    case NOTIFY_RETRY:
        return "retry";
    case NOTIFY_PERMANENT:
        return "permanent";
    case NOTIFY_UNKNOWN:
        return "unknown";
    }
    return "?";
}
