/* smtp_tls.c - STARTTLS for the SMTP client through stunnel (see
 * smtp_tls.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bytes.h"
#include "control.h"
#include "smtp_tls.h"

/* The CA store for "verify" unless the "tlscafile" control file names
 * another (Debian's ca-certificates). */
#define TLS_CAFILE_DEFAULT "/etc/ssl/certs/ca-certificates.crt"

int tls_policy(const char *domain, enum tls_policy *p, struct smtp_reply *r)
{
	static const char *const names[] = { "none", "may", "encrypt", "verify" };
	struct bytes v;
	int found;

	*p = TLS_MAY;
	bytes_init(&v, 64);
	found = control_lookup("tls", domain, ' ', &v);
	if (found == 0)
		found = control_lookup("tls", "*", ' ', &v);
	if (found == 1) {
		found = -1;
		for (int i = 0; i < 4; i++)
			if (v.len > 0 && strcasecmp(bytes_str(&v), names[i]) == 0) {
				*p = (enum tls_policy)i;
				found = 1;
			}
	}
	bytes_free(&v);
	if (found < 0)
		smtp_made_up(r, 451, "451 4.3.0 cannot read the tls control file "
			     "(or it names no known policy)");
	return found < 0 ? -1 : 0;
}

void tls_refused(struct smtp_reply *r, const char *relay, int verify)
{
	smtp_made_up(r, 421, "421 4.7.10 %s: TLS is required (tls policy %s) "
		     "but STARTTLS was not offered or failed", relay,
		     verify ? "verify" : "encrypt");
}

/* stunnel's configuration (inetd mode: the service options are global,
 * the local side is stdin/stdout). 0, or -1 when it does not fit. */
static int stunnel_config(char *buf, size_t size, const struct mx_target *t,
			  int timeout, int verify)
{
	char addr[64], cafile[1024];
	int port, n;

	if (smtp_target_address(t, addr, sizeof addr, &port) < 0)
		return -1;
	n = snprintf(buf, size,
		     "foreground = yes\nsyslog = no\ndebug = 0\npid =\n"
		     "client = yes\nprotocol = smtp\nconnect = %s:%d\n"
		     "TIMEOUTconnect = %d\nsni = %s\n", addr, port, timeout,
		     t->host);
	if (n < 0 || (size_t)n >= size)
		return -1;
	if (!verify)
		return snprintf(buf + n, size - (size_t)n, "verifyChain = no\n") <
		       (int)(size - (size_t)n) ? 0 : -1;
	if (control_value("tlscafile", cafile, sizeof cafile,
			  TLS_CAFILE_DEFAULT) < 0)
		return -1;
	return snprintf(buf + n, size - (size_t)n,
			"verifyChain = yes\nCAfile = %s\ncheckHost = %s\n",
			cafile, t->host) < (int)(size - (size_t)n) ? 0 : -1;
}

/* In the child: the socket on stdin/stdout, the configuration on fd 3,
 * stderr to /dev/null (stunnel's own lines are not key=value; the runner
 * logs the outcome), then stunnel. */
static void run_stunnel(int sock, int config)
{
	int null = open("/dev/null", O_WRONLY);
	sock = fcntl(sock, F_DUPFD, 10);
	config = fcntl(config, F_DUPFD, 10);
	if (sock < 0 || config < 0 || null < 0 || dup2(sock, 0) < 0 ||
	    dup2(sock, 1) < 0 || dup2(config, 3) < 0 || dup2(null, 2) < 0)
		_exit(111);
	execlp("stunnel4", "stunnel4", "-fd", "3", (char *)NULL);
	execlp("stunnel", "stunnel", "-fd", "3", (char *)NULL);
	_exit(111);
}

int smtp_connect_tls(struct smtp_conn *c, const struct mx_target *t,
		     int cap, int verify, struct smtp_reply *r)
{
	char config[2048];
	int sv[2], cf[2];
	pid_t pid;

	smtp_conn_start(c, t, cap);
	int timeout = cap > 0 && cap < SMTP_TIMEOUT_CONNECT ? cap :
		      SMTP_TIMEOUT_CONNECT;
	if (stunnel_config(config, sizeof config, t, timeout, verify) < 0) {
		smtp_made_up(r, 451, "451 4.3.0 %s: cannot configure stunnel",
			     c->relay);
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		goto fail;
	if (pipe(cf) < 0) {
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	if (fcntl(cf[1], F_SETFD, FD_CLOEXEC) < 0) {
		close(cf[0]);
		close(cf[1]);
		close(sv[0]);
		close(sv[1]);
		goto fail;
	}
	pid = fork();
	if (pid == 0)
		run_stunnel(sv[1], cf[0]);
	close(sv[1]);
	close(cf[0]);
	/* Far below PIPE_BUF: one write that cannot block. */
	if (pid < 0 || write(cf[1], config, strlen(config)) != (ssize_t)strlen(config)) {
		close(cf[1]);
		close(sv[0]);
		c->helper = pid;
		smtp_close(c);
		goto fail;
	}
	close(cf[1]);
	c->helper = pid;
	smtp_conn_attach(c, sv[0]);
	return 0;
fail:
	smtp_made_up(r, 421, "421 4.4.1 %s: cannot start stunnel: %s", c->relay,
		     strerror(errno));
	return -1;
}
