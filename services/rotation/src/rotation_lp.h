/* rotation_lp: the problem as a mixed-integer linear program in CPLEX LP format, for an exact
 * solver (Debian's coinor-cbc) to compare the planner with; and the reader of CBC's solution
 * file. The model states every hard rule as constraints and every soft rule as the same
 * penalty the checker computes, so the optimum's objective equals its checker penalty. */
#ifndef ROTATION_LP_H
#define ROTATION_LP_H

#include <stddef.h>
#include "fc_err.h"
#include "rotation_problem.h"
#include "rotation_roster.h"

/* Writes the model to path. */
int rotation_lp_write(const rp_problem_t *pb, const char *path, fc_err_t *err);
/* Reads a CBC solution file (`cbc model.lp ... solve solu FILE`): the roster of its x
 * variables (uncovered shifts filled in from the cover), the objective and the status line's
 * first words ("Optimal", "Stopped on time"). FC_ENOTFOUND if CBC found no solution. */
rotation_roster_t *rotation_lp_read_cbc(const rp_problem_t *pb, const char *path, double *objective,
                                        char *status, size_t status_len, fc_err_t *err);

#endif
