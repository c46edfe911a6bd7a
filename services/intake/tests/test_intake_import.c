/* test_intake_import: `fcctl import org|posts|people` end to end over the real service: the
 * happy paths (order-free parents, spouses later in the file, quoting, BOM, CRLF), re-import
 * changing nothing, every kind of bad input from the issue (rules, bad UTF-8, wrong types,
 * empty required fields, duplicated keys, missing header, unknown/missing columns, ragged
 * rows, unterminated quotes, random bytes, a file far too large) importing nothing unless
 * --skip-bad, org scope, and a 10k-person subsidiary in seconds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fc_harness.h"
#include "intake_testkit.h"
#include "fc_clock.h"
#include "fc_mem.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PEOPLE_HEADER                                                                              \
    "employee_no,name,phone,org_code,party_status,cadre_level,leadership_team,young_cadre,"        \
    "reserve_pool,medical_staff,aid_team,spouse_employee_no,cares_for_elderly,"                    \
    "cares_for_children,fit_for_frontline\n"

static pid_t g_intake;
static char g_dir[512];

/* Writes data to a file of the test's own directory; returns its path (static buffer). */
static const char *s_file(const char *name, const char *data, size_t len)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return path;
}

static const char *s_text(const char *name, const char *data)
{
    return s_file(name, data, strlen(data));
}

static void s_tree(void)
{
    const char *org = "\xEF\xBB\xBF"
                      "org_code,parent_code,name,kind,liaison_unit\r\n"
                      "B1,C1,\"一支部, 北区\",branch,0\r\n" /* child before its parent */
                      "C1,S1,一公司党委,committee,0\r\n"
                      "S1,G,一公司,subsidiary,1\r\n"
                      "G,,集团,group,0\r\n"
                      "S2,G,二公司,subsidiary,0\r\n"
                      "B2,S2,二支部,branch,0\r\n";
    char *out = intake_testkit_run(0, "import org %s", s_text("org.csv", org));
    intake_testkit_has(out, "新增 6");
    free(out);
}

static int s_setup(void **state)
{
    (void)state;
    intake_testkit_up(&g_intake, NULL);
    s_tree();
    return 0;
}

static int s_teardown(void **state)
{
    (void)state;
    intake_testkit_down(&g_intake);
    return 0;
}

static void test_org_import_and_reimport(void **state)
{
    (void)state;
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit"), 6);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit WHERE path = '/G/S1/C1/B1/'"
                                 " AND name = '一支部, 北区'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit WHERE liaison_unit"), 1);
    long long events = fc_h_scalar("SELECT count(*) FROM intake.outbox");
    char *out = intake_testkit_run(0, "import org %s/org.csv", g_dir);
    intake_testkit_has(out, "未变 6");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox"), events);
    /* rules, cycles, unknown parents: nothing of the file goes in */
    const char *bad = "org_code,parent_code,name,kind,liaison_unit\n"
                      "X1,NOPE,甲,branch,0\n"
                      "X2,X3,乙,branch,0\n"
                      "X3,X2,丙,branch,0\n"
                      "X4,S1,丁,department,0\n"
                      "X5,S1,戊,branch,yes\n"
                      "X6,X1,己,branch,0\n"
                      "X7,S1,庚,branch,0\n";
    out = intake_testkit_run(1, "import org %s", s_text("org_bad.csv", bad));
    intake_testkit_has(out, "line 2: parent_code: 上级组织“NOPE”不存在");
    intake_testkit_has(out, "line 3: parent_code: 组织层级成环");
    intake_testkit_has(out, "line 4: parent_code: 组织层级成环");
    intake_testkit_has(out, "line 5: kind:");
    intake_testkit_has(out, "line 6: liaison_unit: 应为 0 或 1");
    intake_testkit_has(out, "line 7: parent_code:");
    intake_testkit_has(out, "未导入任何数据");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit"), 6);
    out = intake_testkit_run(1, "import org %s/org_bad.csv --skip-bad", g_dir);
    intake_testkit_has(out, "新增 1");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit WHERE org_code = 'X7'"), 1);
}

