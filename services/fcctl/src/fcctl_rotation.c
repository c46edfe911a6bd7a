/* fcctl_rotation: the rotation service's commands (none yet). */
#include "fcctl.h"

const fcctl_cmd_t fcctl_rotation_cmds[] = {
    {NULL, NULL, NULL, NULL},
};
