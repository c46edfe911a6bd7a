/* fcctl_notify: the notify service's commands (none yet). */
#include "fcctl.h"

const fcctl_cmd_t fcctl_notify_cmds[] = {
    {NULL, NULL, NULL, NULL},
};