static void test_posts_import(void **state)
{
    (void)state;
    const char *posts =
        "name,post_code,org_code,kind,risk_class,shifts\n" /* columns in any order */
        "北门卡口,P1,B1,checkpoint,2,08:00-20:00*2;20:00-08:00*2\n"
        "发热门诊,P2,B1,fever_clinic,1,\"00:00-08:00*3; 08:00-16:00*3; 16:00-00:00*3\"\n"
        "突击队,P3,S1,commando_team,1,07:30-19:30*10\n";
    char *out = intake_testkit_run(0, "import posts %s", s_text("posts.csv", posts));
    intake_testkit_has(out, "新增 3");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.post WHERE shifts = '20:00-08:00*2'"),
                     0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.post WHERE post_code = 'P1'"
                                 " AND shifts = '08:00-20:00*2;20:00-08:00*2'"),
                     1);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE type = 'intake.post_upserted'"), 3);
    out = intake_testkit_run(0, "import posts %s/posts.csv", g_dir);
    intake_testkit_has(out, "未变 3");
    free(out);
    const char *bad = "post_code,org_code,name,kind,risk_class,shifts\n"
                      "Q1,B1,甲,checkpoint,3,08:00-20:00*2\n"
                      "Q2,B1,乙,checkpoint,x,08:00-20:00*2\n"
                      "Q3,B1,丙,checkpoint,2,8点到20点\n"
                      "Q4,NOPE,丁,checkpoint,2,08:00-20:00*2\n"
                      "Q5,B1,戊,office,2,08:00-20:00*2\n"
                      "Q6,B1,己,checkpoint,2,08:00-20:00*0\n"
                      "Q7,B1,庚,checkpoint,2,08:00-20:00*1;08:00-20:00*1\n"
                      "Q8,B1,辛,checkpoint,2,08:00-20:00*1\n"
                      "Q8,B1,壬,checkpoint,2,08:00-20:00*1\n";
    out = intake_testkit_run(1, "import posts %s", s_text("posts_bad.csv", bad));
    intake_testkit_has(out, "line 2: risk_class:");
    intake_testkit_has(out, "line 3: risk_class: 应为 1 或 2");
    intake_testkit_has(out, "line 4: shifts:");
    intake_testkit_has(out, "line 5: org_code: 组织“NOPE”不存在");
    intake_testkit_has(out, "line 6: kind:");
    intake_testkit_has(out, "line 7: shifts:");
    intake_testkit_has(out, "line 8: shifts:");
    intake_testkit_has(out, "line 10: post_code: “Q8”与第 9 行重复");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.post"), 3);
}

static void test_people_import(void **state)
{
    (void)state;
    const char *people = PEOPLE_HEADER
        "E1,张三,13800000001,B1,member,section,0,1,0,0,0,E2,1,0,1\n" /* spouse later in the file */
        "E2,\"李\"\"四\"\"\",13800000002,B1,none,none,0,0,0,1,1,E1,0,1,1\n"
        "L1,班子甲,,S1,member,division,1,0,1,0,0,,0,0,1\n"
        "E3,王五,,B2,activist,none,0,0,0,0,0,,0,0,0\n";
    char *out = intake_testkit_run(0, "import people %s", s_text("people.csv", people));
    intake_testkit_has(out, "新增 4");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE employee_no = 'E1'"
                                 " AND spouse_employee_no = 'E2'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE employee_no = 'E2'"
                                 " AND spouse_employee_no = 'E1' AND name = '李\"四\"'"),
                     1);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE NOT fit_for_frontline"),
                     1);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE type = 'intake.person_upserted'"), 4);
    /* re-import changes nothing and publishes nothing */
    out = intake_testkit_run(0, "import people %s/people.csv", g_dir);
    intake_testkit_has(out, "未变 4");
    free(out);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE type = 'intake.person_upserted'"), 4);
    /* a new spouse for E3 from outside the file is linked back; E1/E2 are split by a file
     * that names E1 with no spouse: E2 (not in the file) is unlinked */
    const char *change = PEOPLE_HEADER "E4,赵六,,B2,none,none,0,0,0,0,0,E3,0,0,1\n"
                                       "E1,张三,13800000001,B1,member,section,0,1,0,0,0,,1,0,1\n";
    out = intake_testkit_run(0, "import people %s", s_text("people2.csv", change));
    intake_testkit_has(out, "新增 1，更新 1");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE employee_no = 'E3'"
                                 " AND spouse_employee_no = 'E4'"),
                     1);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.person WHERE spouse_employee_no IS NOT NULL"), 2);
    /* E4, E1 changed; E3 and E2 changed as a consequence: four events */
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE type = 'intake.person_upserted'"), 8);
}

