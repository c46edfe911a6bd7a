/* intake_import: CSV import as a staged upload. import_begin opens a session; import_chunk
 * stores each chunk (a batch of parsed rows under the 1 MiB message cap, plus the problems the
 * client found) as sent; import_commit loads the chunks, re-validates every row against the
 * rules, the rest of the file and the database, and applies the whole import in its one
 * transaction: nothing when a row is bad (unless skip_bad), every bad row listed by line. */
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
    const char *kind;
    const char *scope; /* scope path, "" = group-wide */
    int group_wide;
    Fc__V1__ImportChunkRequest **chunks;
    size_t n_chunks, cap_chunks;
    Fc__V1__ImportRow **rows;
    size_t n_rows, cap_rows;
    unsigned char *bad; /* per row */
    Fc__V1__ImportProblem **problems;
    size_t n_problems, cap_problems;
    int want_apply; /* not a dry run */
    int skip_bad;
    int applied; /* set once the good rows went in */
} s_import_t;

/* After validation: apply only if asked and every row is good or bad rows may be skipped. */
static int s_may_apply(s_import_t *im)
{
    im->applied = im->want_apply && (im->n_problems == 0 || im->skip_bad);
    return im->applied;
}

/* A key of a file row, for sorting and lookup. */
typedef struct {
    const char *key;
    size_t i;
} s_key_t;

