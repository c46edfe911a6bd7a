/* intake_import: CSV import as a staged upload. import_begin opens a session; import_chunk
 * stores each chunk (a batch of parsed rows under the 1 MiB message cap, plus the problems the
 * client found) as sent; import_commit loads the chunks, re-validates every row against the
 * rules, the rest of the file and the database, and applies the whole import in its one
 * transaction: nothing when a row is bad (unless skip_bad), every bad row listed by line. */
#include "intake_import_check.h"
#include "intake_rules.h"
#include "intake_server.h"
#include "intake_store.h"
#include "fc/v1/intake.pb-c.h"
#include "fc_clock.h"
#include "fc_id.h"
#include "fc_log.h"
#include "fc_pb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INTAKE_IMPORT_MAX_ROWS 500000 /* far more than any subsidiary's roster */
#define INTAKE_IMPORT_MAX_CHUNK_ROWS 20000
#define INTAKE_IMPORT_REPLY_PROBLEMS 500 /* the rest via intake.import_problems */
#define INTAKE_IMPORT_SESSION_TTL_S 86400
#define INTAKE_IMPORT_EVENT_BATCH 20000

/* One commit's working state. Rows point into the unpacked chunks, freed at the end. */
typedef struct {
    fc_service_t *svc;
    fc_call_t *call;
    const char *scope; /* scope path, "" = group-wide */
    int group_wide;
    intake_import_rows_t f; /* the rows, their problems and the checks without the database */
    int want_apply;         /* not a dry run */
    int skip_bad;
    int applied; /* set once the good rows went in */
} s_import_t;

/* After validation: apply only if asked and every row is good or bad rows may be skipped. */
static int s_may_apply(s_import_t *im)
{
    im->applied = im->want_apply && (im->f.n_problems == 0 || im->skip_bad);
    return im->applied;
}

static int s_cmp_org(const void *a, const void *b)
{
    return strcmp(((const intake_org_ref_t *)a)->org_code, ((const intake_org_ref_t *)b)->org_code);
}

static const intake_org_ref_t *s_find_org(const intake_org_ref_t *v, size_t n, const char *code)
{
    intake_org_ref_t key = {code, NULL, NULL, 0};
    return bsearch(&key, v, n, sizeof *v, s_cmp_org);
}

typedef struct {
    int inserted, updated, unchanged, linked;
} s_counts_t;

static void s_count(s_counts_t *c, intake_outcome_t o)
{
    c->inserted += o == INTAKE_INSERTED;
    c->updated += o == INTAKE_UPDATED;
    c->unchanged += o == INTAKE_UNCHANGED;
}

/* ---- org units ------------------------------------------------------------------------------ */

typedef struct {
    int depth;
    size_t i;
} s_depth_t;

static int s_cmp_depth(const void *a, const void *b)
{
    const s_depth_t *x = a, *y = b;
    return x->depth != y->depth ? x->depth - y->depth : (x->i > y->i) - (x->i < y->i);
}

