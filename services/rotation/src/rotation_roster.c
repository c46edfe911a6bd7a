/* rotation_roster: roster storage and its JSON file. */
#include "rotation_roster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

rotation_roster_t *rotation_roster_new(void)
{
    return fc_xcalloc(1, sizeof(rotation_roster_t));
}

void rotation_roster_destroy(rotation_roster_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free((*self_p)->a);
    free((*self_p)->u);
    free((*self_p)->leave);
    free(*self_p);
    *self_p = NULL;
}

void rotation_roster_add(rotation_roster_t *self, int person, int day, int shift)
{
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 256;
        self->a = fc_xrealloc(self->a, self->cap * sizeof *self->a);
    }
    self->a[self->n++] = (rr_assign_t){person, day, shift};
}

void rotation_roster_add_uncovered(rotation_roster_t *self, const rr_uncovered_t *u)
{
    if (self->nu == self->capu) {
        self->capu = self->capu ? self->capu * 2 : 16;
        self->u = fc_xrealloc(self->u, self->capu * sizeof *self->u);
    }
    self->u[self->nu++] = *u;
}

void rotation_roster_add_leave(rotation_roster_t *self, int person, int day)
{
    if (self->nleave == self->capleave) {
        self->capleave = self->capleave ? self->capleave * 2 : 64;
        self->leave = fc_xrealloc(self->leave, self->capleave * sizeof *self->leave);
    }
    self->leave[self->nleave++] = (rr_leave_t){person, day};
}

const char *rotation_roster_reason_name(int reason)
{
    return reason == RR_NO_CANDIDATE    ? "no_candidate"
           : reason == RR_SOFT_TRADEOFF ? "soft_tradeoff"
                                        : rp_rule_name(reason);
}

static int s_cmp_assign(const void *a, const void *b)
{
    const rr_assign_t *x = a, *y = b;
    if (x->person != y->person)
        return (x->person > y->person) - (x->person < y->person);
    if (x->day != y->day)
        return (x->day > y->day) - (x->day < y->day);
    return (x->shift > y->shift) - (x->shift < y->shift);
}

void rotation_roster_sort(rotation_roster_t *self)
{
    if (self->n > 1)
        qsort(self->a, self->n, sizeof *self->a, s_cmp_assign);
}

static void s_json_str(FILE *f, const char *s)
{
    fc_buf_t b;
    fc_buf_init(&b);
    fc_buf_json_str(&b, s);
    fwrite(b.data, 1, b.len, f);
    fc_buf_fini(&b);
}

int rotation_roster_write(const rotation_roster_t *self, const rp_problem_t *pb, const char *path,
                          fc_err_t *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!f)
        return fc_err_set(err, FC_EINVAL, "out", "无法写入排班文件“%s”", path);
    char date[16];
    rp_problem_date(pb, 0, date, sizeof date);
    fprintf(f, "{\"format\": \"%s\",\n \"horizon\": {\"start\": \"%s\", \"days\": %d},\n",
            RR_FORMAT, date, pb->days);
    fprintf(f, " \"penalty\": {\"total\": %lld, \"by_rule\": {", (long long)self->penalty);
    int first = 1;
    for (int r = RP_NHARD; r < RP_NRULES; r++) {
        fprintf(f, "%s\"%s\": %lld", first ? "" : ", ", rp_rule_name(r),
                (long long)self->by_rule[r]);
        first = 0;
    }
    fprintf(f,
            "}},\n \"stats\": {\"construct_ms\": %lld, \"search_ms\": %lld, "
            "\"iterations\": %lld, \"assignments\": %zu, \"uncovered\": %zu},\n",
            (long long)self->construct_ms, (long long)self->search_ms, (long long)self->iterations,
            self->n, self->nu);
    fprintf(f, " \"assignments\": [");
    for (size_t i = 0; i < self->n; i++) {
        const rr_assign_t *a = &self->a[i];
        rp_problem_date(pb, a->day, date, sizeof date);
        fprintf(f, "%s\n  {\"person\": ", i ? "," : "");
        s_json_str(f, pb->people[a->person].id);
        fprintf(f, ", \"day\": %d, \"date\": \"%s\", \"shift\": ", a->day, date);
        s_json_str(f, pb->shifts[a->shift].id);
        fputc('}', f);
    }
    fprintf(f, "\n ],\n \"uncovered\": [");
    for (size_t i = 0; i < self->nu; i++) {
        const rr_uncovered_t *u = &self->u[i];
        rp_problem_date(pb, u->day, date, sizeof date);
        fprintf(f, "%s\n  {\"day\": %d, \"date\": \"%s\", \"shift\": ", i ? "," : "", u->day, date);
        s_json_str(f, pb->shifts[u->shift].id);
        fprintf(f, ", \"missing\": %d, \"reason\": \"%s\", \"candidates\": %d, \"blocked\": {",
                u->missing, rotation_roster_reason_name(u->reason), u->candidates);
        int k = 0;
        for (int r = 0; r < RP_NHARD; r++)
            if (u->blocked[r])
                fprintf(f, "%s\"%s\": %d", k++ ? ", " : "", rp_rule_name(r), u->blocked[r]);
        fprintf(f, "}}");
    }
    fprintf(f, "\n ],\n \"comp_leave\": [");
    for (size_t i = 0; i < self->nleave; i++) {
        rp_problem_date(pb, self->leave[i].day, date, sizeof date);
        fprintf(f, "%s\n  {\"person\": ", i ? "," : "");
        s_json_str(f, pb->people[self->leave[i].person].id);
        fprintf(f, ", \"day\": %d, \"date\": \"%s\"}", self->leave[i].day, date);
    }
    fprintf(f, "\n ]\n}\n");
    int bad = ferror(f);
    if (f != stdout)
        bad |= fclose(f) != 0;
    else
        fflush(f);
    return bad ? fc_err_set(err, FC_ERR, "out", "写入排班文件“%s”失败", path) : FC_OK;
}

