/* notify_local: the channels that never leave the machine. inbox: the message is a row of
 * notify's inbox table written in the worker's result transaction (exactly once by
 * construction). file: one JSON line per delivery appended to a file, for development; its
 * receipt is the file itself (a delivery id found there arrived). */
#include "notify_channel.h"
#include "fc_clock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int s_check_any(const char *address, fc_err_t *err)
{
    if (!address || !*address)
        return fc_err_set(err, FC_EINVAL, "address", "收件人为空");
    return FC_OK;
}

static void s_inbox_begin(const notify_channel_cfg_t *cfg, notify_send_t *s)
{
    (void)cfg;
    notify_send_set(s, NOTIFY_SENT, "%s", "");
}

const notify_channel_ops_t notify_inbox_ops = {"inbox", s_check_any, s_inbox_begin, NULL, NULL, 1};

static void s_file_begin(const notify_channel_cfg_t *cfg, notify_send_t *s)
{
    char at[32];
    fc_time_format_utc(s->at_us, at, sizeof at);
    char *text = notify_send_text(s, s->text);
    json_t *line = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "delivery_id", (json_int_t)s->delivery_id, "at",
        at, "recipient", s->recipient, "name", s->recipient_name ? s->recipient_name : "", "lang",
        s->lang ? s->lang : "", "kind", s->kind ? s->kind : "", "title", s->title, "text", text);
    char *out = json_dumps(line, JSON_COMPACT);
    size_t len = strlen(out);
    out[len] = '\n'; /* json_dumps leaves the NUL; we write len + 1 bytes ending in '\n' */
    int fd = open(cfg->file_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        notify_send_set(s, NOTIFY_RETRY, "无法打开文件“%s”：%s", cfg->file_path, strerror(errno));
    } else {
        /* one write(2) of the whole line: O_APPEND keeps lines whole across writers */
        ssize_t w = write(fd, out, len + 1);
        if (w == (ssize_t)(len + 1) && fsync(fd) == 0)
            notify_send_set(s, NOTIFY_SENT, "%s", "");
        else
            notify_send_set(s, NOTIFY_UNKNOWN, "写入文件“%s”失败：%s", cfg->file_path,
                            strerror(errno));
        close(fd);
    }
    free(out);
    json_decref(line);
    free(text);
}

/* The file is the receipt: a line with this delivery id arrived. */
static int s_file_query(const notify_channel_cfg_t *cfg, notify_send_t *s, fc_err_t *err)
{
    FILE *f = fopen(cfg->file_path, "r");
    if (!f)
        return errno == ENOENT
                   ? 0
                   : fc_err_set(err, FC_EAGAIN, "file", "无法读取文件“%s”", cfg->file_path);
    char needle[48];
    snprintf(needle, sizeof needle, "{\"delivery_id\":%" PRId64 ",", s->delivery_id);
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0)
        found = strncmp(line, needle, strlen(needle)) == 0;
    free(line);
    fclose(f);
    return found;
}

const notify_channel_ops_t notify_file_ops = {"file", s_check_any,  s_file_begin,
                                              NULL,   s_file_query, 0};