static int s_import_org(s_import_t *im, s_counts_t *counts, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(im->svc);
    intake_org_ref_t *db = NULL;
    size_t n_db = 0;
    int rc = intake_store_org_all(pg, im->call->arena, &db, &n_db, err);
    if (rc != FC_OK)
        return rc;
    intake_import_check_rules(&im->f);
    intake_import_check_dups(&im->f);
    intake_import_check_cycles(&im->f);
    s_depth_t *order = fc_xcalloc(im->f.n_rows ? im->f.n_rows : 1, sizeof *order);
    for (size_t i = 0; i < im->f.n_rows; i++) {
        const Fc__V1__OrgUnit *u = im->f.rows[i]->org;
        size_t anchor = i;
        order[i].i = i;
        order[i].depth = im->f.bad[i] ? 0 : intake_import_org_depth(&im->f, i, &anchor);
        if (im->f.bad[i])
            continue;
        const Fc__V1__OrgUnit *top = im->f.rows[anchor]->org;
        const intake_org_ref_t *parent =
            *top->parent_code ? s_find_org(db, n_db, top->parent_code) : NULL;
        const intake_org_ref_t *existing = s_find_org(db, n_db, u->org_code);
        if (*top->parent_code && !parent) {
            intake_import_problem(&im->f, im->f.rows[i]->line, "parent_code",
                                  anchor == i
                                      ? "上级组织“%s”不存在（数据库和本文件中都没有）"
                                      : "上级组织链上的“%s”不存在（数据库和本文件中都没有）",
                                  top->parent_code);
            im->f.bad[i] = 1;
        } else if (!*top->parent_code && !im->group_wide) {
            intake_import_problem(&im->f, im->f.rows[i]->line, "parent_code",
                                  "只有集团管理员可以建立集团根组织");
            im->f.bad[i] = 1;
        } else if (parent && !intake_in_scope(im->scope, parent->path)) {
            intake_import_problem(&im->f, im->f.rows[i]->line, "parent_code",
                                  "上级组织“%s”不在您的管辖范围内", parent->org_code);
            im->f.bad[i] = 1;
        } else if (existing && !intake_in_scope(im->scope, existing->path)) {
            intake_import_problem(&im->f, im->f.rows[i]->line, "org_code",
                                  "组织“%s”不在您的管辖范围内", u->org_code);
            im->f.bad[i] = 1;
        } else if (!im->group_wide &&
                   (existing ? existing->liaison_unit : 0) != (int)u->liaison_unit) {
            intake_import_problem(&im->f, im->f.rows[i]->line, "liaison_unit",
                                  "联系点由集团党委组织部确定，不能更改");
            im->f.bad[i] = 1;
        }
    }
    intake_import_check_under_bad(&im->f);
    if (s_may_apply(im)) {
        int64_t now = fc_clock_now_us();
        qsort(order, im->f.n_rows, sizeof *order, s_cmp_depth);
        for (size_t j = 0; j < im->f.n_rows && rc == FC_OK; j++) {
            size_t i = order[j].i;
            if (im->f.bad[i])
                continue;
            intake_outcome_t o = INTAKE_UNCHANGED;
            rc = intake_store_org_upsert(pg, im->f.rows[i]->org, &o, err);
            if (rc == FC_OK && o != INTAKE_UNCHANGED) {
                Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
                ev.unit = im->f.rows[i]->org;
                ev.at_us = now;
                rc = fc_service_publish(im->svc, INTAKE_EV_ORG_UPSERTED, &ev.base, now, err);
            }
            if (rc != FC_OK) {
                char prefix[32];
                snprintf(prefix, sizeof prefix, "line %d", (int)im->f.rows[i]->line);
                fc_err_prefix_field(err, prefix);
            }
            s_count(counts, o);
        }
    }
    free(order);
    return rc;
}

/* ---- posts ------------------------------------------------------------------------------------
 */

static int s_import_posts(s_import_t *im, s_counts_t *counts, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(im->svc);
    intake_org_ref_t *orgs = NULL, *posts = NULL;
    size_t n_orgs = 0, n_posts = 0;
    int rc = intake_store_org_all(pg, im->call->arena, &orgs, &n_orgs, err);
    if (rc == FC_OK)
        rc = intake_store_post_orgs(pg, im->call->arena, &posts, &n_posts, err);
    if (rc != FC_OK)
        return rc;
    intake_import_check_rules(&im->f);
    for (size_t i = 0; i < im->f.n_rows; i++) {
        const Fc__V1__Post *p = im->f.rows[i]->post;
        if (im->f.bad[i])
            continue;
        const intake_org_ref_t *org = s_find_org(orgs, n_orgs, p->org_code);
        const intake_org_ref_t *old = s_find_org(posts, n_posts, p->post_code);
        if (!org)
            intake_import_problem(&im->f, im->f.rows[i]->line, "org_code", "组织“%s”不存在",
                                  p->org_code);
        else if (!intake_in_scope(im->scope, org->path))
            intake_import_problem(&im->f, im->f.rows[i]->line, "org_code",
                                  "组织“%s”不在您的管辖范围内", p->org_code);
        else if (old && !intake_in_scope(im->scope, old->path))
            intake_import_problem(&im->f, im->f.rows[i]->line, "post_code",
                                  "岗位“%s”属于“%s”，不在您的管辖范围内", p->post_code, old->kind);
        else
            continue;
        im->f.bad[i] = 1;
    }
    intake_import_check_dups(&im->f);
    if (!s_may_apply(im))
        return FC_OK;
    int64_t now = fc_clock_now_us();
    for (size_t i = 0; i < im->f.n_rows && rc == FC_OK; i++) {
        if (im->f.bad[i])
            continue;
        intake_outcome_t o = INTAKE_UNCHANGED;
        rc = intake_store_post_upsert(pg, im->f.rows[i]->post, &o, err);
        if (rc == FC_OK && o != INTAKE_UNCHANGED) {
            Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
            ev.post = im->f.rows[i]->post;
            ev.at_us = now;
            rc = fc_service_publish(im->svc, INTAKE_EV_POST_UPSERTED, &ev.base, now, err);
        }
        s_count(counts, o);
    }
    return rc;
}

