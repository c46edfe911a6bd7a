/* fc_zap: a ZAP handler thread that admits CURVE clients whose public key is on a list. */
#include "fc_zap.h"
#include "fc_log.h"
#include "fc_mem.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zmq.h>

#define FC_ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define FC_ZAP_POLL_MS 100
#define FC_ZAP_MAX_FRAMES 8

typedef struct {
    unsigned char (*keys)[32];
    char **names;
    int n;
} s_list_t;

struct fc_zap {
    void *sock;
    pthread_t thread;
    int started;
    atomic_int stop;
    atomic_llong admitted, refused;
    char *file;
    struct timespec mtime;
    off_t size;
    s_list_t list;
};

static void s_list_fini(s_list_t *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    free(l->keys);
    memset(l, 0, sizeof *l);
}

/* Parses the allowed-keys file into out; on error out is untouched. */
static int s_load(const char *file, s_list_t *out, fc_err_t *err)
{
    int rc = FC_ERR;
    s_list_t l = {NULL, NULL, 0};
    char line[512];
    int lineno = 0, cap = 0;
    FILE *f = fopen(file, "r");
    if (!f) {
        fc_err_set(err, FC_EINVAL, "FC_CURVE_ALLOWED_CLIENTS",
                   "could not open the allowed client keys file \"%s\"", file);
        goto out;
    }
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        char key[41];
        size_t klen = strcspn(p, " \t\r\n");
        /* a Z85 key may itself start with '#': a comment is a '#' line that is not a key */
        if (!*p || (*p == '#' && klen != 40))
            continue;
        if (klen != 40) {
            fc_err_set(err, FC_EINVAL, "FC_CURVE_ALLOWED_CLIENTS",
                       "%s:%d: expected a 40-character Z85 public key, got %zu characters", file,
                       lineno, klen);
            goto out;
        }
        memcpy(key, p, 40);
        key[40] = '\0';
        if (l.n == cap) {
            cap = cap ? cap * 2 : 16;
            l.keys = fc_xrealloc(l.keys, (size_t)cap * sizeof *l.keys);
            l.names = fc_xrealloc(l.names, (size_t)cap * sizeof *l.names);
        }
        if (!zmq_z85_decode(l.keys[l.n], key)) {
            fc_err_set(err, FC_EINVAL, "FC_CURVE_ALLOWED_CLIENTS", "%s:%d: \"%s\" is not a Z85 key",
                       file, lineno, key);
            goto out;
        }
        p += 40;
        while (isspace((unsigned char)*p))
            p++;
        p[strcspn(p, "\r\n")] = '\0';
        l.names[l.n++] = fc_xstrdup(*p ? p : key);
    }
    s_list_fini(out);
    *out = l;
    memset(&l, 0, sizeof l);
    rc = FC_OK;
out:
    if (f)
        fclose(f);
    s_list_fini(&l);
    return rc;
}

/* Reads the file again if its time or size changed since the last read. */
static void s_maybe_reload(fc_zap_t *self)
{
    struct stat st;
    if (stat(self->file, &st) != 0) {
        fc_log_warn("zap.list_unreadable", "file", FC_LS(self->file), NULL);
        return;
    }
    if (st.st_mtim.tv_sec == self->mtime.tv_sec && st.st_mtim.tv_nsec == self->mtime.tv_nsec &&
        st.st_size == self->size)
        return;
    fc_err_t err;
    fc_err_clear(&err);
    if (s_load(self->file, &self->list, &err) != FC_OK) {
        fc_log_warn("zap.reload_failed", "error", FC_LS(err.message), NULL);
    } else {
        fc_log_info("zap.reloaded", "file", FC_LS(self->file), "keys", FC_LI(self->list.n), NULL);
    }
    self->mtime = st.st_mtim;
    self->size = st.st_size;
}

static void s_send_str(void *sock, const char *s, int more)
{
    zmq_send(sock, s, strlen(s), more ? ZMQ_SNDMORE : 0);
}

