/* pop3d.c - the POP3 server (RFC 1939, RFC 2449, RFC 5034), one process
 * per connection on stdin/stdout. See postern-pop3d(8) and session.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "control.h"
#include "settings.h"
#include "log.h"
#include "password.h"
#include "peer.h"
#include "session.h"

#define BOTH (STATE_AUTHORIZATION | STATE_TRANSACTION)

/* The protocol: each verb, the states it is allowed in, its handler. */
static const struct command {
	const char *verb;
	unsigned states;
	command_handler handler;
} commands[] = {
	{ "USER", STATE_AUTHORIZATION, command_user },
	{ "PASS", STATE_AUTHORIZATION, command_pass },
	{ "AUTH", STATE_AUTHORIZATION, command_auth },
	{ "STAT", STATE_TRANSACTION, command_stat },
	{ "LIST", STATE_TRANSACTION, command_list },
	{ "RETR", STATE_TRANSACTION, command_retr },
	{ "TOP", STATE_TRANSACTION, command_top },
	{ "DELE", STATE_TRANSACTION, command_dele },
	{ "NOOP", STATE_TRANSACTION, command_noop },
	{ "RSET", STATE_TRANSACTION, command_rset },
	{ "UIDL", STATE_TRANSACTION, command_uidl },
	{ "CAPA", BOTH, command_capa },
	{ "QUIT", BOTH, command_quit },
};

int reply_line(struct session *s, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = output_vprintf(&s->out, fmt, ap);
	va_end(ap);
	if (r < 0 || output_write(&s->out, "\r\n", 2) < 0)
		return -1;
	return 0;
}

int plaintext_ok(struct session *s)
{
	if (s->plaintext_ok < 0) {
		int allowed = password_allowed(s->encrypted);
		if (allowed < 0)
			log_event("event=control-error file=plaintextauth errno=%d", errno);
		s->plaintext_ok = allowed == 1; /* a broken setting fails closed */
	}
	return s->plaintext_ok;
}

/* RFC 2449 §5. USER and SASL PLAIN only where a password may be sent
 * (RFC 5034 §4: no plaintext mechanism advertised without TLS unless
 * configured). */
enum reply command_capa(struct session *s, char *args)
{
	static const char *const always[] = {
		"TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING",
		"IMPLEMENTATION postern",
	};
	size_t i;

	if (*args)
		return REPLY_SYNTAX;
	if (reply_line(s, "+OK capability list follows") < 0)
		return REPLY_FATAL;
	for (i = 0; i < sizeof always / sizeof always[0]; i++)
		if (reply_line(s, "%s", always[i]) < 0)
			return REPLY_FATAL;
	if (plaintext_ok(s) &&
	    (reply_line(s, "USER") < 0 || reply_line(s, "SASL PLAIN") < 0))
		return REPLY_FATAL;
	return reply_line(s, ".") < 0 ? REPLY_FATAL : REPLY_DONE;
}

/* QUIT: in TRANSACTION, the UPDATE state (§6) removes what was DELEted. */
enum reply command_quit(struct session *s, char *args)
{
	size_t failed, deleted;
	char q[128];

	if (*args)
		return REPLY_SYNTAX;
	if (s->state == STATE_AUTHORIZATION) {
		reply_line(s, "+OK bye");
		return REPLY_CLOSE;
	}
	s->state = STATE_UPDATE;
	deleted = s->box.deleted;
	failed = mailbox_update(&s->box);
	log_event("event=logout user=%s retrieved=%lu deleted=%zu failed=%zu",
		  log_quote(s->user, q, sizeof q), s->retrieved, deleted - failed,
		  failed);
	mailbox_close(&s->box);
	if (failed > 0)
		reply_line(s, "-ERR [SYS/TEMP] %zu deleted messages not removed",
			   failed);
	else
		reply_line(s, "+OK bye, %zu messages deleted", deleted);
	return REPLY_CLOSE;
}

/* The verb of line, looked up: the entry, or NULL. *args is set to the
 * rest of the line after one space. */
static const struct command *command_find(char *line, char **args)
{
	size_t n = strcspn(line, " "), i;

	*args = line[n] ? line + n + 1 : line + n;
	if (n < 3 || n > 4)
		return NULL;
	line[n] = '\0';
	for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcasecmp(commands[i].verb, line) == 0)
			return &commands[i];
	return NULL;
}

/* Write the standard reply for a handler's code. */
static enum reply reply_standard(struct session *s, enum reply r)
{
	static const char *const text[] = {
		[REPLY_OK] = "+OK",
		[REPLY_SYNTAX] = "-ERR syntax error in arguments",
		[REPLY_NO_MESSAGE] = "-ERR no such message",
		[REPLY_DELETED] = "-ERR message is marked deleted",
		[REPLY_VANISHED] = "-ERR message is no longer in the mailbox",
		[REPLY_TEMPORARY] = "-ERR [SYS/TEMP] temporary failure, try again later",
	};

	if (r == REPLY_SYNTAX)
		s->bad_commands++;
	if (r == REPLY_DONE || r == REPLY_CLOSE || r == REPLY_FATAL)
		return r;
	return reply_line(s, "%s", text[r]) < 0 ? REPLY_FATAL : REPLY_DONE;
}