/* Resolves an entry's day: "day" (index) and/or "date" (YYYY-MM-DD); -1 if neither fits. */
static int s_entry_day(const json_t *e, const rp_problem_t *pb)
{
    const json_t *d = json_object_get(e, "day"), *date = json_object_get(e, "date");
    int day = -1;
    if (json_is_integer(d) && json_integer_value(d) >= 0 && json_integer_value(d) < pb->days)
        day = (int)json_integer_value(d);
    else if (d)
        return -1;
    if (json_is_string(date)) {
        int dd;
        fc_err_t e2;
        if (rp_problem_day_of(pb, json_string_value(date), &dd, &e2) != FC_OK)
            return -1;
        if (day >= 0 && dd != day)
            return -1;
        day = dd;
    }
    return day;
}

static void s_bad_ref(rotation_roster_t *r, const char *what, size_t i)
{
    if (!r->bad_refs++)
        snprintf(r->bad_ref_example, sizeof r->bad_ref_example, "%s[%zu]", what, i);
}

rotation_roster_t *rotation_roster_from_json(const json_t *doc, const rp_problem_t *pb,
                                             fc_err_t *err)
{
    const json_t *as = json_object_get(doc, "assignments");
    if (!json_is_object(doc) || !json_is_array(as)) {
        fc_err_set(err, FC_EINVAL, "assignments", "排班文件须为含“assignments”数组的 JSON 对象");
        return NULL;
    }
    rotation_roster_t *r = rotation_roster_new();
    size_t i;
    const json_t *e;
    json_array_foreach(as, i, e)
    {
        const json_t *p = json_object_get(e, "person"), *s = json_object_get(e, "shift");
        int person = json_is_string(p) ? rp_problem_person_index(pb, json_string_value(p)) : -1;
        int shift = json_is_string(s) ? rp_problem_shift_index(pb, json_string_value(s)) : -1;
        int day = json_is_object(e) ? s_entry_day(e, pb) : -1;
        if (person < 0 || shift < 0 || day < 0)
            s_bad_ref(r, "assignments", i);
        rotation_roster_add(r, person, day, shift);
    }
    const json_t *us = json_object_get(doc, "uncovered");
    json_array_foreach(us, i, e)
    {
        const json_t *s = json_object_get(e, "shift"), *m = json_object_get(e, "missing");
        rr_uncovered_t u;
        memset(&u, 0, sizeof u);
        u.shift = json_is_string(s) ? rp_problem_shift_index(pb, json_string_value(s)) : -1;
        u.day = s_entry_day(e, pb);
        u.missing = json_is_integer(m) ? (int)json_integer_value(m) : 0;
        u.reason = -1;
        const json_t *reason = json_object_get(e, "reason");
        for (int k = -2; json_is_string(reason) && k < RP_NHARD; k++)
            if (strcmp(json_string_value(reason), rotation_roster_reason_name(k)) == 0)
                u.reason = k;
        if (u.shift < 0 || u.day < 0) {
            s_bad_ref(r, "uncovered", i);
            continue;
        }
        rotation_roster_add_uncovered(r, &u);
    }
    const json_t *pen = json_object_get(doc, "penalty");
    if (json_is_integer(json_object_get(pen, "total")))
        r->penalty = json_integer_value(json_object_get(pen, "total"));
    const json_t *lv = json_object_get(doc, "comp_leave");
    json_array_foreach(lv, i, e)
    {
        const json_t *p = json_object_get(e, "person");
        int person = json_is_string(p) ? rp_problem_person_index(pb, json_string_value(p)) : -1;
        int day = s_entry_day(e, pb);
        if (person >= 0 && day >= 0)
            rotation_roster_add_leave(r, person, day);
    }
    return r;
}

rotation_roster_t *rotation_roster_load(const char *path, const rp_problem_t *pb, fc_err_t *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    if (!doc) {
        fc_err_set(err, FC_EINVAL, "roster", "无法读取排班文件“%s”：第 %d 行第 %d 列：%s", path,
                   jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    rotation_roster_t *r = rotation_roster_from_json(doc, pb, err);
    json_decref(doc);
    return r;
}
