/* fc_log: structured JSON-lines logging to stderr, one write per line. */
#include "fc_log.h"
#include "fc_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static char s_service[64] = "fc";
static int s_level = FC_LOG_INFO;
static _Thread_local char s_msg_id[64];
static _Thread_local char s_corr_id[64];

static const char *s_level_names[] = {"debug", "info", "warn", "error"};

void fc_log_init(const char *service, int level)
{
    snprintf(s_service, sizeof s_service, "%s", service ? service : "fc");
    if (level >= FC_LOG_DEBUG && level <= FC_LOG_ERROR)
        s_level = level;
}

int fc_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (name && strcmp(name, s_level_names[i]) == 0)
            return i;
    return -1;
}

void fc_log_set_context(const char *msg_id, const char *correlation_id)
{
    snprintf(s_msg_id, sizeof s_msg_id, "%s", msg_id ? msg_id : "");
    snprintf(s_corr_id, sizeof s_corr_id, "%s", correlation_id ? correlation_id : "");
}

void fc_log(int level, const char *event, ...)
{
    if (level < s_level || level < FC_LOG_DEBUG || level > FC_LOG_ERROR)
        return;
    /* log lines carry real time: the injectable clock is for business time */
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char ts[96];
    snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (long)(tv.tv_usec / 1000));

    fc_buf_t b;
    fc_buf_init(&b);
    fc_buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"%s\",\"service\":", ts, s_level_names[level]);
    fc_buf_json_str(&b, s_service);
    fc_buf_puts(&b, ",\"event\":");
    fc_buf_json_str(&b, event);
    if (s_msg_id[0]) {
        fc_buf_puts(&b, ",\"msg_id\":");
        fc_buf_json_str(&b, s_msg_id);
    }
    if (s_corr_id[0]) {
        fc_buf_puts(&b, ",\"correlation_id\":");
        fc_buf_json_str(&b, s_corr_id);
    }
    va_list ap;
    va_start(ap, event);
    const char *key;
    while ((key = va_arg(ap, const char *)) != NULL) {
        fc_logv_t v = va_arg(ap, fc_logv_t);
        fc_buf_puts(&b, ",");
        fc_buf_json_str(&b, key);
        fc_buf_puts(&b, ":");
        if (v.kind == 'i')
            fc_buf_printf(&b, "%lld", v.i);
        else
            fc_buf_json_str(&b, v.s ? v.s : "");
    }
    va_end(ap);
    fc_buf_puts(&b, "}\n");
    /* one write(2) per line so concurrent processes sharing a log do not interleave */
    ssize_t off = 0;
    while (off < (ssize_t)b.len) {
        ssize_t n = write(STDERR_FILENO, b.data + off, b.len - (size_t)off);
        if (n <= 0)
            break;
        off += n;
    }
    fc_buf_fini(&b);
}