/* ---- people ------------------------------------------------------------------------------------
 */

static int s_cmp_ref(const void *a, const void *b)
{
    return strcmp(((const intake_person_ref_t *)a)->employee_no,
                  ((const intake_person_ref_t *)b)->employee_no);
}

static const intake_person_ref_t *s_find_ref(const intake_person_ref_t *v, size_t n,
                                             const char *emp)
{
    intake_person_ref_t key = {emp, NULL, NULL, NULL};
    return bsearch(&key, v, n, sizeof *v, s_cmp_ref);
}

/* Publishes person_upserted for each of emps (deduplicated by the caller), in batches. */
static int s_publish_people(s_import_t *im, char **emps, size_t n, int64_t now, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(im->svc);
    intake_events_t evs;
    intake_events_init(&evs);
    int rc = FC_OK;
    for (size_t off = 0; off < n && rc == FC_OK; off += INTAKE_IMPORT_EVENT_BATCH) {
        size_t k = n - off < INTAKE_IMPORT_EVENT_BATCH ? n - off : INTAKE_IMPORT_EVENT_BATCH;
        Fc__V1__Person **people = NULL;
        size_t got = 0;
        if ((rc = intake_store_people_get(pg, emps + off, k, im->call->arena, &people, &got,
                                          err)) != FC_OK)
            break;
        for (size_t i = 0; i < got; i++) {
            Fc__V1__PersonUpserted ev = FC__V1__PERSON_UPSERTED__INIT;
            ev.person = people[i];
            ev.at_us = now;
            intake_events_add(&evs, INTAKE_EV_PERSON_UPSERTED, &ev.base, now);
        }
        rc = intake_store_events_flush(pg, &evs, err);
    }
    intake_events_fini(&evs);
    return rc;
}

