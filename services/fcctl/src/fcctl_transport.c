/* fcctl_transport: fcctl's calls over HTTP to the gateway (libcurl). The request message goes
 * out as JSON (fc_pbjson), the JSON reply comes back as the same protobuf message the service
 * would have sent over ZeroMQ, so every command prints the same answer either way. Retries
 * (no answer, 503, 504, 429 with a short Retry-After) resend the same Idempotency-Key: a write
 * takes effect once. */
#include "fcctl.h"
#include "fc_id.h"
#include "fc_mem.h"
#include "fc_pbjson.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define S_ATTEMPTS 3
#define S_MAX_REPLY (64 * 1024 * 1024)
#define S_MAX_RETRY_AFTER_S 5

int fcctl_transport_http(void)
{
    const char *url = getenv("FC_GATEWAY_URL"), *token = getenv("FC_TOKEN");
    return url && *url && token && *token;
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    fc_buf_t *b = cls;
    if (b->len + size * n > S_MAX_REPLY)
        return 0; /* aborts the transfer */
    fc_buf_append(b, data, size * n);
    return size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    int *retry_after = cls;
    if (size * n > 12 && strncasecmp(data, "Retry-After:", 12) == 0)
        *retry_after = atoi(data + 12);
    return size * n;
}

/* The FC_E* code of an error body's code, else one from the HTTP status. */
static int s_code(const char *name, long status)
{
    static const struct {
        const char *name;
        int code;
    } names[] = {{"EINVAL", FC_EINVAL},
                 {"ENOTFOUND", FC_ENOTFOUND},
                 {"EAGAIN", FC_EAGAIN},
                 {"EDUP", FC_EDUP},
                 {"EDENIED", FC_EDENIED},
                 {"ETOOBIG", FC_ETOOBIG},
                 {"ECONFLICT", FC_ECONFLICT},
                 {"ETIMEOUT", FC_ETIMEOUT},
                 {"EUNAVAIL", FC_EUNAVAIL},
                 {"ELEASE", FC_ELEASE},
                 {"ERR", FC_ERR},
                 {"EAUTH", FC_EDENIED},
                 {"ERATE", FC_EAGAIN},
                 {"EMETHOD", FC_EINVAL}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i].name) == 0)
            return names[i].code;
    switch (status) {
    case 400:
        return FC_EINVAL;
    case 401:
    case 403:
        return FC_EDENIED;
    case 404:
        return FC_ENOTFOUND;
    case 409:
        return FC_ECONFLICT;
    case 413:
        return FC_ETOOBIG;
    case 429:
        return FC_EAGAIN;
    case 503:
        return FC_EUNAVAIL;
    case 504:
        return FC_ETIMEOUT;
    default:
        return FC_ERR;
    }
}

/* An HTTP answer as an FC_E* code and, on success, the reply message. */
static int s_decode(long status, const fc_buf_t *body, const ProtobufCMessageDescriptor *reply_desc,
                    ProtobufCMessage **reply_out, fc_err_t *err)
{
    json_error_t jerr;
    json_t *j = body->len ? json_loadb(body->data, body->len, 0, &jerr) : NULL;
    int rc;
    if (status == 200) {
        if (!reply_desc) {
            rc = FC_OK;
        } else if (!j) {
            rc = fc_err_set(err, FC_ERR, "reply", "网关的答复不是 JSON");
        } else {
            *reply_out = fc_pbjson_to_message(reply_desc, j, err);
            rc = *reply_out ? FC_OK : FC_ERR;
        }
    } else {
        json_t *e = json_object_get(j, "error");
        const char *msg = json_string_value(json_object_get(e, "message"));
        rc = fc_err_set(err, s_code(json_string_value(json_object_get(e, "code")), status),
                        json_string_value(json_object_get(e, "field")), "%s",
                        msg ? msg : "网关答复了错误");
        if (!msg)
            snprintf(err->message, sizeof err->message, "网关答复 HTTP %ld", status);
    }
    json_decref(j);
    return rc;
}

int fcctl_transport_call(fcctl_t *ctl, const char *type, const ProtobufCMessage *req,
                         const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out,
                         fc_err_t *err)
{
    static int s_curl_ready;
    if (!s_curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        atexit(curl_global_cleanup);
        s_curl_ready = 1;
    }
    *reply_out = NULL;
    int rc = FC_ERR;
    size_t dot = strcspn(type, ".");
    const char *base = getenv("FC_GATEWAY_URL");
    size_t blen = strlen(base);
    while (blen && base[blen - 1] == '/')
        blen--;
    char *url = fc_xasprintf("%.*s/api/v1/%.*s/%s", (int)blen, base, (int)dot, type,
                             type[dot] ? type + dot + 1 : "");
    char *auth = fc_xasprintf("Authorization: Bearer %s", getenv("FC_TOKEN"));
    char key[FC_ID_LEN + 1];
    fc_id_new(key);
    char *idem = fc_xasprintf("Idempotency-Key: %s", key);
    json_t *j = req ? fc_pbjson_from_message(req) : json_object();
    char *payload = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Expect:"); /* no 100-continue round trip */
    headers = curl_slist_append(headers, auth);
    headers = curl_slist_append(headers, idem);
    fc_buf_t body;
    fc_buf_init(&body);
    CURL *curl = curl_easy_init();
    if (!curl) {
        rc = fc_err_set(err, FC_ERR, NULL, "could not start libcurl");
        goto out;
    }
    for (int attempt = 0; attempt < S_ATTEMPTS; attempt++) {
        int retry_after = 0;
        long status = 0;
        fc_buf_reset(&body);
        curl_easy_reset(curl);
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)strlen(payload));
        curl_easy_setopt(curl, CURLOPT_USERAGENT, "fcctl/" FC_VERSION);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(curl, CURLOPT_HEADERDATA, &retry_after);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, (long)ctl->timeout_ms);
        /* the gateway's own upstream timeout answers first (504); this is for a dead gateway */
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)ctl->timeout_ms * 3);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        CURLcode cc = curl_easy_perform(curl);
        if (cc != CURLE_OK) {
            rc = fc_err_set(err, cc == CURLE_OPERATION_TIMEDOUT ? FC_ETIMEOUT : FC_EUNAVAIL,
                            "FC_GATEWAY_URL", "could not reach the gateway at %s: %s", url,
                            curl_easy_strerror(cc));
            continue;
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        rc = s_decode(status, &body, reply_desc, reply_out, err);
        int again =
            status == 503 || status == 504 || (status == 429 && retry_after <= S_MAX_RETRY_AFTER_S);
        if (!again || attempt + 1 == S_ATTEMPTS)
            break;
        sleep((unsigned)(retry_after > 0 ? retry_after : 1));
    }
out:
    if (curl)
        curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    fc_buf_fini(&body);
    free(payload);
    free(idem);
    free(auth);
    free(url);
    return rc;
}
