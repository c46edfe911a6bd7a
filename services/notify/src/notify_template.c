/* notify_template: loading and rendering the per-language message templates. */
#include "notify_template.h"
#include "fc_mem.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_MAX_LANGS 4
#define S_VAR_MAX 64

struct notify_templates {
    char langs[S_MAX_LANGS][8];
    json_t *docs[S_MAX_LANGS]; /* the whole file: {"labels": {...}, "kinds": {...}} */
    int n;
    int def; /* index of the default language */
};

static int s_check_kind(const char *path, const char *kind, const json_t *t, fc_err_t *err)
{
    if (!json_is_object(t) || !json_is_string(json_object_get(t, "title")) ||
        !json_is_string(json_object_get(t, "text")))
        return fc_err_set(err, FC_EINVAL, kind,
                          "template \"%s\" in \"%s\" needs string title "
                          "and text",
                          kind, path);
    const json_t *md = json_object_get(t, "markdown");
    if (md && !json_is_string(md))
        return fc_err_set(err, FC_EINVAL, kind,
                          "markdown of template \"%s\" in \"%s\" is not "
                          "a string",
                          kind, path);
    const json_t *sms = json_object_get(t, "sms");
    if (sms) {
        const json_t *params = json_object_get(sms, "params");
        if (!json_is_string(json_object_get(sms, "template_code")) ||
            (params && !json_is_array(params)))
            return fc_err_set(err, FC_EINVAL, kind,
                              "sms of template \"%s\" in \"%s\" needs a "
                              "template_code and a params array",
                              kind, path);
        for (size_t i = 0; i < json_array_size(params); i++)
            if (!json_is_string(json_array_get(params, i)))
                return fc_err_set(err, FC_EINVAL, kind,
                                  "sms params of template \"%s\" in \"%s\" must be names", kind,
                                  path);
    }
    return FC_OK;
}

static int s_load_one(notify_templates_t *self, const char *dir, const char *lang, fc_err_t *err)
{
    char *path = fc_xasprintf("%s/%s.json", dir, lang);
    json_error_t jerr;
    int rc = FC_OK;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        rc = fc_err_set(err, FC_EINVAL, "NOTIFY_TEMPLATES_DIR",
                        "template file \"%s\" line %d column %d: %s", path, jerr.line, jerr.column,
                        jerr.text);
        goto out;
    }
    const json_t *kinds = json_object_get(doc, "kinds");
    const json_t *labels = json_object_get(doc, "labels");
    if (!json_is_object(kinds) || (labels && !json_is_object(labels))) {
        rc = fc_err_set(err, FC_EINVAL, "NOTIFY_TEMPLATES_DIR",
                        "template file \"%s\" needs an object \"kinds\" (and \"labels\", if "
                        "any, an object)",
                        path);
        goto out;
    }
    const char *kind;
    const json_t *t;
    json_object_foreach((json_t *)kinds, kind, t)
    {
        if ((rc = s_check_kind(path, kind, t, err)) != FC_OK)
            goto out;
    }
    snprintf(self->langs[self->n], sizeof self->langs[0], "%s", lang);
    self->docs[self->n++] = doc;
    doc = NULL;
out:
    json_decref(doc);
    free(path);
    return rc;
}

notify_templates_t *notify_templates_load(const char *dir, const char *default_lang, fc_err_t *err)
{
    notify_templates_t *self = fc_xcalloc(1, sizeof *self);
    self->def = -1;
    static const char *langs[] = {"zh", "en"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        char *path = fc_xasprintf("%s/%s.json", dir, langs[i]);
        FILE *f = fopen(path, "r");
        free(path);
        if (!f)
            continue;
        fclose(f);
        if (s_load_one(self, dir, langs[i], err) != FC_OK) {
            notify_templates_destroy(&self);
            return NULL;
        }
        if (strcmp(langs[i], default_lang) == 0)
            self->def = self->n - 1;
    }
    if (self->def < 0) {
        fc_err_set(err, FC_EINVAL, "NOTIFY_TEMPLATES_DIR",
                   "no template file for the default language \"%s\" in \"%s\"", default_lang, dir);
        notify_templates_destroy(&self);
    }
    return self;
}

void notify_templates_destroy(notify_templates_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    notify_templates_t *self = *self_p;
    for (int i = 0; i < self->n; i++)
        json_decref(self->docs[i]);
    free(self);
    *self_p = NULL;
}

static const json_t *s_kind(const notify_templates_t *self, int i, const char *kind)
{
    return json_object_get(json_object_get(self->docs[i], "kinds"), kind);
}

int notify_templates_has(const notify_templates_t *self, const char *kind)
{
    for (int i = 0; i < self->n; i++)
        if (s_kind(self, i, kind))
            return 1;
    return 0;
}

/* The value of a variable: vars[name], or for "x_label" the label of vars[x]. NULL if
 * missing. */
