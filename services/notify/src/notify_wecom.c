/* notify_wecom: the WeCom (企业微信) group-robot webhook. A JSON body of msgtype markdown
 * (content up to 4096 bytes) or text (up to 2048 bytes); success only when the answer is
 * HTTP 200 with JSON errcode 0. Pacing (20 messages a minute per robot) is the worker's. */
#include "notify_channel.h"
#include "notify_rules.h"
#include "notify_template.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int s_check(const char *address, fc_err_t *err)
{
    if (!notify_url_valid(address))
        return fc_err_set(err, FC_EINVAL, "wecom_url", "企业微信机器人地址“%s”无效", address);
    return FC_OK;
}

static void s_begin(const notify_channel_cfg_t *cfg, notify_send_t *s)
{
    int md = s->markdown && *s->markdown;
    /* a text message has no title of its own: it leads the content */
    char *plain = md ? NULL : fc_xasprintf("%s\n%s", s->title, s->text);
    char *full = notify_send_text(s, md ? s->markdown : plain);
    free(plain);
    char *content = notify_utf8_cut(full, md ? NOTIFY_WECOM_MARKDOWN_MAX : NOTIFY_WECOM_TEXT_MAX);
    json_t *body = json_pack("{s:s, s:{s:s}}", "msgtype", md ? "markdown" : "text",
                             md ? "markdown" : "text", "content", content);
    char *text = json_dumps(body, JSON_COMPACT);
    s->easy = notify_http_post_json(s, s->address, text, "", cfg->timeout_ms);
    free(text);
    json_decref(body);
    free(content);
    free(full);
}

static void s_finish(const notify_channel_cfg_t *cfg, notify_send_t *s, CURLcode cc)
{
    (void)cfg;
    long status = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        notify_send_set(s, NOTIFY_RETRY, "企业微信机器人请求失败：%s", curl_easy_strerror(cc));
        return;
    }
    if (status != 200) {
        /* 4xx other than 429: the URL or request is wrong and stays wrong */
        int permanent = status >= 400 && status < 500 && status != 429 && status != 408;
        notify_send_set(s, permanent ? NOTIFY_PERMANENT : NOTIFY_RETRY,
                        "企业微信机器人返回 HTTP %ld", status);
        return;
    }
    json_error_t jerr;
    json_t *j = json_loadb(s->resp.data ? s->resp.data : "", s->resp.len, 0, &jerr);
    json_t *code = j ? json_object_get(j, "errcode") : NULL;
    if (!json_is_integer(code)) {
        notify_send_set(s, NOTIFY_RETRY, "企业微信机器人的应答不是 JSON（%.60s）",
                        s->resp.data ? s->resp.data : "");
    } else if (json_integer_value(code) != 0) {
        long ec = (long)json_integer_value(code);
        const char *msg = json_string_value(json_object_get(j, "errmsg"));
        notify_send_set(s, notify_wecom_retryable(ec) ? NOTIFY_RETRY : NOTIFY_PERMANENT,
                        "企业微信机器人返回错误 errcode=%ld：%.120s", ec, msg ? msg : "");
    } else {
        notify_send_set(s, NOTIFY_SENT, "%s", "");
    }
    json_decref(j);
}

const notify_channel_ops_t notify_wecom_ops = {"wecom", s_check, s_begin, s_finish, NULL, 0};
