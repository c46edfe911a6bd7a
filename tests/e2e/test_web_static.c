/* test_web_static: gateway_static over a real libmicrohttpd daemon and real HTTP (libcurl):
 * MIME types, security headers, ETag and 304, index.html for "/" and page paths, 404 for a
 * missing asset, and every way out of the root refused (.., encoded .., hidden files, a
 * symbolic link pointing outside, a directory); API paths and other methods left to the
 * gateway. */
#include "gateway_static.h"

#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char s_root[256];    /* the console's files */
static char s_outside[256]; /* a secret beside the root */
static struct MHD_Daemon *s_daemon;
static unsigned s_port;

typedef struct {
    long status;
    char body[8192];
    size_t body_len;
    char headers[8192];
    size_t headers_len;
} s_resp_t;

/* The gateway's stand-in: the console first, then "its own" answer. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **req_cls)
{
    (void)cls;
    (void)version;
    (void)upload_data;
    if (!*req_cls) {
        *req_cls = (void *)1;
        return MHD_YES;
    }
    if (*upload_size) { /* the body is dropped, as the gateway would read it */
        *upload_size = 0;
        return MHD_YES;
    }
    if (gateway_static_serve(conn, url, method, s_root) == MHD_YES)
        return MHD_YES;
    static const char api[] = "{\"api\":true}";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(sizeof api - 1, (void *)api, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, 418, r);
    MHD_destroy_response(r);
    return rc;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    s_resp_t *r = ud;
    size_t len = size * n;
    size_t room = sizeof r->body - 1 - r->body_len;
    memcpy(r->body + r->body_len, p, len < room ? len : room);
    r->body_len += len < room ? len : room;
    r->body[r->body_len] = '\0';
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    s_resp_t *r = ud;
    size_t len = size * n;
    size_t room = sizeof r->headers - 1 - r->headers_len;
    memcpy(r->headers + r->headers_len, p, len < room ? len : room);
    r->headers_len += len < room ? len : room;
    r->headers[r->headers_len] = '\0';
    return len;
}

