/* fc-gen: a synthetic enterprise group, deterministic from a seed. Writes the three CSV import
 * files intake takes (org.csv, posts.csv, people.csv; columns as in `fcctl import`) and an
 * event script (events.jsonl: one JSON object per line, in time order, with "at" in
 * Asia/Shanghai) of the weeks played, which `fcctl play` sends through the services: the
 * branch secretaries set up first, each subsidiary's roster planned a week ahead, duty
 * check-ins/outs on frontline posts (some people overloaded), health check-ins (daily; the
 * front line twice), incidents (injuries, illness, quarantines, a few infections and deaths,
 * with the people off duty until they recover), the secretaries' visits recorded on them (most
 * in time, some late, a few never), hardship cases, and the leadership team's weekly reports
 * (some late, some missing).
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
    int overload;   /* works long days, six in a row, then rests two (the forced rest) */
    int spouse;     /* index or -1 */
    int leader;     /* leadership team of its subsidiary */
    int fit;        /* fit for frontline work (everyone with a post is) */
    int dead;
    int64_t off_until;  /* first day back after an incident (0: not off) */
    int recover;        /* health status to restore on that day: quarantine or infection */
    int inc_minute;     /* today's incident: its minute of the day, or -1 */
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

/* Whether frontline person i works on day d (dow 0 = Monday): two days off a week; the
 * overloaded work 11-hour days six in a row (past the 60 hours in 7 days of the rotation
 * policy), then keep the 48-hour forced rest rotation orders. */
