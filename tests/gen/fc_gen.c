/* fc-gen: a synthetic enterprise group, deterministic from a seed. Writes the three CSV import
 * files intake takes (org.csv, posts.csv, people.csv; columns as in `fcctl import`) and an
 * event script (events.jsonl: one JSON object per line, in time order, with "at" in
 * Asia/Shanghai) of the weeks played: duty check-ins/outs on frontline posts (some people
 * overloaded), two health check-ins a day, incidents (injuries, illness, a few infections and
 * deaths), hardship cases, and the leadership team's weekly reports (some late, some missing).
 * Usage: fc-gen --out DIR [--seed N] [--subsidiaries N] [--people N] [--posts N] [--weeks N]
 *        [--start YYYY-MM-DD]  (start must be a Monday; default 2026-11-02) */
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fc_clock.h"
#include "fc_err.h"
#include "fc_mem.h"

/* xoshiro256**, seeded by splitmix64: the same seed gives the same group on every machine */
static uint64_t s_rng[4];

static uint64_t s_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t s_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t s_next(void)
{
    uint64_t r = s_rotl(s_rng[1] * 5, 7) * 9, t = s_rng[1] << 17;
    s_rng[2] ^= s_rng[0];
    s_rng[3] ^= s_rng[1];
    s_rng[1] ^= s_rng[2];
    s_rng[0] ^= s_rng[3];
    s_rng[2] ^= t;
    s_rng[3] = s_rotl(s_rng[3], 45);
    return r;
}

/* uniform in [0, n) */
static int s_below(int n)
{
    return (int)(s_next() % (uint64_t)n);
}

/* true with probability p per mille */
static int s_chance(int permille)
{
    return s_below(1000) < permille;
}

static const char *s_surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                   "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *s_given[] = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军",
                                "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞",
                                "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "红梅"};
static const char *s_sub_names[] = {"炼铁", "炼钢", "轧钢", "焦化", "能源", "物流", "矿业",
                                    "机械", "建设", "贸易", "信息", "检测"};
static const char *s_post_kinds[] = {"checkpoint",         "temperature_station", "fever_clinic",
                                     "disinfection",       "quarantine_service",  "production",
                                     "pioneer_post",       "commando_team",       "volunteer_team",
                                     "responsibility_zone"};
static const char *s_post_names[] = {"卡口值守", "测温点", "发热门诊", "消杀组", "隔离酒店服务",
                                     "生产保供", "党员先锋岗", "党员突击队", "志愿服务队",
                                     "党员责任区"};

typedef struct {
    char emp[16];
    char org[24];   /* branch */
    char sub[16];   /* subsidiary */
    int frontline;  /* has a post */
    int post;       /* index of its post */
    int shift;      /* 0 day, 1 night */
    int overload;   /* works long days */
    int spouse;     /* index or -1 */
    int leader;     /* leadership team of its subsidiary */
    int dead;
} s_person_t;

/* Event lines are collected and written sorted by time ("at" strings share one offset, so
 * they sort as text), ties kept in the order they were made. */
typedef struct {
    char *line;
    long seq;
} s_line_t;

static s_line_t *s_lines;
static long s_nlines, s_cap;

static void s_emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void s_emit(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (s_nlines == s_cap) {
        s_cap = s_cap ? s_cap * 2 : 4096;
        s_lines = fc_xrealloc(s_lines, (size_t)s_cap * sizeof *s_lines);
    }
    s_lines[s_nlines].line = fc_xvasprintf(fmt, ap);
    s_lines[s_nlines].seq = s_nlines;
    s_nlines++;
    va_end(ap);
}

static int s_by_time(const void *a, const void *b)
{
    const s_line_t *x = a, *y = b;
    /* every line starts {"at":"...": compare the time text */
    int c = strncmp(x->line + 7, y->line + 7, 25);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

typedef struct {
    char code[24];
    char org[24];
    int risk;
} s_post_t;

static FILE *s_open(const char *dir, const char *name)
{
    char *path = fc_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "fc-gen: could not write \"%s\"\n", path);
        exit(1);
    }
    free(path);
    return f;
}

static void s_at(char *buf, size_t n, int64_t day, int minute)
{
    int y, m, d;
    fc_civil_from_days(day, &y, &m, &d);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:00+08:00", y, m, d, minute / 60, minute % 60);
}