static void test_people_bad_rows(void **state)
{
    (void)state;
    free(intake_testkit_run(0, "import people %s",
                            s_text("base.csv",
                                   PEOPLE_HEADER "E1,张三,,B1,member,none,0,0,0,0,0,E2,0,0,1\n"
                                                 "E2,李四,,B1,member,none,0,0,0,0,0,E1,0,0,1\n")));
    char bad[4096];
    snprintf(bad, sizeof bad, "%s%s", PEOPLE_HEADER,
             "N1,甲,,NOPE,member,none,0,0,0,0,0,,0,0,1\n"     /* 2 unknown org */
             "N2,乙,,B1,member,none,2,0,0,0,0,,0,0,1\n"       /* 3 wrong type */
             "N3,丙,,B1,member,none,0,0,0,0,0\n"              /* 4 ragged */
             "N4,,,B1,member,none,0,0,0,0,0,,0,0,1\n"         /* 5 empty name */
             "N5,\xff\xfe,,B1,member,none,0,0,0,0,0,,0,0,1\n" /* 6 bad UTF-8 */
             "N6,戊,,B1,member,none,0,0,0,0,0,E1,0,0,1\n"     /* 7 spouse taken */
             "N7,己,,B1,member,none,0,0,0,0,0,N8,0,0,1\n"     /* 8 not mutual */
             "N8,庚,,B1,member,none,0,0,0,0,0,,0,0,1\n"       /* 9 (partner of 8) */
             "N9,辛,,B1,member,none,0,0,0,0,0,NOBODY,0,0,1\n" /* 10 no such spouse */
             "N10,壬,,B1,boss,none,0,0,0,0,0,,0,0,1\n"        /* 11 bad status */
             "N11,癸,,B1,member,none,0,0,0,0,0,,0,0,1\n"      /* 12 good */
             "N11,子,,B1,member,none,0,0,0,0,0,,0,0,1\n"      /* 13 duplicate */
             "N 12,丑,,B1,member,none,0,0,0,0,0,,0,0,1\n"     /* 14 bad code */
             "N13,寅,abc,B1,member,none,0,0,0,0,0,,0,0,1\n"   /* 15 bad phone */
             "N14,卯,,B1,,none,0,0,0,0,0,,0,0,1\n"            /* 16 empty status */
             "N15,辰,,B1,member,none,0,0,0,0,0,,0,0,1\n");    /* 17 good */
    long long events = fc_h_scalar("SELECT count(*) FROM intake.outbox");
    char *out = intake_testkit_run(1, "import people %s", s_text("bad.csv", bad));
    intake_testkit_has(out, "line 2: org_code: 组织“NOPE”不存在");
    intake_testkit_has(out, "line 3: leadership_team: 应为 0 或 1");
    intake_testkit_has(out, "line 4: row: 有 11 个字段，表头有 15 个");
    intake_testkit_has(out, "line 5: name: 不能为空");
    intake_testkit_has(out, "line 6: name: 不是有效的 UTF-8");
    intake_testkit_has(out, "line 7: spouse_employee_no: “E1”已登记配偶“E2”");
    intake_testkit_has(out, "line 8: spouse_employee_no: 配偶“N8”在第 9 行未登记配偶");
    intake_testkit_has(out, "line 10: spouse_employee_no: 配偶工号“NOBODY”不存在");
    intake_testkit_has(out, "line 11: party_status:");
    intake_testkit_has(out, "line 13: employee_no: “N11”与第 12 行重复");
    intake_testkit_has(out, "line 14: employee_no:");
    intake_testkit_has(out, "line 15: phone:");
    intake_testkit_has(out, "line 16: party_status: 不能为空");
    intake_testkit_has(out, "共 16 行，其中 13 行有错误，未导入任何数据");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 2);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.outbox"), events);
    /* --json lists the same problems */
    out = intake_testkit_run(1, "--json import people %s/bad.csv", g_dir);
    intake_testkit_has(out, "\"applied\": false");
    intake_testkit_has(out, "\"line\": 13");
    free(out);
    /* --skip-bad: the good rows go in (N8 too: its own row is fine) */
    out = intake_testkit_run(1, "import people %s/bad.csv --skip-bad", g_dir);
    intake_testkit_has(out, "新增 3");
    intake_testkit_has(out, "跳过错误行 13 行");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person WHERE employee_no IN"
                                 " ('N8', 'N11', 'N15')"),
                     3);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 5);
}

