/* notify_app: the shared state of an fc-notify process. */
#include "notify_app.h"

#include <string.h>

notify_app_t *notify_app(fc_service_t *svc)
{
    return fc_service_app(svc);
}

void notify_app_dispatch_later(notify_app_t *app, const char *job_id)
{
    if (app->n_dispatch == app->cap_dispatch) {
        app->cap_dispatch = app->cap_dispatch ? app->cap_dispatch * 2 : 256;
        app->dispatch = fc_xrealloc(app->dispatch, app->cap_dispatch * sizeof *app->dispatch);
    }
    memcpy(app->dispatch[app->n_dispatch++], job_id, FC_ID_LEN + 1);
}
