/* rotation_cli: `fc-rotation plan|check|explain|lp|gen`. Texts for users are Simplified
 * Chinese; the roster and check outputs are JSON or plain lines scripts can read. */
#include "rotation_cli.h"
#include "rotation_check.h"
#include "rotation_gen.h"
#include "rotation_lp.h"
#include "rotation_msg.h"
#include "rotation_plan.h"
#include "rotation_problem.h"
#include "rotation_roster.h"
#include "fc_clock.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

enum { S_OK = 0, S_VIOLATIONS = 1, S_USAGE = 2, S_FAIL = 4 };

static const char *s_usage =
    "usage:\n"
    "  fc-rotation plan --problem FILE [--time-limit S] --out ROSTER.json [--seed N] [--quiet]\n"
    "  fc-rotation check --problem FILE --roster ROSTER.json [--json] [--max-lines N]\n"
    "  fc-rotation explain --problem FILE --roster ROSTER.json --person ID --date YYYY-MM-DD\n"
    "  fc-rotation lp --problem FILE --out MODEL.lp\n"
    "  fc-rotation gen --people N --posts N --days N [--seed N] [--small] --out FILE\n"
    "Without a subcommand fc-rotation runs the service.\n";

int rotation_cli_is_command(int argc, char **argv)
{
    static const char *cmds[] = {"plan", "check", "explain", "lp", "gen", NULL};
    for (int i = 0; argc > 1 && cmds[i]; i++)
        if (strcmp(argv[1], cmds[i]) == 0)
            return 1;
    return 0;
}

static void s_error(const fc_err_t *err)
{
    if (err->field[0])
        fprintf(stderr, "fc-rotation: %s：%s\n", err->field, err->message);
    else
        fprintf(stderr, "fc-rotation: %s\n", err->message);
}

static int s_parse_int(const char *s, long long min, long long max, long long *out)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Prints the checker's findings; returns the number of hard violations. */
static size_t s_report_check(const rp_problem_t *pb, const rotation_check_t *c, size_t max_lines,
                             FILE *out)
{
    fc_buf_t b;
    fc_buf_init(&b);
    size_t shown = 0;
    for (size_t i = 0; i < c->n && shown < max_lines; i++) {
        if (!RP_IS_HARD(c->v[i].rule))
            continue;
        fc_buf_reset(&b);
        rotation_msg_violation(&b, pb, &c->v[i]);
        fprintf(out, "%s\n", b.data);
        shown++;
    }
    if (c->nhard > shown)
        fprintf(out, "……另有 %zu 条硬性规则违反未列出\n", c->nhard - shown);
    fc_buf_fini(&b);
    return c->nhard;
}