static void test_broken_files(void **state)
{
    (void)state;
    char *out = intake_testkit_run(1, "import people %s", s_text("empty.csv", ""));
    intake_testkit_has(out, "line 1: header: 文件为空，缺少表头");
    free(out);
    out = intake_testkit_run(1, "import people %s",
                             s_text("noheader.csv", "E9,某,,B1,member,none,0,0,0,0,0,,0,0,1\n"));
    intake_testkit_has(out, "line 1: E9: 未知的列");
    intake_testkit_has(out, "line 1: employee_no: 缺少这一列");
    free(out);
    out = intake_testkit_run(
        1, "import org %s",
        s_text("unknown.csv",
               "org_code,parent_code,name,kind,liaison_unit,colour\nX,G,某,branch,0,red\n"));
    intake_testkit_has(out, "line 1: colour: 未知的列");
    free(out);
    out = intake_testkit_run(
        1, "import org %s",
        s_text("dupcol.csv", "org_code,parent_code,name,kind,liaison_unit,name\n"));
    intake_testkit_has(out, "line 1: name: 列名重复");
    free(out);
    out = intake_testkit_run(
        1, "import org %s",
        s_text("quote.csv", "org_code,parent_code,name,kind,liaison_unit\nX8,S1,\"未闭合,branch,0\n"
                            "X9,S1,某,branch,0\n"));
    intake_testkit_has(out, "line 2: row: 第 2 行开始的引号直到文件末尾都未闭合");
    intake_testkit_has(out, "未导入任何数据");
    free(out);
    out = intake_testkit_run(
        1, "import org %s",
        s_text("stray.csv",
               "org_code,parent_code,name,kind,liaison_unit\nX8,S1,某\"甲,branch,0\n"));
    intake_testkit_has(out, "line 2: row: 未加引号的字段中出现引号");
    free(out);
    /* random bytes */
    unsigned char rnd[8192];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof rnd; i++) {
        seed = seed * 1103515245u + 12345u;
        rnd[i] = (unsigned char)(seed >> 16);
    }
    out = intake_testkit_run(1, "import people %s",
                             s_file("random.bin", (const char *)rnd, sizeof rnd));
    intake_testkit_has(out, "line 1:");
    free(out);
    /* far larger than any roster: refused before reading */
    char path[600];
    snprintf(path, sizeof path, "%s/huge.csv", g_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(PEOPLE_HEADER, f);
    assert_int_equal(ftruncate(fileno(f), 65 * 1024 * 1024), 0);
    fclose(f);
    out = intake_testkit_run(1, "import people %s", path);
    intake_testkit_has(out, "超过 64 MiB 的上限");
    free(out);
    unlink(path);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.org_unit"), 6);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 0);
    /* the service kept serving through all of it */
    out = intake_testkit_run(0, "health --service intake");
    free(out);
}

