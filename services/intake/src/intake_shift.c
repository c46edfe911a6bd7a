/* intake_shift: "08:00-20:00*2;20:00-08:00*2" <-> repeated Shift. */
#include "intake_shift.h"
#include "intake_csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "HH:MM" at *p (exactly two digits each); advances *p. -1 if malformed or out of range. */
static int s_hhmm(const char **p)
{
    const char *s = *p;
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 23 || m > 59)
        return -1;
    *p = s + 5;
    return h * 60 + m;
}

static const char *s_skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

int intake_shift_parse(const char *spec, fc_arena_t *arena, Fc__V1__Shift ***out, size_t *n_out,
                       fc_err_t *err)
{
    *out = NULL;
    *n_out = 0;
    if (!spec || !*s_skip_space(spec))
        return fc_err_set(err, FC_EINVAL, "shifts",
                          "不能为空（格式 HH:MM-HH:MM*人数，多个用 ; 分隔）");
    size_t cap = 1;
    for (const char *q = spec; *q; q++)
        cap += *q == ';';
    if (cap > INTAKE_SHIFT_MAX)
        return fc_err_set(err, FC_EINVAL, "shifts", "班次 %zu 个，超过上限 %d 个", cap,
                          INTAKE_SHIFT_MAX);
    Fc__V1__Shift **v = fc_arena_alloc(arena, cap * sizeof *v);
    size_t n = 0;
    const char *p = spec;
    for (;;) {
        const char *part = p = s_skip_space(p);
        size_t partlen = strcspn(part, ";");
        int start = s_hhmm(&p), end = -1;
        long head = -1;
        if (start >= 0 && *p == '-') {
            p++;
            end = s_hhmm(&p);
        }
        if (end >= 0 && *p == '*' && isdigit((unsigned char)p[1])) {
            char *e = NULL;
            const char *digits = p + 1;
            head = strtol(digits, &e, 10);
            if (e - digits > 6)
                head = -1;
            p = s_skip_space(e);
        }
        if (start < 0 || end < 0 || head < 0 || (*p && *p != ';'))
            return fc_err_set(
                err, FC_EINVAL, "shifts",
                "第 %zu 个班次“%.*s”格式错误，应为 HH:MM-HH:MM*人数（如 20:00-08:00*2）", n + 1,
                intake_csv_show_len(part, partlen > 40 ? 40 : partlen), part);
        Fc__V1__Shift *s = fc_arena_alloc(arena, sizeof *s);
        fc__v1__shift__init(s);
        s->start_min = start;
        s->end_min = end;
        s->headcount = head > 1000000 ? 1000000 : (int)head;
        v[n++] = s;
        if (!*p)
            break;
        p++; /* ';' */
        if (!*s_skip_space(p))
            break; /* a trailing ";" is tolerated */
    }
    *out = v;
    *n_out = n;
    return FC_OK;
}

char *intake_shift_format(Fc__V1__Shift *const *shifts, size_t n)
{
    fc_buf_t b;
    fc_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        fc_buf_printf(&b, "%s%02d:%02d-%02d:%02d*%d", i ? ";" : "", shifts[i]->start_min / 60,
                      shifts[i]->start_min % 60, shifts[i]->end_min / 60, shifts[i]->end_min % 60,
                      shifts[i]->headcount);
    if (!b.data)
        fc_buf_puts(&b, "");
    return b.data;
}

int intake_shift_minutes(const Fc__V1__Shift *s)
{
    int d = s->end_min - s->start_min;
    return d > 0 ? d : d + 1440;
}