static int s_cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int s_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int s_import_people(s_import_t *im, s_counts_t *counts, fc_err_t *err)
{
    fc_pg_t *pg = fc_service_pg(im->svc);
    fc_arena_t *arena = im->call->arena;
    intake_org_ref_t *orgs = NULL;
    intake_person_ref_t *refs = NULL;
    size_t n_orgs = 0, n_refs = 0, n = im->f.n_rows;
    int rc = intake_store_org_all(pg, arena, &orgs, &n_orgs, err);
    if (rc != FC_OK)
        return rc;
    intake_import_check_rules(&im->f);
    intake_import_check_dups(&im->f);
    /* what the database knows of everyone named: the file's people and their spouses */
    char **names = fc_xcalloc(2 * n + 1, sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        names[nn++] = im->f.rows[i]->person->employee_no;
        if (im->f.rows[i]->person->spouse_employee_no[0])
            names[nn++] = im->f.rows[i]->person->spouse_employee_no;
    }
    rc = intake_store_people_refs(pg, names, nn, arena, &refs, &n_refs, err);
    free(names);
    /* named spouses outside the file, to find one named by two rows */
    intake_import_key_t *outside = fc_xcalloc(n ? n : 1, sizeof *outside);
    size_t n_outside = 0;
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        const Fc__V1__Person *p = im->f.rows[i]->person;
        int line = im->f.rows[i]->line;
        if (im->f.bad[i])
            continue;
        const intake_org_ref_t *org = s_find_org(orgs, n_orgs, p->org_code);
        const intake_person_ref_t *me = s_find_ref(refs, n_refs, p->employee_no);
        if (!org) {
            intake_import_problem(&im->f, line, "org_code", "组织“%s”不存在", p->org_code);
            im->f.bad[i] = 1;
            continue;
        }
        if (!intake_in_scope(im->scope, org->path)) {
            intake_import_problem(&im->f, line, "org_code", "组织“%s”不在您的管辖范围内",
                                  p->org_code);
            im->f.bad[i] = 1;
            continue;
        }
        if (me && !intake_in_scope(im->scope, me->org_path)) {
            intake_import_problem(&im->f, line, "employee_no",
                                  "“%s”已在“%s”登记，不在您的管辖范围内", p->employee_no,
                                  me->org_code);
            im->f.bad[i] = 1;
            continue;
        }
        const char *sp = p->spouse_employee_no;
        if (!*sp)
            continue;
        if (intake_import_check_spouse_in_file(&im->f, i))
            continue;
        const intake_person_ref_t *s = s_find_ref(refs, n_refs, sp);
        if (!s) {
            intake_import_problem(&im->f, line, "spouse_employee_no",
                                  "配偶工号“%s”不存在（数据库和本文件中都没有）", sp);
            im->f.bad[i] = 1;
            continue;
        }
        if (*s->spouse && strcmp(s->spouse, p->employee_no) != 0) {
            /* married to Z: allowed only if Z is in this file and leaves */
            const intake_import_key_t *zk = intake_import_find(&im->f, s->spouse);
            if (!zk || strcmp(im->f.rows[zk->i]->person->spouse_employee_no, sp) == 0) {
                intake_import_problem(&im->f, line, "spouse_employee_no", "“%s”已登记配偶“%s”", sp,
                                      s->spouse);
                im->f.bad[i] = 1;
                continue;
            }
        }
        outside[n_outside].key = sp;
        outside[n_outside++].i = i;
    }
    qsort(outside, n_outside, sizeof *outside, intake_import_key_cmp);
    for (size_t j = 1; j < n_outside; j++)
        if (strcmp(outside[j].key, outside[j - 1].key) == 0) {
            intake_import_problem(&im->f, im->f.rows[outside[j].i]->line, "spouse_employee_no",
                                  "“%s”已被第 %d 行登记为配偶", outside[j].key,
                                  im->f.rows[outside[j - 1].i]->line);
            im->f.bad[outside[j].i] = 1;
        }
    free(outside);
    /* a couple in the file goes in together or not at all */
    if (rc == FC_OK)
        intake_import_check_couples(&im->f);
    if (rc != FC_OK || !s_may_apply(im))
        return rc;
    /* apply the good rows at once, then publish each changed person */
    Fc__V1__Person **good = fc_xcalloc(n ? n : 1, sizeof *good);
    intake_outcome_t *outcome = fc_xcalloc(n ? n : 1, sizeof *outcome);
    char **others = NULL, **changed = NULL;
    size_t n_good = 0, n_others = 0, n_changed = 0;
    for (size_t i = 0; i < n; i++)
        if (!im->f.bad[i])
            good[n_good++] = im->f.rows[i]->person;
    rc = intake_store_people_apply(pg, good, n_good, outcome, arena, &others, &n_others, err);
    if (rc == FC_OK) {
        changed = fc_xcalloc(n_good + n_others + 1, sizeof *changed);
        for (size_t i = 0; i < n_good; i++) {
            s_count(counts, outcome[i]);
            if (outcome[i] != INTAKE_UNCHANGED)
                changed[n_changed++] = good[i]->employee_no;
        }
        for (size_t i = 0; i < n_others; i++)
            changed[n_changed++] = others[i];
        qsort(changed, n_changed, sizeof *changed, s_cmp_str);
        size_t u = 0;
        for (size_t i = 0; i < n_changed; i++)
            if (u == 0 || strcmp(changed[u - 1], changed[i]) != 0)
                changed[u++] = changed[i];
        counts->linked = (int)n_others;
        rc = s_publish_people(im, changed, u, fc_clock_now_us(), err);
    }
    free(changed);
    free(good);
    free(outcome);
    return rc;
}

/* ---- routes ---------------------------------------------------------------------------------- */

static int s_kind_ok(const char *kind)
{
    return strcmp(kind, "org") == 0 || strcmp(kind, "posts") == 0 || strcmp(kind, "people") == 0;
}

int intake_import_begin(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ImportBeginRequest *req = (const Fc__V1__ImportBeginRequest *)call->request;
    const char *scope = NULL;
    char id[FC_ID_LEN + 1];
    int rc = intake_may_write(call, err);
    if (rc == FC_OK && !s_kind_ok(req->kind))
        rc = fc_err_set(err, FC_EINVAL, "kind", "“%s”不是可导入的类型（org|posts|people）",
                        req->kind);
    if (rc == FC_OK)
        rc = intake_rules_text("file_name", req->file_name, 500, 0, err);
    if (rc == FC_OK)
        rc = intake_scope_path(svc, call, &scope, err);
    if (rc == FC_OK)
        rc = intake_store_import_gc(fc_service_pg(svc), INTAKE_IMPORT_SESSION_TTL_S, err);
    fc_id_new(id);
    if (rc == FC_OK)
        rc = intake_store_import_begin(fc_service_pg(svc), id, req->kind, req->skip_bad,
                                       req->file_name, fc_call_actor(call), fc_call_role(call),
                                       fc_call_scope(call), err);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ImportBeginReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__import_begin_reply__init(reply);
    reply->import_id = fc_arena_strdup(call->arena, id);
    call->reply = &reply->base;
    return FC_OK;
}

