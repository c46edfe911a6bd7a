/* fc-notify: reminders and messages over the group's channels. */
#include "fc_service.h"

int main(int argc, char **argv)
{
    const fc_service_def_t def = {.name = "notify"};
    return fc_service_main(&def, argc, argv);
}
