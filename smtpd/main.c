/* main.c - smtpd: the SMTP server (RFC 5321), one process per connection
 * on stdin/stdout. MX mode by default; -s for message submission
 * (RFC 6409); -T when a TLS wrapper runs us. See postern-smtpd(8).
 *
 * The state machine of the protocol is the command table below: each verb
 * with the states where it is allowed, the reply when it is not, and its
 * handler. One loop reads a command, dispatches it and writes the reply. */
#include <ctype.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "control.h"
#include "log.h"
#include "password.h"
#include "peer.h"
#include "smtpd.h"

struct command {
	const char *verb;
	unsigned states;                /* enum smtp_state bits where allowed */
	enum reply refusal;             /* the reply in any other state */
	enum reply (*handler)(struct session *, char *);
};

#define AFTER_HELLO (STATE_HELLO | STATE_MAIL | STATE_RCPT)

static const struct command commands[] = {
	{"HELO", STATE_ANY,       REPLY_SEQUENCE,    cmd_helo},
	{"EHLO", STATE_ANY,       REPLY_SEQUENCE,    cmd_ehlo},
	{"AUTH", STATE_HELLO,     REPLY_SEQUENCE,    cmd_auth},
	{"MAIL", STATE_HELLO,     REPLY_NESTED_MAIL, cmd_mail},
	{"RCPT", STATE_MAIL | STATE_RCPT, REPLY_NEED_MAIL, cmd_rcpt},
	{"DATA", STATE_MAIL | STATE_RCPT, REPLY_NEED_MAIL, cmd_data},
	{"RSET", STATE_ANY,       REPLY_SEQUENCE,    cmd_rset},
	{"NOOP", STATE_ANY,       REPLY_SEQUENCE,    cmd_noop},
	{"QUIT", STATE_ANY,       REPLY_SEQUENCE,    cmd_quit},
	{"VRFY", STATE_ANY,       REPLY_SEQUENCE,    cmd_vrfy},
	{"EXPN", STATE_ANY,       REPLY_SEQUENCE,    cmd_expn},
	{"HELP", STATE_ANY,       REPLY_SEQUENCE,    cmd_help},
};

/* All of the session lives here, outside the stack: the input and output
 * buffers are sized from the RFCs and allocated once, for free, in BSS. */
static struct session session;

static const struct command *command_find(const char *verb, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strlen(commands[i].verb) == n &&
		    strncasecmp(commands[i].verb, verb, n) == 0)
			return &commands[i];
	return NULL;
}

/* One command line: find the verb, check the state, run the handler. */
static enum reply command_run(struct session *s, char *line, size_t len)
{
	const struct command *c;
	size_t n;

	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	for (n = 0; n < len && line[n] != ' '; n++)
		;
	c = command_find(line, n);
	if (!c)
		return REPLY_UNKNOWN;
	if (!(c->states & s->state))
		return s->state == STATE_GREETED ? REPLY_NEED_HELLO : c->refusal;
	return c->handler(s, n < len ? line + n + 1 : line + n);
}

/* Read one command and answer it. */
static void command_next(struct session *s)
{
	char line[SMTP_COMMAND_LINE_MAX + 1];
	size_t len;
	int flags;
	enum reply r;

	switch (input_line(&s->in, line, sizeof line, &len, &flags)) {
	case INPUT_OK:
		if (flags & INPUT_NUL)
			r = REPLY_NUL;
		else if (flags & (INPUT_BARE_LF | INPUT_BARE_CR))
			r = REPLY_BARE_CR_LF;
		else
			r = command_run(s, line, len);
		break;
	case INPUT_TOO_LONG:
		r = REPLY_LINE_TOO_LONG;
		break;
	case INPUT_TIMEOUT:
		log_event("event=timeout client=%s", s->client_ip);
		r = REPLY_TIMEOUT;
		break;
	default:
		s->state = STATE_CLOSED;
		return;
	}
	if (r != REPLY_SENT && r != REPLY_SENT_BAD)
		reply_send(s, r);
	if (!reply_is_bad(r)) {
		s->bad_commands = 0;
	} else if (++s->bad_commands >= SMTP_BAD_COMMANDS_MAX &&
		   s->state != STATE_CLOSED) {
		log_event("event=too-many-errors client=%s", s->client_ip);
		reply_send(s, REPLY_TOO_MANY_ERRORS);
	}
}

