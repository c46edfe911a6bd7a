/* fcctl_welfare: the welfare service's commands (none yet). */
#include "fcctl.h"

const fcctl_cmd_t fcctl_welfare_cmds[] = {
    {NULL, NULL, NULL, NULL},
};
