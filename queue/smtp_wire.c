/* smtp_wire.c - connection, reply reader and body writer of the SMTP
 * client (smtp_wire.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/time.h>
#include <unistd.h>
#include "smtp_wire.h"
#include "state.h"

static int capped(const struct smtp_conn *c, int seconds)
{
	return c->cap > 0 && c->cap < seconds ? c->cap : seconds;
}

void smtp_made_up(struct smtp_reply *r, int code, const char *fmt, ...)
{
	char text[STATE_REPLY_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	r->code = code;
	state_clean_text(r->text, sizeof r->text, text);
}

int smtp_target_address(const struct mx_target *t, char *addr, size_t size,
			int *port)
{
	snprintf(addr, size, "?");
	*port = 0;
	if (t->addr.ss_family == AF_INET) {
		const struct sockaddr_in *s = (const void *)&t->addr;
		if (!inet_ntop(AF_INET, &s->sin_addr, addr, (socklen_t)size))
			return -1;
		*port = ntohs(s->sin_port);
		return 0;
	}
	if (t->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const void *)&t->addr;
		if (!inet_ntop(AF_INET6, &s->sin6_addr, addr, (socklen_t)size))
			return -1;
		*port = ntohs(s->sin6_port);
		return 0;
	}
	return -1;
}

void smtp_conn_start(struct smtp_conn *c, const struct mx_target *t, int cap)
{
	char addr[INET6_ADDRSTRLEN];
	int port;
	memset(c, 0, sizeof *c);
	c->cap = cap;
	c->fd = -1;
	c->helper = -1;
	smtp_target_address(t, addr, sizeof addr, &port);
	snprintf(c->relay, sizeof c->relay, "%s[%s]:%d", t->host, addr, port);
}

void smtp_conn_attach(struct smtp_conn *c, int fd)
{
	c->fd = fd;
	input_init(&c->in, fd, capped(c, SMTP_TIMEOUT_GREETING) * 1000);
	output_init(&c->out, fd, capped(c, SMTP_TIMEOUT_BLOCK) * 1000);
}

/* Wait for a non-blocking connect. 0 or -1 with errno. */
static int connect_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int rc, err = 0;
	socklen_t len = sizeof err;
	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc == 0)
		errno = ETIMEDOUT;
	if (rc <= 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		return -1;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int smtp_connect(struct smtp_conn *c, const struct mx_target *t, int cap,
		 struct smtp_reply *r)
{
	smtp_conn_start(c, t, cap);
	int fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		smtp_made_up(r, 421, "421 4.4.1 socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)&t->addr, t->addr_len) < 0 &&
	    (errno != EINPROGRESS ||
	     connect_wait(fd, capped(c, SMTP_TIMEOUT_CONNECT) * 1000) < 0)) {
		smtp_made_up(r, 421, "421 4.4.1 connect to %s: %s", c->relay, strerror(errno));
		close(fd);
		return -1;
	}
	/* Blocking from here; SO_SNDTIMEO bounds a stuck write (§4.5.3.2.5).
	 * Every flush is a whole command group, so Nagle only adds delay. */
	struct timeval tv = { .tv_sec = capped(c, SMTP_TIMEOUT_BLOCK) };
	int flags = fcntl(fd, F_GETFL), one = 1;
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
		smtp_made_up(r, 421, "421 4.4.1 socket setup: %s", strerror(errno));
		close(fd);
		return -1;
	}
	smtp_conn_attach(c, fd);
	return 0;
}

