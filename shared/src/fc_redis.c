/* fc_redis: one hiredis connection with timeouts, reconnect-once, and Lua by SHA. */
#include "fc_redis.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FC_REDIS_TIMEOUT_MS 5000
#define FC_REDIS_MAX_SCRIPTS 32

struct fc_redis {
    char *url;
    char host[256];
    int port;
    int db;
    char password[128];
    redisContext *ctx;
    /* SHA1 cache keyed by the script's address: scripts are static strings */
    const char *script_src[FC_REDIS_MAX_SCRIPTS];
    char script_sha[FC_REDIS_MAX_SCRIPTS][41];
    int nscripts;
};

static int s_parse_url(fc_redis_t *self, const char *url, fc_err_t *err)
{
    const char *p = url;
    if (strncmp(p, "redis://", 8) != 0)
        return fc_err_set(err, FC_EINVAL, "FC_REDIS_URL",
                          "redis url \"%s\" does not start with redis://", url);
    p += 8;
    const char *at = strchr(p, '@');
    if (at) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        const char *pw = colon ? colon + 1 : p;
        snprintf(self->password, sizeof self->password, "%.*s", (int)(at - pw), pw);
        p = at + 1;
    }
    const char *colon = strchr(p, ':');
    const char *slash = strchr(p, '/');
    size_t hostlen = colon ? (size_t)(colon - p) : slash ? (size_t)(slash - p) : strlen(p);
    if (hostlen == 0 || hostlen >= sizeof self->host)
        return fc_err_set(err, FC_EINVAL, "FC_REDIS_URL", "redis url \"%s\" has no host", url);
    memcpy(self->host, p, hostlen);
    self->host[hostlen] = '\0';
    self->port = 6379;
    if (colon) {
        char *end;
        long port = strtol(colon + 1, &end, 10);
        if (port <= 0 || port > 65535 || (*end && *end != '/'))
            return fc_err_set(err, FC_EINVAL, "FC_REDIS_URL", "redis url \"%s\" has a bad port",
                              url);
        self->port = (int)port;
    }
    if (slash && slash[1])
        self->db = atoi(slash + 1);
    return FC_OK;
}

static int s_connect(fc_redis_t *self, fc_err_t *err)
{
    if (self->ctx) {
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    struct timeval tv = {FC_REDIS_TIMEOUT_MS / 1000, (FC_REDIS_TIMEOUT_MS % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout(self->host, self->port, tv);
    if (!c || c->err) {
        fc_err_set(err, FC_EUNAVAIL, "redis", "could not connect to redis at \"%s:%d\": %s",
                   self->host, self->port, c ? c->errstr : "out of memory");
        if (c)
            redisFree(c);
        return FC_EUNAVAIL;
    }
    redisSetTimeout(c, tv);
    redisEnableKeepAlive(c);
    self->ctx = c;
    redisReply *r = NULL;
    if (self->password[0]) {
        r = redisCommand(c, "AUTH %s", self->password);
        if (!r || r->type == REDIS_REPLY_ERROR)
            goto fail;
        freeReplyObject(r);
    }
    if (self->db) {
        r = redisCommand(c, "SELECT %d", self->db);
        if (!r || r->type == REDIS_REPLY_ERROR)
            goto fail;
        freeReplyObject(r);
    }
    return FC_OK;
fail:
    fc_err_set(err, FC_EUNAVAIL, "redis", "could not set up redis connection to \"%s:%d\": %s",
               self->host, self->port, r ? r->str : c->errstr);
    if (r)
        freeReplyObject(r);
    redisFree(self->ctx);
    self->ctx = NULL;
    return FC_EUNAVAIL;
}

fc_redis_t *fc_redis_new(const char *url, fc_err_t *err)
{
    fc_redis_t *self = fc_xcalloc(1, sizeof *self);
    self->url = fc_xstrdup(url);
    if (s_parse_url(self, url, err) != FC_OK || s_connect(self, err) != FC_OK) {
        fc_redis_destroy(&self);
        return NULL;
    }
    return self;
}

void fc_redis_destroy(fc_redis_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_redis_t *self = *self_p;
    if (self->ctx)
        redisFree(self->ctx);
    free(self->url);
    free(self);
    *self_p = NULL;
}

const char *fc_redis_url(const fc_redis_t *self)
{
    return self->url;
}

/* Checks a reply; frees it and sets err on failure. */
static redisReply *s_check(fc_redis_t *self, redisReply *r, fc_err_t *err)
{
    if (!r) {
        fc_err_set(err, FC_EUNAVAIL, "redis", "redis at \"%s:%d\" did not answer: %s", self->host,
                   self->port, self->ctx ? self->ctx->errstr : "not connected");
        return NULL;
    }
    if (r->type == REDIS_REPLY_ERROR) {
        fc_err_set(err, FC_ERR, "redis", "redis error: %s", r->str);
        freeReplyObject(r);
        return NULL;
    }
    return r;
}

static int s_ensure(fc_redis_t *self, fc_err_t *err)
{
    if (self->ctx && !self->ctx->err)
        return FC_OK;
    return s_connect(self, err);
}

redisReply *fc_redis_cmdargv(fc_redis_t *self, fc_err_t *err, int argc, const char **argv,
                             const size_t *lens)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (s_ensure(self, err) != FC_OK)
            return NULL;
        redisReply *r = redisCommandArgv(self->ctx, argc, argv, lens);
        if (r || attempt == 1)
            return s_check(self, r, err);
        /* broken connection: reconnect once and retry */
        fc_log_warn("redis.reconnect", "error", FC_LS(self->ctx->errstr), NULL);
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    return NULL;
}

redisReply *fc_redis_cmd(fc_redis_t *self, fc_err_t *err, const char *fmt, ...)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (s_ensure(self, err) != FC_OK)
            return NULL;
        va_list ap;
        va_start(ap, fmt);
        redisReply *r = redisvCommand(self->ctx, fmt, ap);
        va_end(ap);
        if (r || attempt == 1)
            return s_check(self, r, err);
        fc_log_warn("redis.reconnect", "error", FC_LS(self->ctx->errstr), NULL);
        redisFree(self->ctx);
        self->ctx = NULL;
    }
    return NULL;
}