static int cmd_plan(int argc, char **argv)
{
    const char *problem = NULL, *out = NULL;
    double limit = 10;
    long long seed = 1;
    int quiet = 0, rc = S_FAIL;
    static const struct option opts[] = {
        {"problem", required_argument, NULL, 'p'}, {"time-limit", required_argument, NULL, 't'},
        {"out", required_argument, NULL, 'o'},     {"seed", required_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:t:o:s:q", opts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'p':
            problem = optarg;
            break;
        case 'o':
            out = optarg;
            break;
        case 'q':
            quiet = 1;
            break;
        case 't':
            limit = strtod(optarg, &end);
            if (!*optarg || *end || limit < 0 || limit > 86400) {
                fprintf(stderr, "fc-rotation: --time-limit：须为 0 到 86400 之间的秒数\n");
                return S_USAGE;
            }
            break;
        case 's':
            if (s_parse_int(optarg, 0, INT64_MAX, &seed) != 0) {
                fprintf(stderr, "fc-rotation: --seed：须为非负整数\n");
                return S_USAGE;
            }
            break;
        default:
            fputs(s_usage, stderr);
            return S_USAGE;
        }
    }
    if (!problem || !out) {
        fputs(s_usage, stderr);
        return S_USAGE;
    }
    fc_err_t err;
    fc_err_clear(&err);
    rp_problem_t *pb = NULL;
    rotation_plan_t *plan = NULL;
    rotation_roster_t *roster = NULL;
    rotation_check_t *check = NULL;
    int64_t t0 = fc_clock_mono_ms();
    if (!(pb = rp_problem_load(problem, &err))) {
        s_error(&err);
        rc = S_USAGE;
        goto out;
    }
    int64_t t_read = fc_clock_mono_ms();
    plan = rotation_plan_new(pb);
    rotation_plan_opts_t po = {limit, (uint64_t)seed, 0};
    if (rotation_plan_solve(plan, &po, &err) != FC_OK) {
        s_error(&err);
        goto out;
    }
    roster = rotation_plan_roster(plan);
    int64_t t_plan = fc_clock_mono_ms();
    /* the planner's work is checked by the independent checker before anyone sees it */
    check = rotation_check_run(pb, roster);
    if (check->nhard || check->penalty != roster->penalty) {
        fprintf(stderr,
                "fc-rotation: internal error: the checker disagrees with the planner "
                "(%zu hard violations, penalty %lld vs %lld)\n",
                check->nhard, (long long)check->penalty, (long long)roster->penalty);
        s_report_check(pb, check, 20, stderr);
        goto out;
    }
    if (rotation_roster_write(roster, pb, out, &err) != FC_OK) {
        s_error(&err);
        goto out;
    }
    int64_t t_end = fc_clock_mono_ms();
    if (!quiet) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("排班完成：%d 人，%d 个班次类型，%d 天；排入 %zu 个班次，缺员班次 %zu 个\n",
               pb->npeople, pb->nshifts, pb->days, roster->n, roster->nu);
        printf("罚分 %lld：", (long long)roster->penalty);
        int k = 0;
        for (int r = RP_NHARD; r < RP_NRULES; r++)
            if (roster->by_rule[r])
                printf("%s%s %lld", k++ ? "，" : "", rotation_msg_rule(r),
                       (long long)roster->by_rule[r]);
        printf("%s\n", k ? "" : "无");
        printf("独立校验：硬性规则违反 0 条\n");
        fc_buf_t b;
        fc_buf_init(&b);
        for (size_t i = 0; i < roster->nu && i < 50; i++) {
            fc_buf_reset(&b);
            rotation_msg_uncovered(&b, pb, &roster->u[i]);
            printf("缺员：%s\n", b.data);
        }
        if (roster->nu > 50)
            printf("……另有 %zu 个缺员班次，见 %s\n", roster->nu - 50, out);
        fc_buf_fini(&b);
        printf("用时：读取 %lld ms，构造 %lld ms，搜索 %lld ms（%lld 步），校验与写出 %lld ms；"
               "内存峰值 %ld MiB\n",
               (long long)(t_read - t0), (long long)roster->construct_ms,
               (long long)roster->search_ms, (long long)roster->iterations,
               (long long)(t_end - t_plan), ru.ru_maxrss / 1024);
    }
    rc = S_OK;