static void s_usage(void)
{
    fprintf(stderr, "usage: fc-gen --out DIR [--seed N] [--subsidiaries N] [--people N] "
                    "[--posts N] [--weeks N] [--start YYYY-MM-DD]\n");
}

int main(int argc, char **argv)
{
    const char *out = NULL, *start_s = "2026-11-02";
    uint64_t seed = 42;
    int nsubs = 3, npeople = 3000, nposts = 60, weeks = 4;
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},    {"seed", required_argument, NULL, 's'},
        {"subsidiaries", required_argument, NULL, 'S'}, {"people", required_argument, NULL, 'p'},
        {"posts", required_argument, NULL, 'P'},  {"weeks", required_argument, NULL, 'w'},
        {"start", required_argument, NULL, 'd'},  {0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:s:S:p:P:w:d:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'S': nsubs = atoi(optarg); break;
        case 'p': npeople = atoi(optarg); break;
        case 'P': nposts = atoi(optarg); break;
        case 'w': weeks = atoi(optarg); break;
        case 'd': start_s = optarg; break;
        default: s_usage(); return 2;
        }
    }
    int64_t start_us;
    fc_err_t err;
    if (!out || nsubs < 1 || nsubs > 50 || npeople < 10 || npeople > 1000000 || nposts < 1 ||
        weeks < 1 || weeks > 52 || fc_time_parse(start_s, &start_us, &err) != FC_OK) {
        s_usage();
        return 2;
    }
    int64_t day0 = fc_time_local_day(start_us);
    int iy, iw;
    fc_iso_week(day0, &iy, &iw);
    if ((day0 + 3) % 7 != 0) { /* ISO weekday of day d is (d + 3) % 7 + 1 */
        fprintf(stderr, "fc-gen: --start %s is not a Monday\n", start_s);
        return 2;
    }
    mkdir(out, 0755);
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        s_rng[i] = s_splitmix(&x);

    /* ---- organisation: group → subsidiary → committee → 2 general branches → 3 branches */
    FILE *f = s_open(out, "org.csv");
    fprintf(f, "org_code,parent_code,name,kind,liaison_unit\n");
    fprintf(f, "G,,某钢铁集团有限公司,group,0\n");
    int nbranches = nsubs * 6;
    char(*branches)[24] = fc_xcalloc((size_t)nbranches, sizeof *branches);
    for (int s = 0; s < nsubs; s++) {
        const char *sn = s_sub_names[s % 12];
        fprintf(f, "S%02d,G,%s%s子公司,subsidiary,%d\n", s + 1, sn, s >= 12 ? "二" : "",
                s % 4 == 0);
        fprintf(f, "S%02dC,S%02d,%s子公司党委,committee,0\n", s + 1, s + 1, sn);
        for (int g = 0; g < 2; g++) {
            fprintf(f, "S%02dG%d,S%02dC,%s第%d党总支,general_branch,0\n", s + 1, g + 1, s + 1, sn,
                    g + 1);
            for (int b = 0; b < 3; b++) {
                int k = s * 6 + g * 3 + b;
                snprintf(branches[k], sizeof branches[k], "S%02dG%dB%d", s + 1, g + 1, b + 1);
                fprintf(f, "%s,S%02dG%d,%s第%d党支部,branch,0\n", branches[k], s + 1, g + 1, sn,
                        g * 3 + b + 1);
            }
        }
    }
    fclose(f);

    /* ---- posts: spread over branches; a day and a night shift */
    s_post_t *posts = fc_xcalloc((size_t)nposts, sizeof *posts);
    f = s_open(out, "posts.csv");
    fprintf(f, "post_code,org_code,name,kind,risk_class,shifts\n");
    for (int p = 0; p < nposts; p++) {
        int kind = s_below(10);
        posts[p].risk = kind == 2 || kind == 4 ? 1 : 2; /* fever clinic, quarantine: class I */
        snprintf(posts[p].code, sizeof posts[p].code, "P%04d", p + 1);
        snprintf(posts[p].org, sizeof posts[p].org, "%s", branches[p % nbranches]);
        fprintf(f, "%s,%s,%s%d,%s,%d,08:00-20:00*2;20:00-08:00*1\n", posts[p].code, posts[p].org,
                s_post_names[kind], p + 1, s_post_kinds[kind], posts[p].risk);
    }
    fclose(f);

    /* ---- people: a third on the front line; couples; leadership teams; care needs */
    s_person_t *people = fc_xcalloc((size_t)npeople, sizeof *people);
    f = s_open(out, "people.csv");
    fprintf(f, "employee_no,name,phone,org_code,party_status,cadre_level,leadership_team,"
               "young_cadre,reserve_pool,medical_staff,aid_team,spouse_employee_no,"
               "cares_for_elderly,cares_for_children,fit_for_frontline\n");
    static const char *party[] = {"member", "member", "member", "probationary",
                                  "development_target", "activist", "applicant", "none",
                                  "none", "none"};
    for (int i = 0; i < npeople; i++) {
        s_person_t *p = &people[i];
        snprintf(p->emp, sizeof p->emp, "E%06d", i + 1);
        int b = s_below(nbranches);
        snprintf(p->org, sizeof p->org, "%s", branches[b]);
        snprintf(p->sub, sizeof p->sub, "%.3s", branches[b]);
        p->spouse = -1;
        p->leader = i < nsubs * 5 ? 1 : 0; /* five leaders per subsidiary, first ones */
        if (p->leader)
            snprintf(p->org, sizeof p->org, "S%02d", i % nsubs + 1),
                snprintf(p->sub, sizeof p->sub, "S%02d", i % nsubs + 1);
        p->frontline = !p->leader && i % 3 == 0;
        p->post = s_below(nposts);
        p->shift = s_below(3) == 0;
        p->overload = p->frontline && s_chance(40);
    }
    /* couples: neighbours in the list, about 4 % of people */
    for (int i = nsubs * 5; i + 1 < npeople; i += 2)
        if (s_chance(40)) {
            people[i].spouse = i + 1;
            people[i + 1].spouse = i;
        }
    for (int i = 0; i < npeople; i++) {
        s_person_t *p = &people[i];
        int young = s_chance(150), medical = s_chance(30);
        fprintf(f, "%s,%s%s,1%02d%08d,%s,%s,%s,%d,%d,%d,%d,%d,%s,%d,%d,%d\n", p->emp,
                s_surnames[s_below(20)], s_given[s_below(28)], 30 + s_below(60), i, p->org,
                party[s_below(10)], p->leader ? "division" : s_chance(100) ? "section" : "none",
                p->leader, young, young && s_chance(300), medical, medical && s_chance(400),
                p->spouse >= 0 ? people[p->spouse].emp : "", s_chance(200), s_chance(300),
                !s_chance(20));
    }
    fclose(f);

    /* ---- the weeks, day by day, in time order per day */
    char at[40];
    /* one day past the last week: its Monday is when the last week's reports are due */
    for (int64_t d = day0; d <= day0 + weeks * 7; d++) {
        int last = d == day0 + weeks * 7;
        /* morning and afternoon health check-ins */
        for (int half = 0; half < 2 && !last; half++)
            for (int i = 0; i < npeople; i++) {
                if (people[i].dead)
                    continue;
                s_at(at, sizeof at, d, half ? 14 * 60 + s_below(60) : 7 * 60 + s_below(90));
                int temp = 361 + s_below(9);
                if (s_chance(3))
                    temp = 373 + s_below(15); /* a fever now and then */
                s_emit("{\"at\":\"%s\",\"type\":\"checkin\",\"employee_no\":\"%s\","
                           "\"temperature_dc\":%d}\n",
                        at, people[i].emp, temp);
            }
        /* duty: frontline people work most days; the overloaded work long days in a row */
        for (int i = 0; i < npeople; i++) {
            s_person_t *p = &people[i];
            if (!p->frontline || p->dead || last)
                continue;
            int dow = (int)((d + 3) % 7); /* 0 Monday */
            if (!p->overload && (dow == (i % 7) || dow == (i + 3) % 7))
                continue; /* two days off a week */
            int begin = p->shift ? 20 * 60 : 8 * 60;
            int hours = p->overload ? 13 + s_below(3) : 8 + s_below(4);
            s_at(at, sizeof at, d, begin);
            s_emit("{\"at\":\"%s\",\"type\":\"duty_in\",\"employee_no\":\"%s\","
                       "\"post_code\":\"%s\"}\n",
                    at, p->emp, posts[p->post].code);
            int end = begin + hours * 60;
            s_at(at, sizeof at, d + end / 1440, end % 1440);
            s_emit("{\"at\":\"%s\",\"type\":\"duty_out\",\"employee_no\":\"%s\","
                       "\"post_code\":\"%s\"}\n",
                    at, p->emp, posts[p->post].code);
        }
        /* incidents: a few a week; on rare days a death or an infection */
        static const char *kinds[] = {"injured", "fell_ill", "quarantined", "infected", "died"};
        static const char *what[] = {"值守时摔伤", "连续值班后发热病倒", "密切接触后集中隔离",
                                     "在发热门诊工作中感染", "连续奋战后突发疾病殉职"};
        int nincidents = last ? 0 : s_below(3) + (npeople / 1000);
        for (int k = 0; k < nincidents; k++) {
            int i = nsubs * 5 + s_below(npeople - nsubs * 5);
            if (people[i].dead)
                continue;
            int r = s_below(100);
            int kind = r < 50 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 95 ? 3 : 4;
            if (kind == 4)
                people[i].dead = 1;
            s_at(at, sizeof at, d, 10 * 60 + s_below(600));
            s_emit("{\"at\":\"%s\",\"type\":\"incident\",\"employee_no\":\"%s\","
                       "\"kind\":\"%s\",\"description\":\"%s\",\"on_duty\":%s}\n",
                    at, people[i].emp, kinds[kind], what[kind],
                    people[i].frontline ? "true" : "false");
        }
        /* hardship cases: a trickle, with a liaison from the same subsidiary's leaders */
        if (!last && s_chance(300)) {
            static const char *cat[] = {"elderly_care", "child_care", "illness", "income",
                                        "housing"};
            static const char *desc[] = {"家中老人无人照料", "子女在家无人看护", "家属患病住院",
                                         "配偶失业收入骤减", "住房受损"};
            int i = nsubs * 5 + s_below(npeople - nsubs * 5), k = s_below(5);
            s_at(at, sizeof at, d, 9 * 60 + s_below(480));
            s_emit("{\"at\":\"%s\",\"type\":\"hardship\",\"employee_no\":\"%s\","
                       "\"category\":\"%s\",\"description\":\"%s\",\"liaison\":\"%s\","
                       "\"requested_fen\":%d}\n",
                    at, people[i].emp, cat[k], desc[k], people[i % nsubs].emp,
                    (1 + s_below(10)) * 50000);
        }
        /* weekly reports: due Monday 12:00 for the week before; most on time */
        if ((d + 3) % 7 == 0 && d > day0) {
            int y, w;
            fc_iso_week(d - 7, &y, &w);
            for (int i = 0; i < nsubs * 5; i++) {
                int r = s_below(100);
                if (r < 8)
                    continue; /* missing */
                int minute = r < 20 ? 14 * 60 + s_below(300) : 8 * 60 + s_below(200);
                s_at(at, sizeof at, d, minute);
                s_emit("{\"at\":\"%s\",\"type\":\"weekly_report\",\"employee_no\":\"%s\","
                           "\"org_code\":\"%s\",\"iso_week\":\"%04d-W%02d\",\"no_outbreak\":%s,"
                           "\"production_stable\":%s}\n",
                        at, people[i].emp, people[i].sub, y, w,
                        s_chance(950) ? "true" : "false", s_chance(900) ? "true" : "false");
            }
        }
    }
    f = s_open(out, "events.jsonl");
    qsort(s_lines, (size_t)s_nlines, sizeof *s_lines, s_by_time);
    for (long i = 0; i < s_nlines; i++) {
        fputs(s_lines[i].line, f);
        free(s_lines[i].line);
    }
    free(s_lines);
    fclose(f);
    fprintf(stderr, "fc-gen: seed %llu: %d subsidiaries, %d branches, %d posts, %d people, "
                    "%d weeks from %s (ISO %04d-W%02d), %ld events, into %s/\n",
            (unsigned long long)seed, nsubs, nbranches, nposts, npeople, weeks, start_s, iy, iw,
            s_nlines, out);
    free(branches);
    free(posts);
    free(people);
    return 0;
}