static const char *s_script_sha(fc_redis_t *self, const char *lua, fc_err_t *err)
{
    for (int i = 0; i < self->nscripts; i++)
        if (self->script_src[i] == lua)
            return self->script_sha[i];
    redisReply *r = fc_redis_cmd(self, err, "SCRIPT LOAD %s", lua);
    if (!r)
        return NULL;
    int slot = self->nscripts < FC_REDIS_MAX_SCRIPTS ? self->nscripts++ : 0;
    self->script_src[slot] = lua;
    snprintf(self->script_sha[slot], 41, "%s", r->type == REDIS_REPLY_STRING ? r->str : "");
    freeReplyObject(r);
    return self->script_sha[slot];
}

redisReply *fc_redis_eval(fc_redis_t *self, fc_err_t *err, const char *lua, int nkeys, int nargs,
                          const char **keys_then_args)
{
    int argc = 3 + nkeys + nargs;
    const char **argv = fc_xmalloc(sizeof *argv * (size_t)argc);
    char nk[16];
    snprintf(nk, sizeof nk, "%d", nkeys);
    redisReply *r = NULL;
    for (int attempt = 0; attempt < 2; attempt++) {
        const char *sha = s_script_sha(self, lua, err);
        if (!sha)
            break;
        argv[0] = "EVALSHA";
        argv[1] = sha;
        argv[2] = nk;
        for (int i = 0; i < nkeys + nargs; i++)
            argv[3 + i] = keys_then_args[i];
        fc_err_t e;
        fc_err_clear(&e);
        r = fc_redis_cmdargv(self, &e, argc, argv, NULL);
        if (r || strstr(e.message, "NOSCRIPT") == NULL || attempt == 1) {
            if (!r && err)
                *err = e;
            break;
        }
        /* the server lost its script cache (restart): forget the SHA and load again */
        for (int i = 0; i < self->nscripts; i++)
            if (self->script_src[i] == lua)
                self->script_src[i] = NULL;
    }
    free(argv);
    return r;
}

int fc_redis_ping(fc_redis_t *self)
{
    redisReply *r = fc_redis_cmd(self, NULL, "PING");
    int ok = r != NULL;
    if (r)
        freeReplyObject(r);
    return ok;
}