out:
    rotation_check_destroy(&check);
    rotation_roster_destroy(&roster);
    rotation_plan_destroy(&plan);
    rp_problem_destroy(&pb);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    const char *problem = NULL, *rfile = NULL;
    int json = 0, rc = S_FAIL;
    long long max_lines = 200;
    static const struct option opts[] = {{"problem", required_argument, NULL, 'p'},
                                         {"roster", required_argument, NULL, 'r'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"max-lines", required_argument, NULL, 'm'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:r:jm:", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            problem = optarg;
            break;
        case 'r':
            rfile = optarg;
            break;
        case 'j':
            json = 1;
            break;
        case 'm':
            if (s_parse_int(optarg, 0, 100000000, &max_lines) != 0) {
                fprintf(stderr, "fc-rotation: --max-lines：须为非负整数\n");
                return S_USAGE;
            }
            break;
        default:
            fputs(s_usage, stderr);
            return S_USAGE;
        }
    }
    if (!problem || !rfile) {
        fputs(s_usage, stderr);
        return S_USAGE;
    }
    fc_err_t err;
    fc_err_clear(&err);
    rp_problem_t *pb = NULL;
    rotation_roster_t *roster = NULL;
    rotation_check_t *check = NULL;
    if (!(pb = rp_problem_load(problem, &err)) ||
        !(roster = rotation_roster_load(rfile, pb, &err))) {
        s_error(&err);
        rc = S_USAGE;
        goto out;
    }
    check = rotation_check_run(pb, roster);
    if (json) {
        json_t *o = json_pack("{s:I, s:I, s:I, s:b}", "hard_violations", (json_int_t)check->nhard,
                              "penalty", (json_int_t)check->penalty, "claimed_penalty",
                              (json_int_t)roster->penalty, "penalty_matches",
                              check->penalty == roster->penalty);
        json_t *by = json_object(), *counts = json_object();
        for (int r = 0; r < RP_NRULES; r++) {
            if (r >= RP_NHARD)
                json_object_set_new(by, rp_rule_name(r), json_integer(check->by_rule[r]));
            json_object_set_new(counts, rp_rule_name(r), json_integer((json_int_t)check->count[r]));
        }
        json_object_set_new(o, "penalty_by_rule", by);
        json_object_set_new(o, "violations_by_rule", counts);
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(o);
    } else {
        s_report_check(pb, check, (size_t)max_lines, stdout);
        printf("硬性规则违反 %zu 条；罚分 %lld（排班文件声称 %lld）\n", check->nhard,
               (long long)check->penalty, (long long)roster->penalty);
    }
    rc = check->nhard ? S_VIOLATIONS : S_OK;
out:
    rotation_check_destroy(&check);
    rotation_roster_destroy(&roster);
    rp_problem_destroy(&pb);
    return rc;
}

