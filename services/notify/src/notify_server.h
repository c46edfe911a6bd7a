/* notify_server: notify's commands and queries over RPC: record a task done, list tasks,
 * create ad-hoc reminders, set where departments and people receive messages and who a
 * branch's secretary is, start the health check campaign, and show delivery status, a
 * person's inbox, and retry a dead delivery. Writes check the actor's org scope. */
#ifndef NOTIFY_SERVER_H
#define NOTIFY_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t notify_routes[];
extern const size_t notify_nroutes;

#endif
