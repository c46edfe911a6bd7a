/* notify_template: the message templates per kind and language (infra/templates/notify/
 * <lang>.json), rendered with a reminder's variables. "{{name}}" is a variable; "{{x_label}}"
 * is the language's label for the value of x (labels.x in the file). A variable that is
 * missing is an error naming it: the message is recorded as failed, never sent half-filled. */
#ifndef NOTIFY_TEMPLATE_H
#define NOTIFY_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>
#include "fc_err.h"

typedef struct notify_templates notify_templates_t;

/* What a message says on every channel, rendered in one language. Strings are the caller's
 * (freed by notify_rendered_fini). */
typedef struct {
    char *title;
    char *text;         /* plain text: SMS preview, e-mail body, inbox, WeCom text */
    char *markdown;     /* WeCom markdown ("" when the template has none: text is used) */
    char *sms_template; /* the provider's template code */
    char *sms_params;   /* JSON object of strings, the provider's template parameters */
} notify_rendered_t;

/* Loads every <lang>.json of dir whose lang notify knows (zh, en). The default language must
 * be there. Errors name the file and, for a bad template, the kind. */
notify_templates_t *notify_templates_load(const char *dir, const char *default_lang, fc_err_t *err);
void notify_templates_destroy(notify_templates_t **self_p);
/* 1 if kind has a template in lang or in the default language. */
int notify_templates_has(const notify_templates_t *self, const char *kind);

/* Renders kind in lang (the default language if lang has no template for it). vars is a JSON
 * object whose values are strings. FC_EINVAL naming the variable if one is missing;
 * FC_ENOTFOUND if no language has the kind. *lang_used_out (may be NULL) says which was
 * used. */
int notify_template_render(const notify_templates_t *self, const char *lang, const char *kind,
                           const json_t *vars, notify_rendered_t *out, const char **lang_used_out,
                           fc_err_t *err);
void notify_rendered_fini(notify_rendered_t *r);

/* Expands one template string; labels (may be NULL) is the language's label table. The
 * result is the caller's. */
char *notify_template_expand(const char *tpl, const json_t *vars, const json_t *labels,
                             fc_err_t *err);
/* A copy of s cut to at most max bytes on a UTF-8 character boundary, ending in "…" when it
 * was cut (max >= 4). The caller frees it. */
char *notify_utf8_cut(const char *s, size_t max);

#endif