/* The open session of this import, owned by the same actor and scope. */
static int s_session(fc_service_t *svc, fc_call_t *call, const char *import_id, int want_open,
                     intake_import_t *out, fc_err_t *err)
{
    int rc = intake_store_import_get(fc_service_pg(svc), import_id, out, err);
    if (rc != FC_OK)
        return rc;
    if (strcmp(out->actor, fc_call_actor(call)) != 0 ||
        strcmp(out->org_scope, fc_call_scope(call)) != 0 ||
        strcmp(out->role, fc_call_role(call)) != 0)
        return fc_err_set(err, FC_EDENIED, "import_id", "导入会话“%s”属于其他用户或组织范围",
                          import_id);
    if (want_open && strcmp(out->state, "open") != 0)
        return fc_err_set(err, FC_ECONFLICT, "import_id", "导入会话“%s”已结束（%s）", import_id,
                          out->state);
    return FC_OK;
}

int intake_import_chunk(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ImportChunkRequest *req = (const Fc__V1__ImportChunkRequest *)call->request;
    intake_import_t s;
    int total = 0;
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = s_session(svc, call, req->import_id, 1, &s, err);
    if (rc != FC_OK)
        return rc;
    if (req->seq < 0)
        return fc_err_set(err, FC_EINVAL, "seq", "块序号 %d 不能为负", (int)req->seq);
    if (req->n_rows > INTAKE_IMPORT_MAX_CHUNK_ROWS)
        return fc_err_set(err, FC_ETOOBIG, "rows", "一块最多 %d 行", INTAKE_IMPORT_MAX_CHUNK_ROWS);
    if ((long)s.rows + (long)req->n_rows > INTAKE_IMPORT_MAX_ROWS)
        return fc_err_set(err, FC_ETOOBIG, "rows", "文件超过 %d 行的上限，远大于任何实际名册",
                          INTAKE_IMPORT_MAX_ROWS);
    int want = strcmp(s.kind, "org") == 0 ? 0 : strcmp(s.kind, "posts") == 0 ? 1 : 2;
    for (size_t i = 0; i < req->n_rows; i++) {
        const Fc__V1__ImportRow *r = req->rows[i];
        int has[3] = {r->org != NULL, r->post != NULL, r->person != NULL};
        if (r->line <= 0)
            return fc_err_set(err, FC_EINVAL, "rows[].line", "第 %zu 行缺少行号", i);
        if (!has[want] || has[0] + has[1] + has[2] != 1)
            return fc_err_set(err, FC_EINVAL, "rows[].line", "第 %d 行不是“%s”导入的数据行",
                              (int)r->line, s.kind);
    }
    for (size_t i = 0; i < req->n_problems; i++)
        if (req->problems[i]->line <= 0)
            return fc_err_set(err, FC_EINVAL, "problems[].line", "问题缺少行号");
    size_t len = 0;
    uint8_t *packed = fc_pb_pack(call->request, &len);
    rc = intake_store_import_chunk_add(fc_service_pg(svc), req->import_id, req->seq,
                                       (int)req->n_rows, packed, len, &total, err);
    free(packed);
    if (rc != FC_OK)
        return rc;
    Fc__V1__ImportChunkReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__import_chunk_reply__init(reply);
    reply->rows = (int)req->n_rows;
    reply->total_rows = total;
    call->reply = &reply->base;
    return FC_OK;
}

