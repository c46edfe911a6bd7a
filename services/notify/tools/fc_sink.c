/* fc-sink: the demo's stand-ins for the outside world notify talks to, on loopback: WeCom group
 * robots (POST /robot/<key>), an SMS provider (POST /sms/send, /sms/query) and an SMTP server.
 * They answer like the real ones (notify_fake, the same fakes notify's tests use) and journal
 * every request as one JSON line to a file, so a user can read exactly what "was sent".
 * Usage: fc-sink --http-port N [--smtp-port N] --journal FILE   (runs until SIGTERM/SIGINT) */
#include "notify_fake.h"
#include "fc_clock.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t s_stop;

static void on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

int main(int argc, char **argv)
{
    int http_port = 0, smtp_port = 0;
    const char *journal = NULL;
    static const struct option opts[] = {{"http-port", required_argument, NULL, 'h'},
                                         {"smtp-port", required_argument, NULL, 's'},
                                         {"journal", required_argument, NULL, 'j'},
                                         {0}};
    int c;
    while ((c = getopt_long(argc, argv, "h:s:j:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': http_port = atoi(optarg); break;
        case 's': smtp_port = atoi(optarg); break;
        case 'j': journal = optarg; break;
        default: goto usage;
        }
    }
    if (http_port <= 0 || http_port > 65535 || smtp_port < 0 || smtp_port > 65535 || !journal)
        goto usage;
    fc_err_t err;
    const char *spec = getenv("FC_CLOCK");
    if (spec && *spec && fc_clock_configure(spec, &err) != FC_OK) {
        fprintf(stderr, "fc-sink: FC_CLOCK: %s\n", err.message);
        return 2;
    }
    FILE *f = fopen(journal, "a");
    if (!f) {
        perror(journal);
        return 1;
    }
    int rc = 1;
    notify_fake_t *http = notify_fake_http_new(http_port, 0);
    notify_fake_t *smtp = smtp_port ? notify_fake_smtp_new(smtp_port) : NULL;
    if (!http || (smtp_port && !smtp)) {
        fprintf(stderr, "fc-sink: cannot listen on 127.0.0.1:%d%s\n", http ? smtp_port : http_port,
                http ? " (SMTP)" : "");
        goto out;
    }
    notify_fake_journal(http, f);
    if (smtp)
        notify_fake_journal(smtp, f);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    fprintf(stderr, "fc-sink: WeCom robots and SMS on http://127.0.0.1:%d, journal %s\n",
            http_port, journal);
    while (!s_stop)
        sleep(1); /* the signal may land on a server thread: look again each second */
    rc = 0;
out:
    notify_fake_destroy(&http);
    notify_fake_destroy(&smtp);
    fclose(f);
    return rc;
usage:
    fprintf(stderr, "usage: fc-sink --http-port N [--smtp-port N] --journal FILE\n");
    return 2;
}