/* Record an EHLO keyword line (§4.1.1.1: "250-KEYWORD params"). */
static void ehlo_keyword(struct smtp_conn *c, const char *p)
{
	size_t n = strcspn(p, " ");
	if (n == 10 && strncasecmp(p, "PIPELINING", n) == 0)
		c->pipelining = 1;
	else if (n == 8 && strncasecmp(p, "8BITMIME", n) == 0)
		c->eightbitmime = 1;
	else if (n == 8 && strncasecmp(p, "SMTPUTF8", n) == 0)
		c->smtputf8 = 1;
	else if (n == 8 && strncasecmp(p, "CHUNKING", n) == 0)
		c->chunking = 1;
	else if (n == 10 && strncasecmp(p, "BINARYMIME", n) == 0)
		c->binarymime = 1;
	else if (n == 3 && strncasecmp(p, "DSN", n) == 0)
		c->dsn = 1;
	else if (n == 4 && strncasecmp(p, "SIZE", n) == 0)
		c->size_max = p[4] == ' ' ? strtoll(p + 5, NULL, 10) : 0;
	else if (n == 8 && strncasecmp(p, "STARTTLS", n) == 0)
		c->starttls = 1;
}

static void append_text(struct smtp_reply *r, const char *line, int first)
{
	size_t used = strlen(r->text);
	char clean[STATE_REPLY_MAX];
	state_clean_text(clean, sizeof clean, line);
	if (clean[0] && clean[1] && clean[2] && clean[3] == '-')
		clean[3] = ' ';         /* "250-first" reads as "250 first; ..." */
	snprintf(r->text + used, sizeof r->text - used, "%s%s",
		 first ? "" : "; ", first ? clean : clean + 4);
}

/* One reply line. 1 the last line, 0 more follow, -1 trouble. */
static int reply_line(struct smtp_conn *c, struct smtp_reply *r, int first,
		      int ehlo)
{
	char line[SMTP_CLIENT_REPLY_LINE_MAX + 1];
	size_t len;
	int flags;
	enum input_status s = input_line(&c->in, line, sizeof line, &len, &flags);
	if (s == INPUT_TIMEOUT) {
		smtp_made_up(r, 421, "421 4.4.2 %s: timeout waiting for a reply", c->relay);
		return -1;
	}
	if (s != INPUT_OK || len < 3 || strspn(line, "0123456789") < 3 ||
	    (len > 3 && line[3] != ' ' && line[3] != '-') ||
	    line[0] < '2' || line[0] > '5') {
		smtp_made_up(r, 421, "421 4.4.2 %s: %s", c->relay,
			s == INPUT_EOF ? "connection closed" :
			s == INPUT_ERROR ? "read error" : "malformed reply");
		return -1;
	}
	int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	if (!first && code != r->code) {
		smtp_made_up(r, 421, "421 4.4.2 %s: inconsistent multi-line reply", c->relay);
		return -1;
	}
	r->code = code;
	append_text(r, line, first);
	if (ehlo && !first && len > 4)
		ehlo_keyword(c, line + 4);
	return len == 3 || line[3] == ' ';
}

int smtp_read_reply(struct smtp_conn *c, int timeout, struct smtp_reply *r,
		    int ehlo)
{
	r->code = 0;
	r->text[0] = '\0';
	c->in.timeout_ms = capped(c, timeout) * 1000;
	for (int i = 0; i < SMTP_REPLY_LINES_MAX; i++) {
		int rc = reply_line(c, r, i == 0, ehlo);
		if (rc < 0)
			return -1;
		if (rc == 1)
			return 0;
	}
	smtp_made_up(r, 421, "421 4.4.2 %s: reply too long", c->relay);
	return -1;
}

int smtp_command(struct smtp_conn *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = output_vprintf(&c->out, fmt, ap);
	va_end(ap);
	return rc < 0 ? -1 : output_write(&c->out, "\r\n", 2);
}

int smtp_write_failed(struct smtp_conn *c, struct smtp_reply *r)
{
	smtp_made_up(r, 421, "421 4.4.2 %s: write failed: %s", c->relay, strerror(errno));
	return -1;
}

int smtp_flush(struct smtp_conn *c, struct smtp_reply *r)
{
	return output_flush(&c->out) == 0 ? 0 : smtp_write_failed(c, r);
}

void smtp_close(struct smtp_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->helper > 0) {
		kill(c->helper, SIGTERM);
		while (waitpid(c->helper, NULL, 0) < 0 && errno == EINTR)
			;
	}
	c->helper = -1;
}
