/* notify_sms: SMS through an HTTP provider API (the shape of Alibaba Cloud's SendSms and
 * QuerySendDetails): phone, sign name, template code and template parameters as a JSON string
 * of strings, and our delivery id as OutId. An answer that never came (timeout, dropped
 * connection, 5xx, garbage) is an unknown outcome: before any resend the worker asks the
 * query API whether OutId went out, since a blind resend could text someone twice. */
#include "notify_channel.h"
#include "notify_rules.h"
#include "fc_clock.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int s_check(const char *address, fc_err_t *err)
{
    if (!notify_phone_valid(address, NULL))
        return fc_err_set(err, FC_EINVAL, "phone", "手机号码“%s”无效", address);
    return FC_OK;
}

static void s_begin(const notify_channel_cfg_t *cfg, notify_send_t *s)
{
    char phone[12], out_id[24];
    if (!notify_phone_valid(s->address, phone)) {
        notify_send_set(s, NOTIFY_PERMANENT, "手机号码“%s”无效", s->address);
        return;
    }
    snprintf(out_id, sizeof out_id, "%" PRId64, s->delivery_id);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "PhoneNumbers", phone, "SignName",
                             cfg->sms_sign ? cfg->sms_sign : "", "TemplateCode",
                             s->sms_template ? s->sms_template : "", "TemplateParam",
                             s->sms_params ? s->sms_params : "{}", "OutId", out_id);
    char *text = json_dumps(body, JSON_COMPACT);
    s->easy = notify_http_post_json(s, cfg->sms_url, text, cfg->sms_token, cfg->timeout_ms);
    free(text);
    json_decref(body);
}

/* Provider codes that retrying cannot fix. */
static int s_permanent_code(const char *code)
{
    static const char *codes[] = {"isv.MOBILE_NUMBER_ILLEGAL",   "isv.TEMPLATE_MISSING_PARAMETERS",
                                  "isv.SMS_TEMPLATE_ILLEGAL",    "isv.SMS_SIGNATURE_ILLEGAL",
                                  "isv.INVALID_PARAMETERS",      "isv.PARAM_LENGTH_LIMIT",
                                  "isv.BLACK_KEY_CONTROL_LIMIT", "isv.MOBILE_COUNT_OVER_LIMIT"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(code, codes[i]) == 0)
            return 1;
    return 0;
}

static void s_finish(const notify_channel_cfg_t *cfg, notify_send_t *s, CURLcode cc)
{
    (void)cfg;
    long status = 0;
    curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
    if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST) {
        /* the request never left: safe to send again */
        notify_send_set(s, NOTIFY_RETRY, "短信服务商无法连接：%s", curl_easy_strerror(cc));
        return;
    }
    if (cc != CURLE_OK) {
        notify_send_set(s, NOTIFY_UNKNOWN, "短信服务商无应答：%s", curl_easy_strerror(cc));
        return;
    }
    if (status >= 500 || status == 0) {
        notify_send_set(s, NOTIFY_UNKNOWN, "短信服务商返回 HTTP %ld", status);
        return;
    }
    json_error_t jerr;
    json_t *j = json_loadb(s->resp.data ? s->resp.data : "", s->resp.len, 0, &jerr);
    const char *code = j ? json_string_value(json_object_get(j, "Code")) : NULL;
    const char *msg = j ? json_string_value(json_object_get(j, "Message")) : NULL;
    const char *biz = j ? json_string_value(json_object_get(j, "BizId")) : NULL;
    if (!code) {
        notify_send_set(s, status == 200 ? NOTIFY_UNKNOWN : NOTIFY_RETRY,
                        "短信服务商的应答无法识别（HTTP %ld）", status);
    } else if (strcmp(code, "OK") == 0) {
        notify_send_set(s, NOTIFY_SENT, "%s", "");
        snprintf(s->provider_ref, sizeof s->provider_ref, "%s", biz ? biz : "");
    } else {
        notify_send_set(s, s_permanent_code(code) ? NOTIFY_PERMANENT : NOTIFY_RETRY,
                        "短信服务商拒绝：%s %.120s", code, msg ? msg : "");
    }
    json_decref(j);
}

/* QuerySendDetails for this OutId on the day of the earlier attempt. */
static int s_query(const notify_channel_cfg_t *cfg, notify_send_t *s, fc_err_t *err)
{
    char phone[12], out_id[24], date[16];
    int rc = FC_EAGAIN;
    CURL *e = NULL;
    json_t *j = NULL;
    if (!notify_phone_valid(s->address, phone))
        return 0; /* it can never have gone out */
    if (!cfg->sms_query_url || !*cfg->sms_query_url)
        return fc_err_set(err, FC_EAGAIN, "NOTIFY_SMS_QUERY_URL",
                          "未配置短信回执查询接口，无法确认是否已发出");
    snprintf(out_id, sizeof out_id, "%" PRId64, s->delivery_id);
    char local[32];
    fc_time_format_local(s->first_at_us ? s->first_at_us : s->at_us, local, sizeof local);
    snprintf(date, sizeof date, "%.4s%.2s%.2s", local, local + 5, local + 8);
    json_t *body =
        json_pack("{s:s, s:s, s:s}", "PhoneNumber", phone, "OutId", out_id, "SendDate", date);
    char *text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    notify_send_t q;
    memset(&q, 0, sizeof q);
    e = notify_http_post_json(&q, cfg->sms_query_url, text, cfg->sms_token, cfg->timeout_ms);
    free(text);
    CURLcode cc = curl_easy_perform(e);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 200) {
        fc_err_set(err, FC_EAGAIN, "sms", "短信回执查询失败：%s（HTTP %ld）",
                   curl_easy_strerror(cc), status);
        goto out;
    }
    json_error_t jerr;
    j = json_loadb(q.resp.data ? q.resp.data : "", q.resp.len, 0, &jerr);
    const char *code = j ? json_string_value(json_object_get(j, "Code")) : NULL;
    const json_t *list = j ? json_object_get(j, "SmsSendDetailDTOs") : NULL;
    if (!code || strcmp(code, "OK") != 0 || !json_is_array(list)) {
        fc_err_set(err, FC_EAGAIN, "sms", "短信回执查询返回 %s", code ? code : "无法识别的应答");
        goto out;
    }
    rc = 0;
    size_t i;
    const json_t *d;
    json_array_foreach(list, i, d)
    {
        const char *oid = json_string_value(json_object_get(d, "OutId"));
        json_int_t st = json_integer_value(json_object_get(d, "SendStatus"));
        /* SendStatus 1 waiting for the receipt, 3 delivered: it went out; 2 failed at the
         * carrier: it did not reach the phone, a resend is right */
        if (oid && strcmp(oid, out_id) == 0 && (st == 1 || st == 3)) {
            const char *biz = json_string_value(json_object_get(d, "BizId"));
            snprintf(s->provider_ref, sizeof s->provider_ref, "%s", biz ? biz : "");
            rc = 1;
        }
    }
out:
    json_decref(j);
    q.easy = e;
    notify_send_fini(&q);
    return rc;
}

const notify_channel_ops_t notify_sms_ops = {"sms", s_check, s_begin, s_finish, s_query, 0};
