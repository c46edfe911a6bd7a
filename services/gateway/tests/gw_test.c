/* gw_test: HTTP, fcctl and token helpers for the gateway's integration tests. */
#include "gw_test.h"
#include "fc_harness.h"
#include "fc_mem.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

const char *gw_url(int port)
{
    static char url[64];
    if (port <= 0) {
        const char *p = getenv("FC_HTTP_PORT");
        port = p ? atoi(p) : 28080;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    return url;
}

static size_t on_body(char *data, size_t size, size_t n, void *cls)
{
    fc_buf_append(cls, data, size * n);
    return size * n;
}

static void s_header_value(const char *line, size_t len, const char *name, char *out, size_t n)
{
    size_t nl = strlen(name);
    if (len > nl && strncasecmp(line, name, nl) == 0) {
        const char *v = line + nl;
        while (*v == ' ')
            v++;
        size_t vl = len - (size_t)(v - line);
        while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
            vl--;
        snprintf(out, n, "%.*s", (int)vl, v);
    }
}

static size_t on_header(char *data, size_t size, size_t n, void *cls)
{
    gw_resp_t *r = cls;
    s_header_value(data, size * n, "Retry-After:", r->retry_after, sizeof r->retry_after);
    s_header_value(data, size * n, "X-Request-Id:", r->request_id, sizeof r->request_id);
    s_header_value(data, size * n, "Content-Type:", r->content_type, sizeof r->content_type);
    return size * n;
}

void gw_http(gw_resp_t *r, int port, const char *method, const char *path, const char *token,
             const char *body, const char *header)
{
    memset(r, 0, sizeof *r);
    CURL *c = curl_easy_init();
    char *url = fc_xasprintf("%s%s", gw_url(port), path);
    char *auth = token ? fc_xasprintf("Authorization: Bearer %s", token) : NULL;
    /* no "100 Continue" round trip, unless the caller asks for it */
    struct curl_slist *h =
        header && strncasecmp(header, "Expect:", 7) == 0 ? NULL : curl_slist_append(NULL, "Expect:");
    if (auth)
        h = curl_slist_append(h, auth);
    if (header)
        h = curl_slist_append(h, header);
    if (body)
        h = curl_slist_append(h, "Content-Type: application/json");
    fc_buf_t b;
    fc_buf_init(&b);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)fc_h_ms(30000));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    fc_buf_append(&b, "", 1);
    r->body = b.data;
    json_error_t jerr;
    r->json = json_loads(r->body, 0, &jerr);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    free(auth);
    free(url);
}

void gw_resp_fini(gw_resp_t *r)
{
    json_decref(r->json);
    free(r->body);
    memset(r, 0, sizeof *r);
}

const char *gw_err_code(const gw_resp_t *r)
{
    const char *s = json_string_value(json_object_get(json_object_get(r->json, "error"), "code"));
    return s ? s : "";
}

const char *gw_err_field(const gw_resp_t *r)
{
    const char *s = json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
    return s ? s : "";
}

static char *s_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    fc_buf_t b;
    fc_buf_init(&b);
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fc_buf_append(&b, chunk, n);
    if (f)
        fclose(f);
    fc_buf_append(&b, "", 1);
    return b.data;
}

int gw_fcctl(char **out, char **err_out, const char *env_prefix, const char *args_fmt, ...)
{
    va_list ap;
    va_start(ap, args_fmt);
    char *args = fc_xvasprintf(args_fmt, ap);
    va_end(ap);
    char errfile[] = "/tmp/gw_fcctl_err_XXXXXX";
    int fd = mkstemp(errfile);
    if (fd >= 0)
        close(fd);
    char *cmd = fc_xasprintf("%s %s/%s %s 2>%s", env_prefix ? env_prefix : "", getenv("FC_BIN_DIR"),
                             GATEWAY_FCCTL, args, errfile);
    free(args);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    free(cmd);
    fc_buf_t b;
    fc_buf_init(&b);
    char chunk[4096];
    size_t n;
    while (p && (n = fread(chunk, 1, sizeof chunk, p)) > 0)
        fc_buf_append(&b, chunk, n);
    int status = p ? pclose(p) : -1;
    fc_buf_append(&b, "", 1);
    if (out)
        *out = b.data;
    else
        fc_buf_fini(&b);
    if (err_out)
        *err_out = s_slurp(errfile);
    unlink(errfile);
    return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *gw_token(const char *role, const char *org, char id_out[32])
{
    char *out = NULL;
    int rc = gw_fcctl(&out, NULL, "", "--json token create --name '测试 %s@%s' --role %s --org %s",
                      role, org, role, org);
    json_error_t jerr;
    json_t *j = rc == 0 ? json_loads(out, 0, &jerr) : NULL;
    const char *secret = json_string_value(json_object_get(j, "secret"));
    const char *id = json_string_value(json_object_get(json_object_get(j, "token"), "token_id"));
    char *s = secret ? fc_xstrdup(secret) : NULL;
    if (id_out)
        snprintf(id_out, 32, "%s", id ? id : "");
    json_decref(j);
    free(out);
    if (!s) {
        fprintf(stderr, "gw_test: could not create a %s token for %s (fcctl exit %d)\n", role, org,
                rc);
        exit(1);
    }
    return s;
}

int gw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int gw_wait_http(int port, int timeout_ms)
{
    for (int waited = 0; waited <= timeout_ms; waited += 100) {
        gw_resp_t r;
        gw_http(&r, port, "GET", "/openapi.json", NULL, NULL, NULL);
        long status = r.status;
        gw_resp_fini(&r);
        if (status == 200)
            return 0;
        fc_h_sleep_ms(100);
    }
    return -1;
}
