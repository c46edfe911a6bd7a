/* fcctl: the command-line client for Frontline Care. Global options, then a subcommand. */
#include "fcctl.h"
#include "fc_clock.h"
#include "fc_log.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

static const fcctl_cmd_t *s_tables[] = {fcctl_health_cmds,  fcctl_intake_cmds,
                                        fcctl_rotation_cmds, fcctl_welfare_cmds,
                                        fcctl_notify_cmds,   fcctl_report_cmds,
                                        fcctl_gateway_cmds, fcctl_play_cmds,
                                        fcctl_supply_cmds};

static void s_usage(FILE *out)
{
    fprintf(out, "usage: fcctl [--json] [--scope ORG] [--actor ID] [--role ROLE] "
                 "[--timeout MS] COMMAND ...\n\ncommands:\n");
    for (size_t t = 0; t < sizeof s_tables / sizeof s_tables[0]; t++)
        for (const fcctl_cmd_t *c = s_tables[t]; c->name; c++)
            fprintf(out, "  %-14s %s\n", c->name, c->help);
    fprintf(out, "\nfcctl COMMAND --help shows a command's arguments. Exit codes: 0 ok, 1 refused "
                 "by the service, 2 usage, 3 service unavailable, 4 other failure.\n"
                 "Environment: FC_<SERVICE>_ENDPOINT, FC_ORG_SCOPE, FC_ACTOR, FC_ROLE.\n");
}

/* Finds the command named by one or two words; *words how many it used. */
static const fcctl_cmd_t *s_find(int argc, char **argv, int *words)
{
    for (size_t t = 0; t < sizeof s_tables / sizeof s_tables[0]; t++)
        for (const fcctl_cmd_t *c = s_tables[t]; c->name; c++) {
            char two[128];
            snprintf(two, sizeof two, "%s %s", argv[0], argc > 1 ? argv[1] : "");
            if (strcmp(c->name, argv[0]) == 0) {
                *words = 1;
                return c;
            }
            if (argc > 1 && strcmp(c->name, two) == 0) {
                *words = 2;
                return c;
            }
        }
    return NULL;
}

int main(int argc, char **argv)
{
    fcctl_t ctl = {0, getenv("FC_ORG_SCOPE"), getenv("FC_ACTOR"), getenv("FC_ROLE"), 5000, NULL};
    fc_log_init("fcctl", FC_LOG_ERROR);
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"scope", required_argument, NULL, 's'},
                                         {"actor", required_argument, NULL, 'a'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0}};
    int c;
    /* "+": stop at the first non-option, the subcommand */
    while ((c = getopt_long(argc, argv, "+js:a:r:t:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': ctl.json = 1; break;
        case 's': ctl.scope = optarg; break;
        case 'a': ctl.actor = optarg; break;
        case 'r': ctl.role = optarg; break;
        case 't': ctl.timeout_ms = atoi(optarg) > 0 ? atoi(optarg) : 5000; break;
        case 'h': s_usage(stdout); return FCCTL_OK;
        default: s_usage(stderr); return FCCTL_EUSAGE;
        }
    }
    if (optind >= argc) {
        s_usage(stderr);
        return FCCTL_EUSAGE;
    }
    int words = 0;
    const fcctl_cmd_t *cmd = s_find(argc - optind, argv + optind, &words);
    if (!cmd) {
        fprintf(stderr, "fcctl: unknown command \"%s\"\n", argv[optind]);
        s_usage(stderr);
        return FCCTL_EUSAGE;
    }
    int sub_argc = argc - optind - words + 1;
    char **sub_argv = argv + optind + words - 1;
    for (int i = 1; i < sub_argc; i++)
        if (strcmp(sub_argv[i], "--help") == 0 || strcmp(sub_argv[i], "-h") == 0) {
            printf("usage: fcctl %s\n%s\n", cmd->usage, cmd->help);
            return FCCTL_OK;
        }
    fc_err_t err;
    if (fc_clock_configure(getenv("FC_CLOCK"), &err) != FC_OK) {
        fcctl_print_error(&err);
        return FCCTL_EUSAGE;
    }
    ctl.zmq = zmq_ctx_new();
    optind = 0; /* reinitialise getopt for the subcommand */
    int rc = cmd->run(&ctl, sub_argc, sub_argv);
    if (rc == FCCTL_EUSAGE)
        fprintf(stderr, "usage: fcctl %s\n", cmd->usage);
    zmq_ctx_term(ctl.zmq);
    return rc;
}