static void test_import_scope(void **state)
{
    (void)state;
    const char *people = PEOPLE_HEADER "E1,张三,,B1,member,none,0,0,0,0,0,,0,0,1\n"
                                       "F1,外单位,,B2,member,none,0,0,0,0,0,,0,0,1\n";
    char *out = intake_testkit_run(1, "--scope S2 --role org_admin import people %s",
                                   s_text("scope.csv", people));
    intake_testkit_has(out, "line 2: org_code: 组织“B1”不在您的管辖范围内");
    free(out);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 0);
    out = intake_testkit_run(1, "--scope S2 --role org_admin import people %s/scope.csv --skip-bad",
                             g_dir);
    intake_testkit_has(out, "新增 1");
    free(out);
    out = intake_testkit_run(1, "--scope S2 --role org_admin import org %s/org.csv", g_dir);
    intake_testkit_has(out, "只有集团管理员可以建立集团根组织");
    free(out);
    out = intake_testkit_run(1, "--scope S2 --role org_admin import org %s",
                             s_text("liaison.csv", "org_code,parent_code,name,kind,liaison_unit\n"
                                                   "B3,S2,三支部,branch,1\n"));
    intake_testkit_has(out, "line 2: liaison_unit: 联系点由集团党委组织部确定");
    free(out);
}

/* A subsidiary of 10k people, with couples, imports in seconds (whole path). */
static void test_ten_thousand_people(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/people10k.csv", g_dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(PEOPLE_HEADER, f);
    for (int i = 0; i < 10000; i++) {
        int spouse = i % 10 == 0 ? i + 1 : i % 10 == 1 ? i - 1 : -1;
        char sp[32] = "";
        if (spouse >= 0)
            snprintf(sp, sizeof sp, "T%05d", spouse);
        fprintf(f, "T%05d,职工%05d,1380000%04d,%s,%s,none,0,%d,0,0,0,%s,%d,%d,1\n", i, i, i % 10000,
                i % 2 ? "B1" : "B2", i % 3 ? "member" : "none", i % 7 == 0, sp, i % 5 == 0,
                i % 4 == 0);
    }
    fclose(f);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *out = intake_testkit_run(0, "import people %s", path);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    print_message("imported 10000 people in %.2f s\n", s);
    intake_testkit_has(out, "新增 10000");
    intake_testkit_has(out, "导入进度");
    free(out);
    assert_true(s < fc_h_ms(10000) / 1000.0);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person"), 10000);
    assert_int_equal(fc_h_scalar("SELECT count(*) FROM intake.person p JOIN intake.person q"
                                 " ON q.employee_no = p.spouse_employee_no"
                                 " AND q.spouse_employee_no = p.employee_no"),
                     2000);
    assert_int_equal(
        fc_h_scalar("SELECT count(*) FROM intake.outbox WHERE type = 'intake.person_upserted'"),
        10000);
    out = intake_testkit_run(0, "import people %s", path);
    intake_testkit_has(out, "未变 10000");
    free(out);
}

int main(void)
{
    fc_h_init("test_intake_import");
    const char *logdir = getenv("FC_TEST_LOG_DIR");
    snprintf(g_dir, sizeof g_dir, "%s/import-%d", logdir ? logdir : "/tmp", (int)getpid());
    char *mk = fc_xasprintf("mkdir -p '%s'", g_dir);
    assert_int_equal(system(mk), 0);
    free(mk);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_org_import_and_reimport, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_posts_import, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_people_import, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_people_bad_rows, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_broken_files, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_import_scope, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_ten_thousand_people, s_setup, s_teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char *rm = fc_xasprintf("rm -rf '%s'", g_dir);
    if (system(rm) != 0)
        rc = 1;
    free(rm);
    return rc;
}
