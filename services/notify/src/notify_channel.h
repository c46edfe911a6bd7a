/* notify_channel: every way a message leaves notify, behind one interface. A send is begun
 * (it becomes a libcurl transfer the worker runs on its multi handle, or finishes at once for
 * a local sink), finished (the channel reads the answer into an outcome), and, for channels
 * with a receipt API, queried: "did an earlier attempt arrive?", asked before any resend whose
 * first outcome is unknown. Channels: wecom (group-robot webhook), sms (HTTP provider API),
 * email (SMTP through libcurl), inbox (a row written in the worker's transaction) and file
 * (JSON lines, for development). */
#ifndef NOTIFY_CHANNEL_H
#define NOTIFY_CHANNEL_H

#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>
#include "fc_err.h"
#include "fc_mem.h"

#define NOTIFY_WECOM_TEXT_MAX 2048     /* bytes of content, msgtype text */
#define NOTIFY_WECOM_MARKDOWN_MAX 4096 /* bytes of content, msgtype markdown */

typedef enum {
    NOTIFY_SENT = 0,  /* delivered, or accepted by the provider */
    NOTIFY_RETRY,     /* failed for now: try again after a backoff */
    NOTIFY_PERMANENT, /* can never work (bad address, refused key or message): dead */
    NOTIFY_UNKNOWN,   /* no clear answer: it may have arrived; find out before resending */
} notify_outcome_t;

/* Where the external channels are; strings borrowed for the channels' lifetime. */
typedef struct {
    const char *sms_url;       /* provider's send API ("" = SMS not configured) */
    const char *sms_query_url; /* provider's receipt/query API */
    const char *sms_sign;      /* sign name (签名) */
    const char *sms_token;     /* bearer token, "" = none */
    const char *smtp_url;      /* smtp://host:port ("" = e-mail not configured) */
    const char *smtp_from;
    const char *smtp_user;
    const char *smtp_password;
    const char *file_path; /* "" = file sink off */
    long timeout_ms;       /* per transfer */
} notify_channel_cfg_t;

/* One send of one delivery. The caller fills the inputs (borrowed strings that must outlive
 * the send) and reads outcome, error and provider_ref after finish. */
typedef struct {
    int64_t delivery_id;
    const char *address;   /* webhook URL, phone, e-mail address, recipient key */
    const char *recipient; /* EMPNO or @ORG */
    const char *recipient_name;
    const char *lang;
    const char *kind;
    const char *title, *text, *markdown, *sms_template, *sms_params;
    int possible_repeat; /* a resend after an unknown outcome: the text says so */
    int64_t at_us;       /* business time of this attempt */
    int64_t first_at_us; /* of the earlier attempt a query asks about */
    /* outputs */
    notify_outcome_t outcome;
    char error[320];
    char provider_ref[80];
    /* the transfer, the channel's between begin and notify_send_fini */
    CURL *easy;
    struct curl_slist *headers;
    struct curl_slist *rcpt;
    fc_buf_t req;
    size_t req_off;
    fc_buf_t resp;
} notify_send_t;

typedef struct {
    const char *name;
    /* FC_OK if address can work for this channel, else FC_EINVAL with a reason (Chinese). */
    int (*check)(const char *address, fc_err_t *err);
    /* Starts s: sets s->easy to a transfer to run, or leaves it NULL with s->outcome set. */
    void (*begin)(const notify_channel_cfg_t *cfg, notify_send_t *s);
    /* Reads the finished transfer (cc its CURLcode) into s->outcome / error / provider_ref. */
    void (*finish)(const notify_channel_cfg_t *cfg, notify_send_t *s, CURLcode cc);
    /* Did an earlier attempt of s arrive? 1 yes, 0 no, FC_EAGAIN cannot tell now. NULL when
     * the channel has no receipts. Blocking, bounded by the timeout. */
    int (*query)(const notify_channel_cfg_t *cfg, notify_send_t *s, fc_err_t *err);
    /* The effect is a row the worker writes in its result transaction (exactly once). */
    int transactional;
} notify_channel_ops_t;

extern const notify_channel_ops_t notify_wecom_ops;
extern const notify_channel_ops_t notify_sms_ops;
extern const notify_channel_ops_t notify_email_ops;
extern const notify_channel_ops_t notify_inbox_ops;
extern const notify_channel_ops_t notify_file_ops;

/* The channels in use with their configuration. */
typedef struct notify_channels notify_channels_t;

/* cfg is copied (its strings stay borrowed). */
notify_channels_t *notify_channels_new(const notify_channel_cfg_t *cfg);
void notify_channels_destroy(notify_channels_t **self_p);
/* The channel of that name if it is configured, else NULL. */
const notify_channel_ops_t *notify_channels_get(const notify_channels_t *self, const char *name);
const notify_channel_cfg_t *notify_channels_cfg(const notify_channels_t *self);

/* Releases a send's transfer and buffers (not the borrowed inputs). */
void notify_send_fini(notify_send_t *s);
/* For channels: an easy handle that POSTs body (copied) as JSON to url, collecting the answer
 * into s->resp; bearer "" = no Authorization header. */
CURL *notify_http_post_json(notify_send_t *s, const char *url, const char *body, const char *bearer,
                            long timeout_ms);
/* For channels: sets s->outcome with a printf-style reason. */
void notify_send_set(notify_send_t *s, notify_outcome_t outcome, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The text with the "possible repeat" notice in front when s->possible_repeat; caller frees. */
char *notify_send_text(const notify_send_t *s, const char *text);
/* The name of an outcome: "sent", "retry", "permanent", "unknown". */
const char *notify_outcome_name(notify_outcome_t o);

#endif