/* One ZAP request: version, request id, domain, address, identity, mechanism, credentials. */
static void s_handle(fc_zap_t *self)
{
    zmq_msg_t frames[FC_ZAP_MAX_FRAMES];
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, self->sock, 0) < 0) {
            zmq_msg_close(&m);
            break;
        }
        more = zmq_msg_more(&m);
        if (n < FC_ZAP_MAX_FRAMES)
            frames[n++] = m;
        else
            zmq_msg_close(&m);
    }
    if (n < 6) {
        /* not a ZAP request we can answer; REP needs a reply to go on */
        s_send_str(self->sock, "1.0", 1);
        s_send_str(self->sock, "", 1);
        s_send_str(self->sock, "500", 1);
        s_send_str(self->sock, "malformed request", 1);
        s_send_str(self->sock, "", 1);
        s_send_str(self->sock, "", 0);
        goto out;
    }
    s_maybe_reload(self);
    char mech[16] = "", addr[64] = "";
    snprintf(mech, sizeof mech, "%.*s", (int)zmq_msg_size(&frames[5]),
             (const char *)zmq_msg_data(&frames[5]));
    snprintf(addr, sizeof addr, "%.*s", (int)zmq_msg_size(&frames[3]),
             (const char *)zmq_msg_data(&frames[3]));
    const char *who = NULL;
    char z85[41] = "";
    if (strcmp(mech, "CURVE") == 0 && n >= 7 && zmq_msg_size(&frames[6]) == 32) {
        zmq_z85_encode(z85, zmq_msg_data(&frames[6]), 32);
        for (int i = 0; i < self->list.n && !who; i++)
            if (memcmp(self->list.keys[i], zmq_msg_data(&frames[6]), 32) == 0)
                who = self->list.names[i];
    }
    if (who) {
        atomic_fetch_add(&self->admitted, 1);
        fc_log_debug("zap.admitted", "client", FC_LS(who), "address", FC_LS(addr), NULL);
    } else {
        atomic_fetch_add(&self->refused, 1);
        fc_log_warn("zap.refused", "mechanism", FC_LS(mech), "address", FC_LS(addr), "key",
                    FC_LS(z85), NULL);
    }
    s_send_str(self->sock, "1.0", 1);
    zmq_send(self->sock, zmq_msg_data(&frames[1]), zmq_msg_size(&frames[1]), ZMQ_SNDMORE);
    s_send_str(self->sock, who ? "200" : "400", 1);
    s_send_str(self->sock, who ? "OK" : "client key not allowed", 1);
    s_send_str(self->sock, who ? who : "", 1);
    s_send_str(self->sock, "", 0);
out:
    for (int i = 0; i < n; i++)
        zmq_msg_close(&frames[i]);
}

static void *s_run(void *arg)
{
    fc_zap_t *self = arg;
    while (!atomic_load(&self->stop)) {
        zmq_pollitem_t it = {self->sock, 0, ZMQ_POLLIN, 0};
        int n = zmq_poll(&it, 1, FC_ZAP_POLL_MS);
        if (n > 0)
            s_handle(self);
        else if (n < 0 && zmq_errno() == ETERM)
            break;
    }
    return NULL;
}

fc_zap_t *fc_zap_new(void *zmq_ctx, const char *allowed_file, fc_err_t *err)
{
    fc_zap_t *self = fc_xcalloc(1, sizeof *self);
    self->file = fc_xstrdup(allowed_file ? allowed_file : "");
    if (!*self->file) {
        fc_err_set(err, FC_EINVAL, "FC_CURVE_ALLOWED_CLIENTS",
                   "CURVE is on but no file of allowed client keys is set: any client would be "
                   "let in");
        goto fail;
    }
    if (s_load(self->file, &self->list, err) != FC_OK)
        goto fail;
    struct stat st;
    if (stat(self->file, &st) == 0) {
        self->mtime = st.st_mtim;
        self->size = st.st_size;
    }
    self->sock = zmq_socket(zmq_ctx, ZMQ_REP);
    int linger = 0;
    if (!self->sock || zmq_setsockopt(self->sock, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_bind(self->sock, FC_ZAP_ENDPOINT) != 0) {
        fc_err_set(err, FC_ERR, "FC_CURVE_ALLOWED_CLIENTS",
                   "could not bind the ZAP handler at %s: %s", FC_ZAP_ENDPOINT,
                   zmq_strerror(zmq_errno()));
        goto fail;
    }
    /* the socket is handed to the thread here and used by it alone from now on */
    if (pthread_create(&self->thread, NULL, s_run, self) != 0) {
        fc_err_set(err, FC_ERR, NULL, "could not start the ZAP handler thread");
        goto fail;
    }
    self->started = 1;
    fc_log_info("zap.started", "file", FC_LS(self->file), "keys", FC_LI(self->list.n), NULL);
    return self;
fail:
    fc_zap_destroy(&self);
    return NULL;
}

void fc_zap_destroy(fc_zap_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fc_zap_t *self = *self_p;
    if (self->started) {
        atomic_store(&self->stop, 1);
        pthread_join(self->thread, NULL);
    }
    if (self->sock)
        zmq_close(self->sock);
    s_list_fini(&self->list);
    free(self->file);
    free(self);
    *self_p = NULL;
}

long long fc_zap_admitted(const fc_zap_t *self)
{
    return atomic_load(&((fc_zap_t *)self)->admitted);
}

long long fc_zap_refused(const fc_zap_t *self)
{
    return atomic_load(&((fc_zap_t *)self)->refused);
}