static const char *s_lookup(const char *name, const json_t *vars, const json_t *labels)
{
    const char *v = json_string_value(json_object_get(vars, name));
    if (v)
        return v;
    size_t n = strlen(name);
    if (n > 6 && strcmp(name + n - 6, "_label") == 0 && labels) {
        char base[S_VAR_MAX];
        snprintf(base, sizeof base, "%.*s", (int)(n - 6), name);
        const char *raw = json_string_value(json_object_get(vars, base));
        if (raw)
            return json_string_value(json_object_get(json_object_get(labels, base), raw));
    }
    return NULL;
}

char *notify_template_expand(const char *tpl, const json_t *vars, const json_t *labels,
                             fc_err_t *err)
{
    fc_buf_t b;
    fc_buf_init(&b);
    const char *p = tpl;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            fc_buf_puts(&b, p);
            break;
        }
        fc_buf_append(&b, p, (size_t)(open - p));
        const char *close = strstr(open + 2, "}}");
        size_t n = close ? (size_t)(close - open - 2) : 0;
        if (!close || n == 0 || n >= S_VAR_MAX) {
            fc_err_set(err, FC_EINVAL, "template", "unterminated or bad variable at \"%.20s\"",
                       open);
            fc_buf_fini(&b);
            return NULL;
        }
        char name[S_VAR_MAX];
        memcpy(name, open + 2, n);
        name[n] = '\0';
        const char *v = s_lookup(name, vars, labels);
        if (!v) {
            fc_err_set(err, FC_EINVAL, name, "模板变量“%s”缺失", name);
            fc_buf_fini(&b);
            return NULL;
        }
        fc_buf_puts(&b, v);
        p = close + 2;
    }
    if (!b.data)
        fc_buf_append(&b, "", 0);
    return b.data;
}

char *notify_utf8_cut(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return fc_xstrdup(s);
    static const char ellipsis[] = "\xe2\x80\xa6"; /* … */
    size_t keep = max >= 3 ? max - 3 : 0;
    /* back up to the start of a character: continuation bytes are 10xxxxxx */
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
        keep--;
    char *out = fc_xmalloc(keep + sizeof ellipsis);
    memcpy(out, s, keep);
    memcpy(out + keep, ellipsis, sizeof ellipsis);
    return out;
}

/* {"p1": "v1", ...} for the SMS provider: every parameter is a string. */
static char *s_sms_params(const json_t *params, const json_t *vars, const json_t *labels,
                          fc_err_t *err)
{
    json_t *o = json_object();
    size_t i;
    const json_t *p;
    char *out = NULL;
    json_array_foreach(params, i, p)
    {
        const char *name = json_string_value(p);
        const char *v = s_lookup(name, vars, labels);
        if (!v) {
            fc_err_set(err, FC_EINVAL, name, "短信模板参数“%s”缺失", name);
            goto out;
        }
        json_object_set_new(o, name, json_string(v));
    }
    out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
out:
    json_decref(o);
    return out;
}

int notify_template_render(const notify_templates_t *self, const char *lang, const char *kind,
                           const json_t *vars, notify_rendered_t *out, const char **lang_used_out,
                           fc_err_t *err)
{
    memset(out, 0, sizeof *out);
    int li = -1;
    for (int i = 0; i < self->n && li < 0; i++)
        if (lang && strcmp(self->langs[i], lang) == 0 && s_kind(self, i, kind))
            li = i;
    if (li < 0 && s_kind(self, self->def, kind))
        li = self->def;
    if (li < 0)
        return fc_err_set(err, FC_ENOTFOUND, "kind", "没有“%s”类消息的模板", kind);
    const json_t *t = s_kind(self, li, kind);
    const json_t *labels = json_object_get(self->docs[li], "labels");
    const json_t *md = json_object_get(t, "markdown");
    const json_t *sms = json_object_get(t, "sms");
    int rc = FC_EINVAL;
    if (!(out->title = notify_template_expand(json_string_value(json_object_get(t, "title")), vars,
                                              labels, err)))
        goto out;
    if (!(out->text = notify_template_expand(json_string_value(json_object_get(t, "text")), vars,
                                             labels, err)))
        goto out;
    out->markdown =
        md ? notify_template_expand(json_string_value(md), vars, labels, err) : fc_xstrdup("");
    if (!out->markdown)
        goto out;
    out->sms_template =
        fc_xstrdup(sms ? json_string_value(json_object_get(sms, "template_code")) : "");
    const json_t *params = sms ? json_object_get(sms, "params") : NULL;
    out->sms_params = params ? s_sms_params(params, vars, labels, err) : fc_xstrdup("{}");
    if (!out->sms_params)
        goto out;
    if (lang_used_out)
        *lang_used_out = self->langs[li];
    rc = FC_OK;
out:
    if (rc != FC_OK)
        notify_rendered_fini(out);
    return rc;
}

void notify_rendered_fini(notify_rendered_t *r)
{
    if (!r)
        return;
    free(r->title);
    free(r->text);
    free(r->markdown);
    free(r->sms_template);
    free(r->sms_params);
    memset(r, 0, sizeof *r);
}
