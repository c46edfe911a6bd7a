/* fc_fault: SIGKILL at named points when FC_FAULT arms them (fault-injection tests).
 * FC_FAULT_AFTER=N lets the point pass N-1 times and kills on the N-th (default 1), so a
 * restarted process makes progress between deaths. */
#include "fc_fault.h"
#include "fc_log.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static long s_hits;

void fc_fault_point(const char *name)
{
    const char *armed = getenv("FC_FAULT");
    if (!armed || !*armed)
        return;
    size_t n = strlen(name);
    for (const char *p = armed; (p = strstr(p, name)) != NULL; p += n) {
        int starts = p == armed || p[-1] == ',';
        int ends = p[n] == '\0' || p[n] == ',';
        if (!starts || !ends)
            continue;
        const char *after = getenv("FC_FAULT_AFTER");
        long at = after ? atol(after) : 1;
        if (++s_hits < (at > 0 ? at : 1))
            return;
        fc_log_warn("fault.injected", "point", FC_LS(name), "hit", FC_LI(s_hits), NULL);
        raise(SIGKILL);
    }
}