/* Copy a launcher-supplied host name, keeping only what a DNS name holds. */
static void copy_host_name(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; src && src[i] && i + 1 < size; i++)
		dst[i] = isalnum((unsigned char)src[i]) || src[i] == '.' ||
			 src[i] == '-' ? src[i] : '?';
	dst[i] = '\0';
}

static void usage(void)
{
	log_fatal(64, "usage: smtpd [-s] [-T]");
}

static void session_init(struct session *s, int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "sT")) != -1) {
		if (opt == 's')
			s->submission = 1;
		else if (opt == 'T')
			s->encrypted = 1;
		else
			usage();
	}
	if (optind != argc)
		usage();
	s->encrypted = password_link_encrypted(s->encrypted);
	s->relayclient = getenv("RELAYCLIENT") != NULL;
	s->relaynet = -1;
	s->state = STATE_GREETED;
	s->maxsize = (struct setting){ SETTING_MAXSIZE, 0, 0 };
	s->maxrcpt = (struct setting){ SETTING_MAXRCPT, 0, 0 };
	s->timeout = (struct setting){ SETTING_TIMEOUT, 0, 0 };
	envelope_init(&s->env);
	peer_address(s->client_ip, sizeof s->client_ip);
	copy_host_name(s->client_host, sizeof s->client_host,
		       getenv("TCPREMOTEHOST"));
}

/* The settings smtpd reads, checked before the greeting. */
static const enum setting_id smtpd_settings[] = {
	SETTING_TIMEOUT, SETTING_MAXSIZE, SETTING_MAXRCPT, SETTING_PLAINTEXTAUTH,
};

/* The greeting (RFC 5321 §4.3.1), or 421 when we cannot serve. */
static int greet(struct session *s)
{
	long timeout = 0;
	int ms;

	if (control_me(s->me, sizeof s->me) < 0) {
		snprintf(s->me, sizeof s->me, "localhost");
		return -1;
	}
	/* lib/settings.h: a broken setting refuses service, at once */
	if (settings_check(smtpd_settings, sizeof smtpd_settings /
			   sizeof smtpd_settings[0]) < 0 ||
	    setting_get(&s->timeout, &timeout) < 0)
		return -1;
	/* Kept well inside an int of milliseconds: about 24 days. */
	ms = timeout > 2000000 ? 2000000000 : (int)timeout * 1000;
	input_init(&s->in, 0, ms);
	output_init(&s->out, 1, ms);
	reply_line(s, 220, " %s ESMTP postern", s->me);
	return 0;
}

int main(int argc, char **argv)
{
	struct session *s = &session;

	log_init("smtpd");
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_fatal(111, "cannot ignore SIGPIPE");
	session_init(s, argc, argv);
	if (greet(s) < 0) {
		output_init(&s->out, 1, 10000);
		log_event("event=config-error client=%s", s->client_ip);
		reply_send(s, REPLY_CONFIG);
		output_flush(&s->out);
		return 111;
	}
	log_event("event=connect client=%s mode=%s%s", s->client_ip,
		  s->submission ? "submission" : "mx",
		  s->encrypted ? " tls=1" : "");
	while (s->state != STATE_CLOSED) {
		reply_flush(s, 0);
		if (s->state != STATE_CLOSED)
			command_next(s);
	}
	reply_flush(s, 1);
	log_event("event=disconnect client=%s queued=%lu", s->client_ip,
		  s->queued);
	envelope_free(&s->env);
	return 0;
}
