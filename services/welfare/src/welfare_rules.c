/* welfare_rules: validation of codes, amounts, funds, kinds, keys and texts. */
#include "welfare_rules.h"

#include <stdio.h>
#include <string.h>

int welfare_rules_code(const char *field, const char *value, fc_err_t *err)
{
    size_t n = value ? strlen(value) : 0;
    if (n == 0)
        return fc_err_set(err, FC_EINVAL, field, "不能为空");
    if (n > 32)
        return fc_err_set(err, FC_EINVAL, field, "长度 %zu 超过 32 个字符", n);
    if (strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n)
        return fc_err_set(err, FC_EINVAL, field, "“%s”含有非法字符（只允许字母、数字、_ . -）",
                          value);
    return FC_OK;
}

int welfare_rules_amount(const char *field, int64_t fen, int64_t max, fc_err_t *err)
{
    char a[48], b[48];
    if (fen <= 0)
        return fc_err_set(err, FC_EINVAL, field, "金额必须大于零（收到 %lld 分）", (long long)fen);
    if (fen > max)
        return fc_err_set(err, FC_EINVAL, field, "金额 %s 超过上限 %s",
                          welfare_yuan(fen, a, sizeof a), welfare_yuan(max, b, sizeof b));
    return FC_OK;
}

int welfare_rules_fund(const char *field, const char *name, int *fund_out, fc_err_t *err)
{
    int f = welfare_fund_code(name);
    if (f < 0)
        return fc_err_set(err, FC_EINVAL, field,
                          "“%s”不是资金类别（special_party_fee 专项党费、matching 本级配套资金、"
                          "retained_party_fee 留存党费、epidemic_subsidy 疫情防控补助经费）",
                          name ? name : "");
    *fund_out = f;
    return FC_OK;
}

int welfare_rules_kind(const char *field, const char *name, int *kind_out, fc_err_t *err)
{
    int k = welfare_kind_code(name);
    if (k < 0)
        return fc_err_set(
            err, FC_EINVAL, field,
            "“%s”不是发放类别（condolence 慰问金、frontline_subsidy 临时性工作补助、"
            "epidemic_allowance 卫生防疫津贴、hardship 困难帮扶、insurance_claim 保险赔付）",
            name ? name : "");
    *kind_out = k;
    return FC_OK;
}

int welfare_rules_key(const char *field, const char *key, int required, fc_err_t *err)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0)
        return required ? fc_err_set(err, FC_EINVAL, field, "幂等键不能为空") : FC_OK;
    if (n > WELFARE_KEY_MAX)
        return fc_err_set(err, FC_EINVAL, field, "幂等键长度 %zu 超过 %d 个字符", n,
                          WELFARE_KEY_MAX);
    for (size_t i = 0; i < n; i++)
        if (key[i] <= ' ' || key[i] > '~')
            return fc_err_set(err, FC_EINVAL, field,
                              "幂等键只能包含可打印的 ASCII 字符（不含空格），第 %zu 个字符不符合",
                              i + 1);
    if (strncmp(key, WELFARE_AUTO_KEY_PREFIX, strlen(WELFARE_AUTO_KEY_PREFIX)) == 0)
        return fc_err_set(err, FC_EINVAL, field, "以“%s”开头的幂等键保留给自动发放",
                          WELFARE_AUTO_KEY_PREFIX);
    return FC_OK;
}

int welfare_rules_text(const char *field, const char *value, size_t max, int required,
                       fc_err_t *err)
{
    size_t n = value ? strlen(value) : 0;
    if (required && n == 0)
        return fc_err_set(err, FC_EINVAL, field, "不能为空");
    if (n > max)
        return fc_err_set(err, FC_EINVAL, field, "长度 %zu 字节超过上限 %zu", n, max);
    return FC_OK;
}

int welfare_rules_state(const char *field, const char *state, fc_err_t *err)
{
    static const char *states[] = {"awaiting_funds", "pending",  "paid", "rejected",
                                   "expired",        "reversed", NULL};
    for (const char **s = states; *s; s++)
        if (strcmp(*s, state) == 0)
            return FC_OK;
    return fc_err_set(err, FC_EINVAL, field,
                      "“%s”不是状态（awaiting_funds、pending、paid、rejected、expired、reversed）",
                      state);
}
