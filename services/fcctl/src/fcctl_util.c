/* fcctl_util: calling services and printing what they answer. */
#include "fcctl.h"
#include "fc_endpoints.h"
#include "fc_pbjson.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

int fcctl_exit_code(int fc_code)
{
    switch (fc_code) {
    case FC_OK: return FCCTL_OK;
    case FC_EINVAL:
    case FC_ENOTFOUND:
    case FC_EDENIED:
    case FC_ECONFLICT:
    case FC_ETOOBIG:
    case FC_EDUP: return FCCTL_EREJECTED;
    case FC_ETIMEOUT:
    case FC_EUNAVAIL:
    case FC_EAGAIN: return FCCTL_EUNAVAIL;
    default: return FCCTL_EFAIL;
    }
}

void fcctl_print_error(const fc_err_t *err)
{
    if (err->field[0])
        fprintf(stderr, "fcctl: %s: %s (%s)\n", err->field, err->message, fc_err_name(err->code));
    else
        fprintf(stderr, "fcctl: %s (%s)\n", err->message, fc_err_name(err->code));
}

void fcctl_print_json(const ProtobufCMessage *msg)
{
    json_t *j = fc_pbjson_from_message(msg);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    puts(s);
    free(s);
    json_decref(j);
}

int fcctl_call(fcctl_t *ctl, const char *service, const char *type, const ProtobufCMessage *req,
               const ProtobufCMessageDescriptor *reply_desc, ProtobufCMessage **reply_out)
{
    if (fcctl_transport_http()) {
        fc_err_t herr;
        fc_err_clear(&herr);
        int hrc = fcctl_transport_call(ctl, type, req, reply_desc, reply_out, &herr);
        if (hrc != FC_OK) {
            fcctl_print_error(&herr);
            return fcctl_exit_code(hrc);
        }
        return FCCTL_OK;
    }
    const char *ep = fc_endpoint_of(service);
    fc_rpc_client_opts_t opts = {ctl->actor, ctl->role, ctl->scope, ctl->timeout_ms, 2, NULL};
    fc_rpc_client_t *c = fc_rpc_client_new(ctl->zmq, ep, &opts);
    fc_err_t err;
    fc_err_clear(&err);
    int rc = c ? fc_rpc_call(c, type, req, reply_desc, reply_out, NULL, &err)
               : fc_err_set(&err, FC_EUNAVAIL, "endpoint", "could not connect to %s", ep);
    fc_rpc_client_destroy(&c);
    if (rc != FC_OK) {
        fcctl_print_error(&err);
        return fcctl_exit_code(rc);
    }
    return FCCTL_OK;
}

int fcctl_run(fcctl_t *ctl, const char *service, const char *type, const ProtobufCMessage *req,
              const ProtobufCMessageDescriptor *reply_desc,
              void (*text)(const ProtobufCMessage *reply))
{
    ProtobufCMessage *reply = NULL;
    int rc = fcctl_call(ctl, service, type, req, reply_desc, &reply);
    if (rc != FCCTL_OK)
        return rc;
    if (ctl->json)
        fcctl_print_json(reply);
    else if (text)
        text(reply);
    protobuf_c_message_free_unpacked(reply, NULL);
    return FCCTL_OK;
}

int fcctl_parse_temp(const char *s)
{
    /* "36.5" or "36" → tenths of a degree; no floating point */
    int whole = 0, tenth = 0, digits = 0;
    const char *p = s;
    while (isdigit((unsigned char)*p) && digits < 3) {
        whole = whole * 10 + (*p++ - '0');
        digits++;
    }
    if (!digits)
        return -1;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return -1;
        tenth = *p++ - '0';
        if (isdigit((unsigned char)*p) && *p >= '5')
            tenth++; /* 36.55 rounds to 36.6 */
        while (isdigit((unsigned char)*p))
            p++;
    }
    return *p ? -1 : whole * 10 + tenth;
}
