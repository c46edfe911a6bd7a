/* report_server: report's routes (message type -> handler). */
#ifndef REPORT_SERVER_H
#define REPORT_SERVER_H

#include <stddef.h>
#include "fc_service.h"

extern const fc_route_t report_routes[];
extern const size_t report_nroutes;

#endif
