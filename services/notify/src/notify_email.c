/* notify_email: e-mail through SMTP with libcurl: one message per delivery, UTF-8 subject
 * (RFC 2047) and body (base64), a Message-ID made of the delivery id. A 5xx from the server
 * (mailbox unknown, refused) is permanent; a dropped connection or a 4xx is retried. */
#include "notify_channel.h"
#include "notify_rules.h"
#include "fc_clock.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int s_check(const char *address, fc_err_t *err)
{
    if (!notify_email_valid(address))
        return fc_err_set(err, FC_EINVAL, "email", "电子邮件地址“%s”无效", address);
    return FC_OK;
}

static void s_base64(fc_buf_t *b, const unsigned char *p, size_t n, int wrap)
{
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t col = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        char q[4] = {tbl[v >> 18 & 63], tbl[v >> 12 & 63], i + 1 < n ? tbl[v >> 6 & 63] : '=',
                     i + 2 < n ? tbl[v & 63] : '='};
        fc_buf_append(b, q, 4);
        col += 4;
        if (wrap && col >= 76 && i + 3 < n) {
            fc_buf_puts(b, "\r\n");
            col = 0;
        }
    }
}

/* libcurl read callback: the message, from s->req. */
static size_t on_read(char *buf, size_t size, size_t n, void *userdata)
{
    notify_send_t *s = userdata;
    size_t room = size * n, left = s->req.len - s->req_off;
    size_t k = left < room ? left : room;
    memcpy(buf, s->req.data + s->req_off, k);
    s->req_off += k;
    return k;
}

static void s_begin(const notify_channel_cfg_t *cfg, notify_send_t *s)
{
    if (!notify_email_valid(s->address)) {
        notify_send_set(s, NOTIFY_PERMANENT, "电子邮件地址“%s”无效", s->address);
        return;
    }
    char *body = notify_send_text(s, s->text);
    time_t t = (time_t)(s->at_us / FC_US_PER_S);
    struct tm tm;
    gmtime_r(&t, &tm);
    char date[64];
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    fc_buf_t *m = &s->req;
    fc_buf_reset(m);
    fc_buf_printf(m, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: =?UTF-8?B?", date,
                  cfg->smtp_from, s->address);
    s_base64(m, (const unsigned char *)s->title, strlen(s->title), 0);
    fc_buf_printf(m,
                  "?=\r\nMessage-ID: <notify-%" PRId64 "@frontline-care>\r\n"
                  "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                  "Content-Transfer-Encoding: base64\r\n\r\n",
                  s->delivery_id);
    s_base64(m, (const unsigned char *)body, strlen(body), 1);
    fc_buf_puts(m, "\r\n");
    free(body);
    s->req_off = 0;
    char *to = fc_xasprintf("<%s>", s->address);
    char *from = fc_xasprintf("<%s>", cfg->smtp_from);
    s->rcpt = curl_slist_append(s->rcpt, to);
    CURL *e = curl_easy_init();
    curl_easy_setopt(e, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, s->rcpt);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, s);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (cfg->smtp_user && *cfg->smtp_user) {
        curl_easy_setopt(e, CURLOPT_USERNAME, cfg->smtp_user);
        curl_easy_setopt(e, CURLOPT_PASSWORD, cfg->smtp_password ? cfg->smtp_password : "");
    }
    curl_easy_setopt(e, CURLOPT_PRIVATE, s);
    /* libcurl copies the string options */
    free(to);
    free(from);
    s->easy = e;
}

static void s_finish(const notify_channel_cfg_t *cfg, notify_send_t *s, CURLcode cc)
{
    (void)cfg;
    long code = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code);
    if (cc == CURLE_OK) {
        notify_send_set(s, NOTIFY_SENT, "%s", "");
        return;
    }
    if (cc == CURLE_LOGIN_DENIED || (code >= 500 && code < 600))
        notify_send_set(s, NOTIFY_PERMANENT, "邮件服务器拒绝（%ld）：%s", code,
                        curl_easy_strerror(cc));
    else
        notify_send_set(s, NOTIFY_RETRY, "邮件发送失败（%ld）：%s", code, curl_easy_strerror(cc));
}

const notify_channel_ops_t notify_email_ops = {"email", s_check, s_begin, s_finish, NULL, 0};