static int cmd_explain(int argc, char **argv)
{
    const char *problem = NULL, *rfile = NULL, *person = NULL, *date = NULL;
    static const struct option opts[] = {{"problem", required_argument, NULL, 'p'},
                                         {"roster", required_argument, NULL, 'r'},
                                         {"person", required_argument, NULL, 'e'},
                                         {"date", required_argument, NULL, 'd'},
                                         {0}};
    int c, rc = S_FAIL;
    while ((c = getopt_long(argc, argv, "p:r:e:d:", opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            problem = optarg;
            break;
        case 'r':
            rfile = optarg;
            break;
        case 'e':
            person = optarg;
            break;
        case 'd':
            date = optarg;
            break;
        default:
            fputs(s_usage, stderr);
            return S_USAGE;
        }
    }
    if (!problem || !rfile || !person || !date) {
        fputs(s_usage, stderr);
        return S_USAGE;
    }
    fc_err_t err;
    fc_err_clear(&err);
    rp_problem_t *pb = NULL;
    rotation_roster_t *roster = NULL;
    rotation_plan_t *plan = NULL;
    fc_buf_t b;
    fc_buf_init(&b);
    int p, day;
    rotation_explain_t ex;
    if (!(pb = rp_problem_load(problem, &err)) ||
        !(roster = rotation_roster_load(rfile, pb, &err))) {
        s_error(&err);
        rc = S_USAGE;
        goto out;
    }
    if ((p = rp_problem_person_index(pb, person)) < 0) {
        fprintf(stderr, "fc-rotation: --person：人员“%s”不在问题文件中\n", person);
        rc = S_USAGE;
        goto out;
    }
    if (rp_problem_day_of(pb, date, &day, &err) != FC_OK) {
        s_error(&err);
        rc = S_USAGE;
        goto out;
    }
    plan = rotation_plan_new(pb);
    if (rotation_plan_load(plan, roster, &err) != FC_OK ||
        rotation_plan_explain(plan, p, day, &ex, &err) != FC_OK) {
        s_error(&err);
        rc = S_USAGE;
        goto out;
    }
    int leave = 0;
    for (size_t i = 0; i < roster->nleave; i++)
        leave |= roster->leave[i].person == p && roster->leave[i].day == day;
    rotation_msg_explain(&b, pb, &ex, leave);
    fputs(b.data, stdout);
    rc = S_OK;
out:
    fc_buf_fini(&b);
    rotation_plan_destroy(&plan);
    rotation_roster_destroy(&roster);
    rp_problem_destroy(&pb);
    return rc;
}

static int cmd_lp(int argc, char **argv)
{
    const char *problem = NULL, *out = NULL;
    static const struct option opts[] = {
        {"problem", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'}, {0}};
    int c;
    while ((c = getopt_long(argc, argv, "p:o:", opts, NULL)) != -1) {
        if (c == 'p')
            problem = optarg;
        else if (c == 'o')
            out = optarg;
        else {
            fputs(s_usage, stderr);
            return S_USAGE;
        }
    }
    if (!problem || !out) {
        fputs(s_usage, stderr);
        return S_USAGE;
    }
    fc_err_t err;
    fc_err_clear(&err);
    rp_problem_t *pb = rp_problem_load(problem, &err);
    int rc = pb ? rotation_lp_write(pb, out, &err) : FC_EINVAL;
    if (rc != FC_OK)
        s_error(&err);
    rp_problem_destroy(&pb);
    return rc == FC_OK ? S_OK : rc == FC_EINVAL ? S_USAGE : S_FAIL;
}

static int cmd_gen(int argc, char **argv)
{
    long long people = 100, posts = 10, days = 28, seed = 1;
    int small = 0;
    const char *out = NULL;
    static const struct option opts[] = {{"people", required_argument, NULL, 'n'},
                                         {"posts", required_argument, NULL, 'k'},
                                         {"days", required_argument, NULL, 'd'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"small", no_argument, NULL, 'm'},
                                         {"out", required_argument, NULL, 'o'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "n:k:d:s:mo:", opts, NULL)) != -1) {
        int bad = 0;
        switch (c) {
        case 'n':
            bad = s_parse_int(optarg, 1, RP_MAX_PEOPLE, &people);
            break;
        case 'k':
            bad = s_parse_int(optarg, 1, RP_MAX_SHIFTS / 3, &posts);
            break;
        case 'd':
            bad = s_parse_int(optarg, 1, RP_MAX_DAYS, &days);
            break;
        case 's':
            bad = s_parse_int(optarg, 0, INT64_MAX, &seed);
            break;
        case 'm':
            small = 1;
            break;
        case 'o':
            out = optarg;
            break;
        default:
            bad = 1;
        }
        if (bad) {
            fputs(s_usage, stderr);
            return S_USAGE;
        }
    }
    if (!out) {
        fputs(s_usage, stderr);
        return S_USAGE;
    }
    rotation_gen_opts_t o =
        rotation_gen_defaults((int)people, (int)posts, (int)days, (uint64_t)seed);
    if (small) {
        o.units = 1;
        o.shifts_per_post = 2;
        o.requests = 3;
        o.min_stints = 1;
        o.max_weekends = 2;
        o.soft_cover = 1;
    }
    rp_problem_t *pb = rotation_gen(&o);
    if (!pb)
        return S_FAIL;
    json_t *doc = rp_problem_to_json(pb);
    int rc = json_dump_file(doc, out, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 ? S_OK : S_FAIL;
    if (rc != S_OK)
        fprintf(stderr, "fc-rotation: --out：无法写入“%s”\n", out);
    json_decref(doc);
    rp_problem_destroy(&pb);
    return rc;
}

int rotation_cli_main(int argc, char **argv)
{
    const char *cmd = argv[1];
    optind = 1;
    argc--;
    argv++;
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc, argv);
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc, argv);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc, argv);
    if (strcmp(cmd, "lp") == 0)
        return cmd_lp(argc, argv);
    return cmd_gen(argc, argv);
}
