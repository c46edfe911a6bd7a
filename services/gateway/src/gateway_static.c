/* gateway_static: the web console's files under FC_WEB_DIR. A path is checked lexically (no
 * "..", no hidden or empty segment, no control byte or backslash) and then resolved with
 * realpath(3), which must stay under the root's own real path: a symbolic link cannot lead out
 * either. Every answer carries the console's security headers; files are revalidated with a
 * strong ETag (size and modification time), since the console's file names carry no hash. */
#include "gateway_static.h"
#include "fc_log.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define S_URL_MAX 1024

/* 'self' only: no inline script or style element, no eval, no other origin; data: images for
 * chart downloads; the console is never framed. */
const char gateway_static_csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

static const struct {
    const char *ext, *type;
} s_types[] = {
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json; charset=utf-8"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"txt", "text/plain; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
};

/* Paths the gateway answers itself. */
static int s_is_gateway_path(const char *url)
{
    return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0 ||
           strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0 ||
           strcmp(url, "/openapi.json") == 0;
}

static const char *s_type_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot)
        return "application/octet-stream";
    for (size_t i = 0; i < sizeof s_types / sizeof s_types[0]; i++)
        if (strcasecmp(dot + 1, s_types[i].ext) == 0)
            return s_types[i].type;
    return "application/octet-stream";
}

/* 1 if url is a path the console may serve: absolute, short, printable, no backslash, and no
 * segment that is empty (except a final one), ".", ".." or hidden (".git", ".env"). */
static int s_url_ok(const char *url)
{
    size_t n = strlen(url);
    if (n == 0 || n >= S_URL_MAX || url[0] != '/')
        return 0;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return 0;
    for (const char *seg = url + 1; *seg;) {
        size_t len = strcspn(seg, "/");
        if (len == 0 && seg[len] == '/')
            return 0; /* "//" */
        if (len > 0 && seg[0] == '.')
            return 0; /* ".", "..", ".hidden" */
        seg += len + (seg[len] == '/');
    }
    return 1;
}

/* A page path (its last segment has no extension) falls back to index.html. */
static int s_is_page(const char *url)
{
    const char *last = strrchr(url, '/');
    return strchr(last ? last + 1 : url, '.') == NULL;
}

/* Opens rel under root if its real path stays under the root's; -1 otherwise. */
static int s_open_under(const char *root_real, const char *rel, struct stat *st)
{
    char path[PATH_MAX], real[PATH_MAX];
    int fd = -1;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", root_real, rel) >= sizeof path)
        return -1;
    if (!realpath(path, real))
        return -1;
    size_t rn = strlen(root_real);
    if (strncmp(real, root_real, rn) != 0 || real[rn] != '/')
        return -1;
    fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -1;
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return -1;
    }
    return fd;
}

static void s_security_headers(struct MHD_Response *resp)
{
    MHD_add_response_header(resp, "Content-Security-Policy", gateway_static_csp);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

static int s_queue(struct MHD_Connection *conn, unsigned status, struct MHD_Response *resp)
{
    if (MHD_queue_response(conn, status, resp) != MHD_YES)
        fc_log_warn("web.queue_failed", "status", FC_LI(status), NULL);
    MHD_destroy_response(resp);
    return MHD_YES;
}

static int s_not_found(struct MHD_Connection *conn)
{
    static const char body[] = "未找到该文件\n";
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Content-Type", "text/plain; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    s_security_headers(resp);
    return s_queue(conn, MHD_HTTP_NOT_FOUND, resp);
}

/* 1 if the client's If-None-Match names etag (or is "*"). */
static int s_etag_matches(struct MHD_Connection *conn, const char *etag)
{
    const char *inm =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!inm)
        return 0;
    while (*inm == ' ')
        inm++;
    return strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL;
}

int gateway_static_serve(struct MHD_Connection *conn, const char *url, const char *method,
                         const char *root_dir)
{
    int fd = -1, rc = MHD_YES;
    struct MHD_Response *resp = NULL;
    if (!root_dir || !root_dir[0] || !url || s_is_gateway_path(url))
        return MHD_NO;
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return MHD_NO;
    char root_real[PATH_MAX];
    if (!realpath(root_dir, root_real)) {
        fc_log_warn("web.root_missing", "dir", FC_LS(root_dir), "error", FC_LS(strerror(errno)),
                    NULL);
        rc = s_not_found(conn);
        goto out;
    }
    if (!s_url_ok(url)) {
        rc = s_not_found(conn);
        goto out;
    }
    struct stat st;
    const char *rel = url[1] ? url + 1 : "index.html";
    const char *served = rel;
    if (rel[strlen(rel) - 1] != '/')
        fd = s_open_under(root_real, rel, &st);
    if (fd < 0 && s_is_page(url)) {
        served = "index.html";
        fd = s_open_under(root_real, served, &st);
    }
    if (fd < 0) {
        rc = s_not_found(conn);
        goto out;
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%jx-%jx-%jx\"", (uintmax_t)st.st_size,
             (uintmax_t)st.st_mtim.tv_sec, (uintmax_t)st.st_mtim.tv_nsec);
    unsigned status = MHD_HTTP_OK;
    if (s_etag_matches(conn, etag)) {
        status = MHD_HTTP_NOT_MODIFIED;
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
        if (resp)
            fd = -1; /* the response owns it now */
    }
    if (!resp) {
        fc_log_warn("web.response_failed", "path", FC_LS(served), NULL);
        rc = s_not_found(conn);
        goto out;
    }
    MHD_add_response_header(resp, "Content-Type", s_type_of(served));
    MHD_add_response_header(resp, "ETag", etag);
    /* no hashed file names: the browser revalidates every file, cheaply, by ETag */
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    s_security_headers(resp);
    rc = s_queue(conn, status, resp);
out:
    if (fd >= 0)
        close(fd);
    return rc;
}