static int s_cmp_key(const void *a, const void *b)
{
    const s_key_t *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static const s_key_t *s_find(const s_key_t *keys, size_t n, const char *key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) { /* first entry with this key (the earliest line) */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(keys[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(keys[lo].key, key) == 0 ? &keys[lo] : NULL;
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

static void s_grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return;
    *cap = *cap ? *cap * 2 : 64;
    *v = fc_xrealloc(*v, *cap * size);
}

static void s_problem(s_import_t *im, int line, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void s_problem(s_import_t *im, int line, const char *column, const char *fmt, ...)
{
    fc_arena_t *a = im->call->arena;
    Fc__V1__ImportProblem *p = fc_arena_alloc(a, sizeof *p);
    fc__v1__import_problem__init(p);
    p->line = line;
    p->column = fc_arena_strdup(a, column && *column ? column : "row");
    va_list ap;
    va_start(ap, fmt);
    char *msg = fc_xvasprintf(fmt, ap);
    va_end(ap);
    p->reason = fc_arena_strdup(a, msg);
    free(msg);
    s_grow((void **)&im->problems, &im->cap_problems, im->n_problems, sizeof *im->problems);
    im->problems[im->n_problems++] = p;
}

/* A row breaks a rule: record it (field of err as the column) and mark it bad. */
static void s_row_bad(s_import_t *im, size_t i, const fc_err_t *err)
{
    const char *col = err->field;
    const char *dot = strrchr(col, '.'); /* "units[0].org_code" -> "org_code" */
    s_problem(im, im->rows[i]->line, dot ? dot + 1 : col, "%s", err->message);
    im->bad[i] = 1;
}

static void s_import_fini(s_import_t *im)
{
    for (size_t i = 0; i < im->n_chunks; i++)
        protobuf_c_message_free_unpacked(&im->chunks[i]->base, NULL);
    free(im->chunks);
    free(im->rows);
    free(im->bad);
    free(im->problems);
}

static int on_chunk(void *ctx, int seq, const uint8_t *data, size_t len, fc_err_t *err)
{
    s_import_t *im = ctx;
    if ((size_t)seq != im->n_chunks)
        return fc_err_set(err, FC_EINVAL, "chunks", "缺少第 %zu 块数据", im->n_chunks);
    Fc__V1__ImportChunkRequest *c =
        (Fc__V1__ImportChunkRequest *)fc_pb_unpack(&fc__v1__import_chunk_request__descriptor, data,
                                                   len, 2 * FC_PB_MAX_MESSAGE, NULL, "chunk", err);
    if (!c)
        return err->code;
    s_grow((void **)&im->chunks, &im->cap_chunks, im->n_chunks, sizeof *im->chunks);
    im->chunks[im->n_chunks++] = c;
    for (size_t i = 0; i < c->n_rows; i++) {
        s_grow((void **)&im->rows, &im->cap_rows, im->n_rows, sizeof *im->rows);
        im->rows[im->n_rows++] = c->rows[i];
    }
    for (size_t i = 0; i < c->n_problems; i++) {
        s_grow((void **)&im->problems, &im->cap_problems, im->n_problems, sizeof *im->problems);
        im->problems[im->n_problems++] = c->problems[i];
    }
    return FC_OK;
}

/* Rows sorted by key; each later duplicate is a problem naming the first line. */
static s_key_t *s_keys(s_import_t *im, const char *(*key)(const Fc__V1__ImportRow *),
                       const char *column)
{
    s_key_t *k = fc_xcalloc(im->n_rows ? im->n_rows : 1, sizeof *k);
    for (size_t i = 0; i < im->n_rows; i++) {
        k[i].key = key(im->rows[i]);
        k[i].i = i;
    }
    qsort(k, im->n_rows, sizeof *k, s_cmp_key);
    for (size_t j = 1; j < im->n_rows; j++)
        if (strcmp(k[j].key, k[j - 1].key) == 0 && *k[j].key) {
            size_t first = j - 1;
            while (first > 0 && strcmp(k[first - 1].key, k[j].key) == 0)
                first--;
            s_problem(im, im->rows[k[j].i]->line, column, "“%s”与第 %d 行重复", k[j].key,
                      im->rows[k[first].i]->line);
            im->bad[k[j].i] = 1;
        }
    return k;
}

static const char *s_org_key(const Fc__V1__ImportRow *r)
{
    return r->org ? r->org->org_code : "";
}

static const char *s_post_key(const Fc__V1__ImportRow *r)
{
    return r->post ? r->post->post_code : "";
}

static const char *s_person_key(const Fc__V1__ImportRow *r)
{
    return r->person ? r->person->employee_no : "";
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

/* Depth of row i among the file's rows (parents in the file first); -1 on a cycle. */
static int s_org_depth(s_import_t *im, const s_key_t *keys, size_t i, size_t *anchor_row)
{
    size_t cur = i;
    int depth = 0;
    for (;;) {
        const char *parent = im->rows[cur]->org->parent_code;
        const s_key_t *k = *parent ? s_find(keys, im->n_rows, parent) : NULL;
        if (!k) {
            *anchor_row = cur;
            return depth;
        }
        cur = k->i;
        if (++depth > (int)im->n_rows)
            return -1;
    }
}

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
    for (size_t i = 0; i < im->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        if (intake_rules_org(im->rows[i]->org, &e) != FC_OK)
            s_row_bad(im, i, &e);
    }
    s_key_t *keys = s_keys(im, s_org_key, "org_code");
    s_depth_t *order = fc_xcalloc(im->n_rows ? im->n_rows : 1, sizeof *order);
    for (size_t i = 0; i < im->n_rows; i++) {
        const Fc__V1__OrgUnit *u = im->rows[i]->org;
        size_t anchor = i;
        order[i].i = i;
        order[i].depth = im->bad[i] ? 0 : s_org_depth(im, keys, i, &anchor);
        if (im->bad[i])
            continue;
        if (order[i].depth < 0) {
            s_problem(im, im->rows[i]->line, "parent_code", "组织层级成环（经由“%s”）",
                      u->parent_code);
            im->bad[i] = 1;
            continue;
        }
        const Fc__V1__OrgUnit *top = im->rows[anchor]->org;
        const intake_org_ref_t *parent =
            *top->parent_code ? s_find_org(db, n_db, top->parent_code) : NULL;
        const intake_org_ref_t *existing = s_find_org(db, n_db, u->org_code);
        if (*top->parent_code && !parent) {
            s_problem(im, im->rows[i]->line, "parent_code",
                      anchor == i ? "上级组织“%s”不存在（数据库和本文件中都没有）"
                                  : "上级组织链上的“%s”不存在（数据库和本文件中都没有）",
                      top->parent_code);
            im->bad[i] = 1;
        } else if (!*top->parent_code && !im->group_wide) {
            s_problem(im, im->rows[i]->line, "parent_code", "只有集团管理员可以建立集团根组织");
            im->bad[i] = 1;
        } else if (parent && !intake_in_scope(im->scope, parent->path)) {
            s_problem(im, im->rows[i]->line, "parent_code", "上级组织“%s”不在您的管辖范围内",
                      parent->org_code);
            im->bad[i] = 1;
        } else if (existing && !intake_in_scope(im->scope, existing->path)) {
            s_problem(im, im->rows[i]->line, "org_code", "组织“%s”不在您的管辖范围内", u->org_code);
            im->bad[i] = 1;
        } else if (!im->group_wide &&
                   (existing ? existing->liaison_unit : 0) != (int)u->liaison_unit) {
            s_problem(im, im->rows[i]->line, "liaison_unit",
                      "联系点由集团党委组织部确定，不能更改");
            im->bad[i] = 1;
        }
    }
    /* a unit under a bad row cannot be placed either */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < im->n_rows; i++) {
            if (im->bad[i])
                continue;
            const s_key_t *k = s_find(keys, im->n_rows, im->rows[i]->org->parent_code);
            if (k && im->bad[k->i]) {
                s_problem(im, im->rows[i]->line, "parent_code", "上级组织“%s”所在第 %d 行有错误",
                          im->rows[i]->org->parent_code, im->rows[k->i]->line);
                im->bad[i] = 1;
                changed = 1;
            }
        }
    }
    if (s_may_apply(im)) {
        int64_t now = fc_clock_now_us();
        qsort(order, im->n_rows, sizeof *order, s_cmp_depth);
        for (size_t j = 0; j < im->n_rows && rc == FC_OK; j++) {
            size_t i = order[j].i;
            if (im->bad[i])
                continue;
            intake_outcome_t o = INTAKE_UNCHANGED;
            rc = intake_store_org_upsert(pg, im->rows[i]->org, &o, err);
            if (rc == FC_OK && o != INTAKE_UNCHANGED) {
                Fc__V1__OrgUpserted ev = FC__V1__ORG_UPSERTED__INIT;
                ev.unit = im->rows[i]->org;
                ev.at_us = now;
                rc = fc_service_publish(im->svc, INTAKE_EV_ORG_UPSERTED, &ev.base, now, err);
            }
            if (rc != FC_OK) {
                char prefix[32];
                snprintf(prefix, sizeof prefix, "line %d", (int)im->rows[i]->line);
                fc_err_prefix_field(err, prefix);
            }
            s_count(counts, o);
        }
    }
    free(order);
    free(keys);
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
    for (size_t i = 0; i < im->n_rows; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        const Fc__V1__Post *p = im->rows[i]->post;
        if (intake_rules_post(p, &e) != FC_OK) {
            s_row_bad(im, i, &e);
            continue;
        }
        const intake_org_ref_t *org = s_find_org(orgs, n_orgs, p->org_code);
        const intake_org_ref_t *old = s_find_org(posts, n_posts, p->post_code);
        if (!org)
            s_problem(im, im->rows[i]->line, "org_code", "组织“%s”不存在", p->org_code);
        else if (!intake_in_scope(im->scope, org->path))
            s_problem(im, im->rows[i]->line, "org_code", "组织“%s”不在您的管辖范围内", p->org_code);
        else if (old && !intake_in_scope(im->scope, old->path))
            s_problem(im, im->rows[i]->line, "post_code", "岗位“%s”属于“%s”，不在您的管辖范围内",
                      p->post_code, old->kind);
        else
            continue;
        im->bad[i] = 1;
    }
    s_key_t *keys = s_keys(im, s_post_key, "post_code");
    free(keys);
    if (!s_may_apply(im))
        return FC_OK;
    int64_t now = fc_clock_now_us();
    for (size_t i = 0; i < im->n_rows && rc == FC_OK; i++) {
        if (im->bad[i])
            continue;
        intake_outcome_t o = INTAKE_UNCHANGED;
        rc = intake_store_post_upsert(pg, im->rows[i]->post, &o, err);
        if (rc == FC_OK && o != INTAKE_UNCHANGED) {
            Fc__V1__PostUpserted ev = FC__V1__POST_UPSERTED__INIT;
            ev.post = im->rows[i]->post;
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
    size_t n_orgs = 0, n_refs = 0, n = im->n_rows;
    int rc = intake_store_org_all(pg, arena, &orgs, &n_orgs, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        fc_err_t e;
        fc_err_clear(&e);
        Fc__V1__Person *p = im->rows[i]->person;
        p->health_status = 0; /* never set by an import: the health-status command does */
        if (intake_rules_person(p, &e) != FC_OK)
            s_row_bad(im, i, &e);
    }
    s_key_t *keys = s_keys(im, s_person_key, "employee_no");
    /* what the database knows of everyone named: the file's people and their spouses */
    char **names = fc_xcalloc(2 * n + 1, sizeof *names);
    size_t nn = 0;
    for (size_t i = 0; i < n; i++) {
        names[nn++] = im->rows[i]->person->employee_no;
        if (im->rows[i]->person->spouse_employee_no[0])
            names[nn++] = im->rows[i]->person->spouse_employee_no;
    }
    rc = intake_store_people_refs(pg, names, nn, arena, &refs, &n_refs, err);
    free(names);
    /* named spouses outside the file, to find one named by two rows */
    s_key_t *outside = fc_xcalloc(n ? n : 1, sizeof *outside);
    size_t n_outside = 0;
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        const Fc__V1__Person *p = im->rows[i]->person;
        int line = im->rows[i]->line;
        if (im->bad[i])
            continue;
        const intake_org_ref_t *org = s_find_org(orgs, n_orgs, p->org_code);
        const intake_person_ref_t *me = s_find_ref(refs, n_refs, p->employee_no);
        if (!org) {
            s_problem(im, line, "org_code", "组织“%s”不存在", p->org_code);
            im->bad[i] = 1;
            continue;
        }
        if (!intake_in_scope(im->scope, org->path)) {
            s_problem(im, line, "org_code", "组织“%s”不在您的管辖范围内", p->org_code);
            im->bad[i] = 1;
            continue;
        }
        if (me && !intake_in_scope(im->scope, me->org_path)) {
            s_problem(im, line, "employee_no", "“%s”已在“%s”登记，不在您的管辖范围内",
                      p->employee_no, me->org_code);
            im->bad[i] = 1;
            continue;
        }
        const char *sp = p->spouse_employee_no;
        if (!*sp)
            continue;
        const s_key_t *sk = s_find(keys, n, sp);
        if (sk) {
            const Fc__V1__Person *q = im->rows[sk->i]->person;
            if (strcmp(q->spouse_employee_no, p->employee_no) != 0) {
                if (*q->spouse_employee_no)
                    s_problem(im, line, "spouse_employee_no",
                              "配偶“%s”在第 %d 行登记的配偶是“%s”，配偶关系须互相一致", sp,
                              im->rows[sk->i]->line, q->spouse_employee_no);
                else
                    s_problem(im, line, "spouse_employee_no",
                              "配偶“%s”在第 %d 行未登记配偶，配偶关系须互相一致", sp,
                              im->rows[sk->i]->line);
                im->bad[i] = 1;
            }
            continue;
        }
        const intake_person_ref_t *s = s_find_ref(refs, n_refs, sp);
        if (!s) {
            s_problem(im, line, "spouse_employee_no",
                      "配偶工号“%s”不存在（数据库和本文件中都没有）", sp);
            im->bad[i] = 1;
            continue;
        }
        if (*s->spouse && strcmp(s->spouse, p->employee_no) != 0) {
            /* married to Z: allowed only if Z is in this file and leaves */
            const s_key_t *zk = s_find(keys, n, s->spouse);
            if (!zk || strcmp(im->rows[zk->i]->person->spouse_employee_no, sp) == 0) {
                s_problem(im, line, "spouse_employee_no", "“%s”已登记配偶“%s”", sp, s->spouse);
                im->bad[i] = 1;
                continue;
            }
        }
        outside[n_outside].key = sp;
        outside[n_outside++].i = i;
    }
    qsort(outside, n_outside, sizeof *outside, s_cmp_key);
    for (size_t j = 1; j < n_outside; j++)
        if (strcmp(outside[j].key, outside[j - 1].key) == 0) {
            s_problem(im, im->rows[outside[j].i]->line, "spouse_employee_no",
                      "“%s”已被第 %d 行登记为配偶", outside[j].key,
                      im->rows[outside[j - 1].i]->line);
            im->bad[outside[j].i] = 1;
        }
    free(outside);
    /* a couple in the file goes in together or not at all */
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        const s_key_t *sk = im->rows[i]->person->spouse_employee_no[0]
                                ? s_find(keys, n, im->rows[i]->person->spouse_employee_no)
                                : NULL;
        if (!im->bad[i] && sk && im->bad[sk->i]) {
            s_problem(im, im->rows[i]->line, "spouse_employee_no", "配偶“%s”所在第 %d 行有错误",
                      im->rows[i]->person->spouse_employee_no, im->rows[sk->i]->line);
            im->bad[i] = 1;
        }
    }
    free(keys);
    if (rc != FC_OK || !s_may_apply(im))
        return rc;
    /* apply the good rows at once, then publish each changed person */
    Fc__V1__Person **good = fc_xcalloc(n ? n : 1, sizeof *good);
    intake_outcome_t *outcome = fc_xcalloc(n ? n : 1, sizeof *outcome);
    char **others = NULL, **changed = NULL;
    size_t n_good = 0, n_others = 0, n_changed = 0;
    for (size_t i = 0; i < n; i++)
        if (!im->bad[i])
            good[n_good++] = im->rows[i]->person;
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

typedef struct {
    Fc__V1__ImportProblem *p;
    size_t seq;
} s_sorted_problem_t;

static int s_cmp_problem(const void *a, const void *b)
{
    const s_sorted_problem_t *x = a, *y = b;
    if (x->p->line != y->p->line)
        return x->p->line < y->p->line ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Sorts problems by line (stable) and counts the distinct lines. */
static size_t s_sort_problems(s_import_t *im)
{
    s_sorted_problem_t *v = fc_xcalloc(im->n_problems + 1, sizeof *v);
    for (size_t i = 0; i < im->n_problems; i++) {
        v[i].p = im->problems[i];
        v[i].seq = i;
    }
    qsort(v, im->n_problems, sizeof *v, s_cmp_problem);
    size_t lines = 0;
    for (size_t i = 0; i < im->n_problems; i++) {
        im->problems[i] = v[i].p;
        lines += i == 0 || v[i].p->line != v[i - 1].p->line;
    }
    free(v);
    return lines;
}

int intake_import_commit(fc_service_t *svc, fc_call_t *call, fc_err_t *err)
{
    const Fc__V1__ImportCommitRequest *req = (const Fc__V1__ImportCommitRequest *)call->request;
    intake_import_t s;
    s_import_t im;
    memset(&im, 0, sizeof im);
    im.svc = svc;
    im.call = call;
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
    im.kind = s.kind;
    im.group_wide = intake_group_wide(call);
    rc = intake_store_import_chunks(fc_service_pg(svc), req->import_id, on_chunk, &im, &n_chunks,
                                    err);
    if (rc == FC_OK && n_chunks != req->chunks)
        rc = fc_err_set(err, FC_EINVAL, "chunks", "客户端发送了 %d 块，服务端只收到 %d 块",
                        (int)req->chunks, n_chunks);
    if (rc != FC_OK)
        goto out;
    /* client problems are for lines the client could not parse: not among the rows */
    size_t client_lines = 0;
    {
        int *lines = fc_xcalloc(im.n_problems + 1, sizeof *lines);
        for (size_t i = 0; i < im.n_problems; i++)
            lines[i] = im.problems[i]->line;
        qsort(lines, im.n_problems, sizeof *lines, s_cmp_int);
        for (size_t i = 0; i < im.n_problems; i++)
            client_lines += i == 0 || lines[i] != lines[i - 1];
        free(lines);
    }
    im.bad = fc_xcalloc(im.n_rows + 1, 1);
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
    size_t bad_lines = s_sort_problems(&im);
    const char *state = !apply_wanted ? "checked" : apply ? "applied" : "rejected";
    rc = intake_store_import_finish(fc_service_pg(svc), req->import_id, state, im.problems,
                                    im.n_problems, err);
    if (rc != FC_OK)
        goto out;
    Fc__V1__ImportCommitReply *reply = fc_arena_alloc(call->arena, sizeof *reply);
    fc__v1__import_commit_reply__init(reply);
    reply->applied = apply;
    reply->bad = (int)bad_lines;
    reply->rows = (int)(im.n_rows + client_lines);
    reply->inserted = counts.inserted;
    reply->updated = counts.updated;
    reply->unchanged = counts.unchanged;
    reply->linked = counts.linked;
    reply->total_problems = (int)im.n_problems;
    size_t page =
        im.n_problems < INTAKE_IMPORT_REPLY_PROBLEMS ? im.n_problems : INTAKE_IMPORT_REPLY_PROBLEMS;
    reply->problems = fc_arena_alloc(call->arena, (page ? page : 1) * sizeof *reply->problems);
    for (size_t i = 0; i < page; i++) {
        /* copy: the chunks holding client problems are freed before the reply is packed */
        Fc__V1__ImportProblem *p = fc_arena_alloc(call->arena, sizeof *p);
        fc__v1__import_problem__init(p);
        p->line = im.problems[i]->line;
        p->column = fc_arena_strdup(call->arena, im.problems[i]->column);
        p->reason = fc_arena_strdup(call->arena, im.problems[i]->reason);
        reply->problems[i] = p;
    }
    reply->n_problems = page;
    call->reply = &reply->base;
    fc_log_info("intake.import", "import_id", FC_LS(req->import_id), "kind", FC_LS(s.kind), "state",
                FC_LS(state), "rows", FC_LI(im.n_rows), "problems", FC_LI(im.n_problems),
                "inserted", FC_LI(counts.inserted), "updated", FC_LI(counts.updated), "ms",
                FC_LI(fc_clock_mono_ms() - t0), NULL);
out:
    s_import_fini(&im);
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
