/* fc_log: one JSON line per event on stderr: ts, level, service, event, msg_id,
 * correlation_id, then the caller's fields. */
#ifndef FC_LOG_H
#define FC_LOG_H

#include <stdint.h>

enum { FC_LOG_DEBUG = 0, FC_LOG_INFO = 1, FC_LOG_WARN = 2, FC_LOG_ERROR = 3 };

/* A field value: FC_LS("text"), FC_LI(42). */
typedef struct {
    char kind; /* 's' string, 'i' integer */
    const char *s;
    long long i;
} fc_logv_t;

#define FC_LS(x) ((fc_logv_t){'s', (x), 0})
#define FC_LI(x) ((fc_logv_t){'i', NULL, (long long)(x)})

void fc_log_init(const char *service, int level);
/* Parses "debug|info|warn|error"; returns -1 if unknown. */
int fc_log_level_parse(const char *name);
/* Message ids put on every line until cleared with NULLs (per thread). */
void fc_log_set_context(const char *msg_id, const char *correlation_id);
/* fields: pairs of (const char *key, fc_logv_t value), ended by NULL. */
void fc_log(int level, const char *event, ...);

#define fc_log_debug(...) fc_log(FC_LOG_DEBUG, __VA_ARGS__)
#define fc_log_info(...) fc_log(FC_LOG_INFO, __VA_ARGS__)
#define fc_log_warn(...) fc_log(FC_LOG_WARN, __VA_ARGS__)
#define fc_log_error(...) fc_log(FC_LOG_ERROR, __VA_ARGS__)

#endif