static int s_works(const s_person_t *p, int i, int64_t d, int dow)
{
    if (p->overload)
        return (d + i) % 8 < 6;
    return dow != i % 7 && dow != (i + 3) % 7;
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
        fprintf(f, "%s,%s,%s%d,%s,%d,07:00-15:00*2;15:00-23:00*1;23:00-07:00*1\n", posts[p].code, posts[p].org,
                s_post_names[kind], p + 1, s_post_kinds[kind], posts[p].risk);
    }
    fclose(f);

    /* ---- people: a third on the front line; couples; leadership teams; care needs */
    s_person_t *people = fc_xcalloc((size_t)npeople, sizeof *people);
    char at[40];
    int nrefs = 0, liaisons = 0;
    char *used_liaison = fc_xcalloc((size_t)nsubs * 5, 1);
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
        /* a post of the person's own subsidiary where there is one */
        p->post = s_below(nposts);
        for (int t = 0; t < 64 && strncmp(posts[p->post].org, p->sub, 3) != 0; t++)
            p->post = s_below(nposts);
        p->overload = p->frontline && s_chance(40);
        p->shift = !p->overload && s_below(3) == 0; /* the overloaded work long day shifts */
        p->fit = p->frontline || !s_chance(20);
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
                p->fit);
    }
    fclose(f);

    /* ---- the set-up an organisation department does first: a secretary per branch (the
     * first ordinary member found there) who receives the branch's reminders */
    s_at(at, sizeof at, day0, 0);
    for (int b = 0; b < nbranches; b++)
        for (int i = nsubs * 5; i < npeople; i++)
            if (strcmp(people[i].org, branches[b]) == 0) {
                s_emit("{\"at\":\"%s\",\"type\":\"secretary\",\"org_code\":\"%s\","
                       "\"employee_no\":\"%s\"}\n",
                       at, branches[b], people[i].emp);
                break;
            }

    /* ---- the weeks, day by day, in time order per day */
    /* one day past the last week: its Monday is when the last week's reports are due */
    for (int64_t d = day0; d <= day0 + weeks * 7; d++) {
        int last = d == day0 + weeks * 7;
        int dow = (int)((d + 3) % 7); /* 0 Monday */
        /* rosters: each subsidiary plans its coming week (the first on the first morning,
         * then on Sunday evenings) */
        if (!last && (d == day0 || (dow == 6 && d + 1 < day0 + weeks * 7)))
            for (int s = 0; s < nsubs; s++) {
                int y, m, dd;
                fc_civil_from_days(d == day0 ? d : d + 1, &y, &m, &dd);
                s_at(at, sizeof at, d, d == day0 ? 1 : 18 * 60);
                s_emit("{\"at\":\"%s\",\"type\":\"roster_plan\",\"org_code\":\"S%02d\","
                       "\"from_date\":\"%04d-%02d-%02d\",\"days\":7,\"time_limit_s\":1}\n",
                       at, s + 1, y, m, dd);
            }
        /* back from an incident: quarantine over, infection cured */
        for (int i = 0; i < npeople; i++) {
            s_person_t *p = &people[i];
            p->inc_minute = -1;
            if (p->off_until == d && p->recover && !p->dead && !last) {
                s_at(at, sizeof at, d, 6 * 60);
                s_emit("{\"at\":\"%s\",\"type\":\"health_status\",\"employee_no\":\"%s\","
                       "\"to\":\"HEALTH_STATUS_RECOVERED\",\"reason\":\"%s\"}\n",
                       at, p->emp, p->recover == 3 ? "治愈出院" : "隔离期满解除隔离");
                p->recover = 0;
            }
        }
        /* incidents: a few a week; on rare days a death or an infection. Drawn first: the
         * day's duty and check-ins follow from them. */
        static const char *kinds[] = {"injured", "fell_ill", "quarantined", "infected", "died"};
        static const char *what[] = {"值守时摔伤", "连续值班后发热病倒", "密切接触后集中隔离",
                                     "在发热门诊工作中感染", "连续奋战后突发疾病殉职"};
        static const int off_days[] = {3, 5, 14, 21, 0};
        int nincidents = last ? 0 : s_below(3) + (npeople / 1000);
        for (int k = 0; k < nincidents; k++) {
            int i = nsubs * 5 + s_below(npeople - nsubs * 5);
            s_person_t *p = &people[i];
            if (p->dead || p->off_until > d || p->inc_minute >= 0)
                continue;
            int r = s_below(100);
            int kind = r < 50 ? 0 : r < 70 ? 1 : r < 85 ? 2 : r < 95 ? 3 : 4;
            p->inc_minute = 10 * 60 + s_below(600);
            p->off_until = d + 1 + off_days[kind];
            p->recover = kind == 2 || kind == 3 ? kind + 1 : 0;
            p->dead = kind == 4;
            int on_duty = p->frontline && !p->shift && s_works(p, i, d, dow);
            s_at(at, sizeof at, d, p->inc_minute);
            if (on_duty) /* leaves the post: checked out at that minute */
                s_emit("{\"at\":\"%s\",\"type\":\"duty_out\",\"employee_no\":\"%s\"}\n", at,
                       p->emp);
            int ref = ++nrefs;
            s_emit("{\"at\":\"%s\",\"type\":\"incident\",\"ref\":\"I%d\",\"employee_no\":\"%s\","
                       "\"kind\":\"%s\",\"description\":\"%s\",\"on_duty\":%s}\n",
                    at, ref, p->emp, kinds[kind], what[kind], on_duty ? "true" : "false");
            /* the branch secretary visits: most within hours, some late, a few never */
            int v = s_below(100);
            if (kind != 2 && v < 92) { /* a quarantine calls for no visit (notify policy) */
                int after = v < 80 ? 60 + s_below(16 * 60) : 25 * 60 + s_below(20 * 60);
                int m = p->inc_minute + after;
                s_at(at, sizeof at, d + m / 1440, m % 1440);
                if (d + m / 1440 < day0 + weeks * 7)
                    s_emit("{\"at\":\"%s\",\"type\":\"task_done\",\"kind\":\"incident_visit\","
                           "\"subject\":\"incident:${I%d}\",\"note\":\"已上门看望慰问\"}\n",
                           at, ref);
            }
        }
        /* health check-ins: everyone in the morning, the front line again in the afternoon
         * (not after dying that day) */
        for (int half = 0; half < 2 && !last; half++)
            for (int i = 0; i < npeople; i++) {
                s_person_t *p = &people[i];
                if (half && !p->frontline)
                    continue;
                int minute = half ? 14 * 60 + s_below(60) : 7 * 60 + s_below(90);
                if (p->dead && !(p->inc_minute > minute))
                    continue;
                s_at(at, sizeof at, d, minute);
                int temp = 361 + s_below(9);
                if (s_chance(3))
                    temp = 373 + s_below(15); /* a fever now and then */
                s_emit("{\"at\":\"%s\",\"type\":\"checkin\",\"employee_no\":\"%s\","
                           "\"temperature_dc\":%d}\n",
                        at, p->emp, temp);
            }
        /* duty: frontline people work most days; the overloaded work long days in a row */
        for (int i = 0; i < npeople; i++) {
            s_person_t *p = &people[i];
            if (!p->frontline || last || (p->dead && p->inc_minute < 0) ||
                (p->off_until > d && p->inc_minute < 0))
                continue;
            if (!s_works(p, i, d, dow))
                continue;
            int begin = p->shift ? 15 * 60 : 7 * 60; /* both end before midnight */
            if (p->inc_minute >= 0 && (p->shift || p->inc_minute < begin))
                continue; /* the incident came before the shift */
            /* 8-9 hours stay under every warning (80 % of 12 a day, of 60 in 7 days) */
            int minutes = (p->overload ? 11 * 60 : 8 * 60) + s_below(p->overload ? 30 : 60);
            s_at(at, sizeof at, d, begin);
            s_emit("{\"at\":\"%s\",\"type\":\"duty_in\",\"employee_no\":\"%s\","
                       "\"post_code\":\"%s\"}\n",
                    at, p->emp, posts[p->post].code);
            if (p->inc_minute >= 0)
                continue; /* checked out at the incident */
            int end = begin + minutes;
            s_at(at, sizeof at, d + end / 1440, end % 1440);
            s_emit("{\"at\":\"%s\",\"type\":\"duty_out\",\"employee_no\":\"%s\"}\n",
                    at, p->emp);
        }
        /* hardship cases: a trickle, with a liaison from the same subsidiary's leaders */
        if (!last && s_chance(300) && liaisons < nsubs * 5) {
            static const char *cat[] = {"elderly_care", "child_care", "illness", "income",
                                        "housing"};
            static const char *desc[] = {"家中老人无人照料", "子女在家无人看护", "家属患病住院",
                                         "配偶失业收入骤减", "住房受损"};
            int i = nsubs * 5 + s_below(npeople - nsubs * 5), k = s_below(5);
            /* a leader of the person's own subsidiary, each liaison for one open case */
            int sub = atoi(people[i].sub + 1) - 1, j = sub;
            while (j < nsubs * 5 && used_liaison[j])
                j += nsubs;
            if (j < nsubs * 5) {
                used_liaison[j] = 1;
                liaisons++;
                s_at(at, sizeof at, d, 9 * 60 + s_below(480));
                s_emit("{\"at\":\"%s\",\"type\":\"hardship\",\"employee_no\":\"%s\","
                       "\"category\":\"%s\",\"description\":\"%s\","
                       "\"liaison_employee_no\":\"%s\",\"requested_fen\":%d}\n",
                       at, people[i].emp, cat[k], desc[k], people[j].emp,
                       (1 + s_below(10)) * 50000);
            }
        }
        /* weekly reports of the leadership teams, due Friday 18:00 of the week (notify's
         * round; report's policy allows until Sunday 20:00): most on Friday, some the Monday
         * after (late for both), some never (missing) */
        if (dow == 4 && !last) {
            int y, w;
            fc_iso_week(d, &y, &w);
            for (int i = 0; i < nsubs * 5; i++) {
                int r = s_below(100);
                if (r < 8)
                    continue; /* missing */
                int late = r < 20;
                s_at(at, sizeof at, late ? d + 3 : d,
                     late ? 8 * 60 + s_below(240) : 9 * 60 + s_below(480));
                s_emit("{\"at\":\"%s\",\"type\":\"weekly_report\",\"employee_no\":\"%s\","
                           "\"org_code\":\"%s\",\"iso_week\":\"%04d-W%02d\",\"no_outbreak\":%s,"
                           "\"production_stable\":%s,\"epidemic_duty\":\"%s\",\"production\":\"%s\"}\n",
                        at, people[i].emp, people[i].sub, y, w,
                        s_chance(950) ? "true" : "false", s_chance(900) ? "true" : "false",
                        "包保卡口值守、测温点巡查，督促落实轮休", "生产运行平稳，保供任务按计划完成");
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
    free(used_liaison);
    free(branches);
    free(posts);
    free(people);
    return 0;
}
