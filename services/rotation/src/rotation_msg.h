/* rotation_msg: every text rotation's users read, in Simplified Chinese, from one table: rule
 * names, uncovered-shift reasons, who replaced whom and why, and the explanation of a person's
 * day. Operator log lines stay English and live where they are logged. */
#ifndef ROTATION_MSG_H
#define ROTATION_MSG_H

#include "fc_mem.h"
#include "rotation_check.h"
#include "rotation_plan.h"
#include "rotation_problem.h"
#include "rotation_roster.h"

/* "任意 7 天工时上限" */
const char *rotation_msg_rule(int rule);
/* "第 3 天（2026-03-05）" style date of day d, written into buf. */
void rotation_msg_day(char *buf, size_t n, const rp_problem_t *pb, int day);
/* One line for a rule check: name, what was measured, the limit, pass or fail. */
void rotation_msg_check(fc_buf_t *b, const rotation_rule_check_t *c);
/* One line for a checker finding. */
void rotation_msg_violation(fc_buf_t *b, const rp_problem_t *pb, const rotation_violation_t *v);
/* Why a shift stays uncovered. */
void rotation_msg_uncovered(fc_buf_t *b, const rp_problem_t *pb, const rr_uncovered_t *u);
/* Who replaced whom and why that person. */
void rotation_msg_change(fc_buf_t *b, const rp_problem_t *pb, const rotation_change_t *c);
/* The whole explanation of person e->person on day e->day. */
void rotation_msg_explain(fc_buf_t *b, const rp_problem_t *pb, const rotation_explain_t *e,
                          int on_leave);
/* Counts of blocked candidates: "12 人当天已有班次，3 人休息时间不足". */
void rotation_msg_blocked(fc_buf_t *b, const int *blocked);

#endif