/* One command line: refuse what is malformed, find the verb, check the
 * state, run the handler, write its standard reply. */
static enum reply dispatch(struct session *s, char *line, int flags)
{
	const struct command *c;
	char *args;

	if (flags & (INPUT_NUL | INPUT_BARE_CR)) {
		s->bad_commands++;
		return reply_line(s, "-ERR malformed command line") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	c = command_find(line, &args);
	if (c == NULL) {
		s->bad_commands++;
		return reply_line(s, "-ERR unknown command") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	if (!(c->states & s->state)) {
		s->bad_commands++;
		return reply_line(s, "-ERR command not valid in this state") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	return reply_standard(s, c->handler(s, args));
}

/* Read one line. INPUT_OK, or the status that ends the session (after
 * logging it); an over-long line is refused here and skipped. */
static enum input_status next_line(struct session *s, char *line, size_t size,
				   int *flags)
{
	enum input_status st;
	size_t len;

	for (;;) {
		if (input_buffered(&s->in) == 0 && output_flush(&s->out) < 0)
			return INPUT_ERROR;
		st = input_line(&s->in, line, size, &len, flags);
		if (st != INPUT_TOO_LONG)
			break;
		s->bad_commands++;
		if (reply_line(s, "-ERR line too long") < 0)
			return INPUT_ERROR;
		if (s->bad_commands >= POP3_BAD_COMMANDS_MAX)
			return INPUT_EOF;
	}
	/* §3: autologout closes without a reply and without UPDATE. */
	if (st == INPUT_TIMEOUT)
		log_event("event=timeout client=%s", s->peer);
	else if (st == INPUT_EOF)
		log_event("event=disconnect client=%s", s->peer);
	else if (st == INPUT_ERROR)
		log_event("event=read-error client=%s errno=%d", s->peer, errno);
	return st;
}

/* The dispatch loop. Returns the exit code. */
static int session_run(struct session *s)
{
	char line[POP3_COMMAND_LINE_MAX + 1];
	enum reply r;
	int flags;

	for (;;) {
		if (s->bad_commands >= POP3_BAD_COMMANDS_MAX) {
			log_event("event=too-many-errors client=%s", s->peer);
			reply_line(s, "-ERR too many errors, closing");
			break;
		}
		if (next_line(s, line, sizeof line, &flags) != INPUT_OK)
			return s->out.error ? 111 : 0;
		r = dispatch(s, line, flags);
		explicit_bzero(line, sizeof line);      /* PASS, AUTH PLAIN */
		if (r == REPLY_FATAL)
			return 111;
		if (r == REPLY_CLOSE)
			break;
	}
	return output_flush(&s->out) < 0 ? 111 : 0;
}

/* Settings from the control files and the environment. */
static void session_init(struct session *s, int encrypted)
{
	char addr[128];
	long timeout;

	/* a broken file is refused in main (settings_check) */
	setting_value(SETTING_POP3TIMEOUT, &timeout, NULL);
	s->state = STATE_AUTHORIZATION;
	s->encrypted = password_link_encrypted(encrypted);
	s->plaintext_ok = -1;
	mailbox_init(&s->box);
	input_init(&s->in, 0, (int)timeout * 1000);
	output_init(&s->out, 1, (int)timeout * 1000);
	/* $TCPREMOTEIP and $REMOTE_ADDR come from outside: quote for logs. */
	log_quote(peer_address(addr, sizeof addr), s->peer, sizeof s->peer);
}

/* The settings pop3d reads (checked before the greeting). */
static const enum setting_id pop3d_settings[] = {
	SETTING_POP3TIMEOUT, SETTING_PLAINTEXTAUTH,
};

int main(int argc, char **argv)
{
	static struct session s;        /* the buffers stay off the stack */
	char me[256];
	int opt, encrypted = 0, code;

	log_init("pop3d");
	while ((opt = getopt(argc, argv, "T")) != -1) {
		if (opt != 'T') {
			fprintf(stderr, "usage: pop3d [-T]\n");
			return 64;
		}
		encrypted = 1;
	}
	if (optind != argc) {
		fprintf(stderr, "usage: pop3d [-T]\n");
		return 64;
	}
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		log_fatal(111, "cannot ignore SIGPIPE");
	session_init(&s, encrypted);
	log_event("event=connect client=%s encrypted=%d", s.peer, s.encrypted);
	if (settings_check(pop3d_settings, sizeof pop3d_settings /
			   sizeof pop3d_settings[0]) < 0) {
		/* lib/settings.h: a broken setting refuses service */
		reply_line(&s, "-ERR [SYS/TEMP] Configuration error, try again later");
		output_flush(&s.out);
		return 111;
	}
	if (control_me(me, sizeof me) < 0)
		snprintf(me, sizeof me, "%s", "localhost");
	if (reply_line(&s, "+OK %s POP3 server ready", me) < 0)
		return 111;
	code = session_run(&s);
	mailbox_close(&s.box);  /* a session that did not QUIT deletes nothing */
	return code;
}
