/* fc_fault: SIGKILL at named points when FC_FAULT arms them (fault-injection tests). */
#include "fc_fault.h"
#include "fc_log.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

void fc_fault_point(const char *name)
{
    const char *armed = getenv("FC_FAULT");
    if (!armed || !*armed)
        return;
    size_t n = strlen(name);
    for (const char *p = armed; (p = strstr(p, name)) != NULL; p += n) {
        int starts = p == armed || p[-1] == ',';
        int ends = p[n] == '\0' || p[n] == ',';
        if (starts && ends) {
            fc_log_warn("fault.injected", "point", FC_LS(name), NULL);
            raise(SIGKILL);
        }
    }
}