int intake_import_commit(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ImportCommitRequest *req = (const Fc__V1__ImportCommitRequest *)call->request;
    intake_import_t s;
    s_import_t im;
    memset(&im, 0, sizeof im);
    im.svc = svc;
    im.call = call;
    intake_import_rows_init(&im.f, "", call->arena);
    s_counts_t counts = {0, 0, 0, 0};
    int n_chunks = 0;
    int64_t t0 = fc_clock_mono_ms();
    int rc = intake_may_write(call, err);
    if (rc == FC_OK)
        rc = s_session(svc, call, req->import_id, 1, &s, err);
    if (rc == FC_OK)
        rc = intake_scope_path(svc, call, &im.scope, err);
    if (rc != FC_OK)
        goto out;
    im.f.kind = s.kind;
    im.group_wide = intake_group_wide(call);
    rc = intake_store_import_chunks(fc_service_pg(svc), req->import_id,
                                    intake_import_rows_add_chunk, &im.f, &n_chunks, err);
    if (rc == FC_OK && n_chunks != req->chunks)
        rc = fc_err_set(err, FC_EINVAL, "chunks", "客户端发送了 %d 块，服务端只收到 %d 块",
                        (int)req->chunks, n_chunks);
    if (rc != FC_OK)
        goto out;
    /* client problems are for lines the client could not parse: not among the rows */
    size_t client_lines = 0;
    {
        int *lines = fc_xcalloc(im.f.n_problems + 1, sizeof *lines);
        for (size_t i = 0; i < im.f.n_problems; i++)
            lines[i] = im.f.problems[i]->line;
        qsort(lines, im.f.n_problems, sizeof *lines, s_cmp_int);
        for (size_t i = 0; i < im.f.n_problems; i++)
            client_lines += i == 0 || lines[i] != lines[i - 1];
        free(lines);
    }
    im.want_apply = !req->dry_run;
    im.skip_bad = s.skip_bad;
    if (strcmp(s.kind, "org") == 0)
        rc = s_import_org(&im, &counts, err);
    else if (strcmp(s.kind, "posts") == 0)
        rc = s_import_posts(&im, &counts, err);
    else
        rc = s_import_people(&im, &counts, err);
    if (rc != FC_OK)
        goto out;
    int apply = im.applied, apply_wanted = im.want_apply;
    size_t bad_lines = intake_import_sort_problems(&im.f);
    const char *state = !apply_wanted ? "checked" : apply ? "applied" : "rejected";
    rc = intake_store_import_finish(fc_service_pg(svc), req->import_id, state, im.f.problems,
                                    im.f.n_problems, err);
    if (rc != FC_OK)
        goto out;
    Fc__V1__ImportCommitReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__import_commit_reply__init(reply);
    reply->applied = apply;
    reply->bad = (int)bad_lines;
    reply->rows = (int)(im.f.n_rows + client_lines);
    reply->inserted = counts.inserted;
    reply->updated = counts.updated;
    reply->unchanged = counts.unchanged;
    reply->linked = counts.linked;
    reply->total_problems = (int)im.f.n_problems;
    size_t page = im.f.n_problems < INTAKE_IMPORT_REPLY_PROBLEMS ? im.f.n_problems
                                                                 : INTAKE_IMPORT_REPLY_PROBLEMS;
    reply->problems = fc_arena_alloc(call->arena, (page ? page : 1) * sizeof *reply->problems);
    for (size_t i = 0; i < page; i++) {
        /* copy: the chunks holding client problems are freed before the reply is packed */
        Fc__V1__ImportProblem *p = fc_arena_alloc(call->arena, sizeof *p);
        fc__v1__import_problem__init(p);
        p->line = im.f.problems[i]->line;
        p->column = fc_arena_strdup(call->arena, im.f.problems[i]->column);
        p->reason = fc_arena_strdup(call->arena, im.f.problems[i]->reason);
        reply->problems[i] = p;
    }
    reply->n_problems = page;
    call->reply = &reply->base;
    fc_log_info("intake.import", "import_id", FC_LS(req->import_id), "kind", FC_LS(s.kind), "state",
                FC_LS(state), "rows", FC_LI(im.f.n_rows), "problems", FC_LI(im.f.n_problems),
                "inserted", FC_LI(counts.inserted), "updated", FC_LI(counts.updated), "ms",
                FC_LI(fc_clock_mono_ms() - t0), NULL);
out:
    intake_import_rows_fini(&im.f);
    return rc;
}

int intake_import_problems(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ImportProblemsRequest *req = (const Fc__V1__ImportProblemsRequest *)call->request;
    intake_import_t s;
    int rc = s_session(svc, call, req->import_id, 0, &s, err);
    if (rc != FC_OK)
        return rc;
    int limit = req->limit > 0 && req->limit <= 5000 ? req->limit : 1000;
    Fc__V1__ImportProblemsReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__import_problems_reply__init(reply);
    rc = intake_store_import_problems(fc_service_pg(svc), req->import_id,
                                      req->offset > 0 ? req->offset : 0, limit, call->arena, reply,
                                      err);
    if (rc != FC_OK)
        return rc;
    call->reply = &reply->base;
    return FC_OK;
}
