/* fcctl_report: the report service's commands (none yet). */
#include "fcctl.h"

const fcctl_cmd_t fcctl_report_cmds[] = {
    {NULL, NULL, NULL, NULL},
};