/* One request; path is sent exactly as given (no client-side normalisation of ".."). */
static void s_get(const char *method, const char *path, const char *if_none_match, s_resp_t *r)
{
    memset(r, 0, sizeof *r);
    char url[1024];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", s_port, path);
    CURL *c = curl_easy_init();
    assert_non_null(c);
    struct curl_slist *h = NULL;
    if (if_none_match) {
        char line[256];
        snprintf(line, sizeof line, "If-None-Match: %s", if_none_match);
        h = curl_slist_append(h, line);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
    }
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

/* The value of header name (case-insensitive) into buf; NULL if absent. */
static const char *s_header(const s_resp_t *r, const char *name, char *buf, size_t n)
{
    size_t nl = strlen(name);
    for (const char *line = r->headers; *line;) {
        size_t len = strcspn(line, "\r\n");
        if (len > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            snprintf(buf, n, "%.*s", (int)(len - (size_t)(v - line)), v);
            return buf;
        }
        line += len;
        while (*line == '\r' || *line == '\n')
            line++;
    }
    return NULL;
}

static void s_write(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/fc-web-static-XXXXXX";
    char *base = mkdtemp(tmpl);
    if (!base)
        return -1;
    snprintf(s_root, sizeof s_root, "%s/web", base);
    snprintf(s_outside, sizeof s_outside, "%s", base);
    char path[512];
    mkdir(s_root, 0755);
    snprintf(path, sizeof path, "%s/js", s_root);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/vendor", s_root);
    mkdir(path, 0755);
    s_write(s_root, "index.html", "<!doctype html><title>console</title>");
    s_write(s_root, "js/app.js", "export const x = 1;\n");
    s_write(s_root, "style.css", "body{}\n");
    s_write(s_root, "logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    s_write(s_root, ".env", "SECRET=1\n");
    s_write(s_root, "blob.bin", "x");
    s_write(s_outside, "secret.txt", "TOP SECRET\n");
    char target[512];
    snprintf(target, sizeof target, "%s/secret.txt", s_outside);
    snprintf(path, sizeof path, "%s/leak.txt", s_root);
    if (symlink(target, path) != 0)
        return -1;
    snprintf(path, sizeof path, "%s/up", s_root);
    if (symlink("..", path) != 0)
        return -1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    s_daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL,
                                on_request, NULL, MHD_OPTION_END);
    if (!s_daemon)
        return -1;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s_daemon, MHD_DAEMON_INFO_BIND_PORT);
    s_port = di ? di->port : 0;
    return s_port ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(s_daemon);
    curl_global_cleanup();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s_outside);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_index_and_headers(void **state)
{
    (void)state;
    s_resp_t r;
    char v[1024];
    s_get("GET", "/", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "<title>console</title>"));
    assert_string_equal(s_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    assert_string_equal(s_header(&r, "Content-Security-Policy", v, sizeof v), gateway_static_csp);
    /* the policy: self only, no inline script */
    assert_non_null(strstr(gateway_static_csp, "script-src 'self';"));
    assert_null(strstr(gateway_static_csp, "unsafe-inline"));
    assert_null(strstr(gateway_static_csp, "unsafe-eval"));
    assert_string_equal(s_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    assert_string_equal(s_header(&r, "Referrer-Policy", v, sizeof v), "no-referrer");
    assert_string_equal(s_header(&r, "X-Frame-Options", v, sizeof v), "DENY");
    assert_string_equal(s_header(&r, "Cache-Control", v, sizeof v), "no-cache");
    assert_non_null(s_header(&r, "ETag", v, sizeof v));
}

static void test_mime_types(void **state)
{
    (void)state;
    static const struct {
        const char *path, *type;
    } cases[] = {
        {"/js/app.js", "text/javascript; charset=utf-8"},
        {"/style.css", "text/css; charset=utf-8"},
        {"/logo.svg", "image/svg+xml"},
        {"/blob.bin", "application/octet-stream"},
        {"/index.html", "text/html; charset=utf-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        s_resp_t r;
        char v[256];
        s_get("GET", cases[i].path, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(s_header(&r, "Content-Type", v, sizeof v), cases[i].type);
        assert_string_equal(s_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
    }
    s_resp_t r;
    s_get("GET", "/js/app.js", NULL, &r);
    assert_string_equal(r.body, "export const x = 1;\n");
}

static void test_etag_revalidation(void **state)
{
    (void)state;
    s_resp_t r;
    char etag[256], v[256];
    s_get("GET", "/js/app.js", NULL, &r);
    assert_non_null(s_header(&r, "ETag", etag, sizeof etag));
    s_get("GET", "/js/app.js", etag, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body_len, 0);
    assert_string_equal(s_header(&r, "ETag", v, sizeof v), etag);
    assert_non_null(s_header(&r, "Content-Security-Policy", v, sizeof v));
    s_get("GET", "/js/app.js", "\"0-0-0\"", &r);
    assert_int_equal(r.status, 200);
    /* a changed file has a new tag */
    s_write(s_root, "js/app.js", "export const x = 2; // changed, longer\n");
    s_get("GET", "/js/app.js", etag, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "x = 2"));
    s_get("HEAD", "/js/app.js", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
}

static void test_pages_fall_back_to_index(void **state)
{
    (void)state;
    const char *pages[] = {"/people", "/people/E001", "/dashboard/", "/roster/P01/2026-W47"};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        s_resp_t r;
        char v[256];
        s_get("GET", pages[i], NULL, &r);
        assert_int_equal(r.status, 200);
        assert_non_null(strstr(r.body, "<title>console</title>"));
        assert_string_equal(s_header(&r, "Content-Type", v, sizeof v), "text/html; charset=utf-8");
    }
    /* a missing asset is a 404, never index.html served as a script */
    s_resp_t r;
    s_get("GET", "/js/missing.js", NULL, &r);
    assert_int_equal(r.status, 404);
    assert_null(strstr(r.body, "console"));
}

static void test_no_way_out_of_the_root(void **state)
{
    (void)state;
    const char *bad[] = {
        "/../secret.txt",       "/js/../../secret.txt", "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd", "/..%2fsecret.txt", "/js/..%2f..%2fsecret.txt",
        "/leak.txt",            "/up/secret.txt",       "/.env",
        "/%2eenv",              "/js/./app.js",         "//etc/passwd",
        "/js//app.js",          "/js\\..\\..\\secret.txt", "/%5c..%5csecret.txt",
        "/js",                  "/vendor/",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        s_resp_t r;
        s_get("GET", bad[i], NULL, &r);
        if (strstr(r.body, "TOP SECRET") || strstr(r.body, "SECRET=1") ||
            strstr(r.body, "root:"))
            fail_msg("%s leaked a file outside the console", bad[i]);
        /* a page path without extension may be the console's index, nothing else */
        if (r.status == 200)
            assert_non_null(strstr(r.body, "<title>console</title>"));
        else
            assert_int_equal(r.status, 404);
    }
    /* the ones that name a file are plain 404s */
    const char *files[] = {"/../secret.txt", "/leak.txt", "/.env", "/up/secret.txt",
                           "/%2e%2e/secret.txt"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        s_resp_t r;
        s_get("GET", files[i], NULL, &r);
        assert_int_equal(r.status, 404);
    }
}

static void test_gateway_paths_left_alone(void **state)
{
    (void)state;
    const char *mine[] = {"/api/v1/intake/person_get", "/api", "/healthz", "/metrics",
                          "/openapi.json"};
    for (size_t i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        s_resp_t r;
        s_get("GET", mine[i], NULL, &r);
        assert_int_equal(r.status, 418);
    }
    s_resp_t r;
    s_get("POST", "/", NULL, &r);
    assert_int_equal(r.status, 418);
    s_get("DELETE", "/js/app.js", NULL, &r);
    assert_int_equal(r.status, 418);
}

static void test_missing_root(void **state)
{
    (void)state;
    char saved[256];
    snprintf(saved, sizeof saved, "%s", s_root);
    snprintf(s_root, sizeof s_root, "%s/does-not-exist", saved);
    s_resp_t r;
    s_get("GET", "/", NULL, &r);
    assert_int_equal(r.status, 404);
    snprintf(s_root, sizeof s_root, "%s", "");
    s_get("GET", "/", NULL, &r);
    assert_int_equal(r.status, 418); /* no console configured: the gateway's own answer */
    snprintf(s_root, sizeof s_root, "%s", saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_and_headers),
        cmocka_unit_test(test_mime_types),
        cmocka_unit_test(test_etag_revalidation),
        cmocka_unit_test(test_pages_fall_back_to_index),
        cmocka_unit_test(test_no_way_out_of_the_root),
        cmocka_unit_test(test_gateway_paths_left_alone),
        cmocka_unit_test(test_missing_root),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
