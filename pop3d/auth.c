/* auth.c - the AUTHORIZATION state: USER/PASS (RFC 1939 §7) and AUTH
 * PLAIN (RFC 5034, RFC 4616). APOP is not offered: it needs every
 * password stored in the clear, and the users file holds crypt hashes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "maildir.h"
#include "password.h"
#include "sasl.h"
#include "session.h"

#define PLAINTEXT_REFUSED \
	"-ERR [AUTH] plaintext authentication is not allowed on an unencrypted link"

/* A user name fit for USER: 1..SESSION_USER_MAX printable octets, no
 * space. */
static int user_name_ok(const char *u)
{
	size_t n = strlen(u), i;

	if (n == 0 || n > SESSION_USER_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || (unsigned char)u[i] >= 0x7f)
			return 0;
	return 1;
}

/* A failed login: delay, count, and hang up after AUTH_FAILURES_MAX. */
static enum reply login_failed(struct session *s, const char *user)
{
	char q[128];

	s->auth_failures++;
	log_event("event=login-failed user=%s client=%s failures=%d",
		  log_quote(user, q, sizeof q), s->peer, s->auth_failures);
	s->user[0] = '\0';
	password_failure_delay();
	if (s->auth_failures >= AUTH_FAILURES_MAX) {
		reply_line(s, "-ERR [AUTH] authentication failed, closing");
		return REPLY_CLOSE;
	}
	return reply_line(s, "-ERR [AUTH] authentication failed") < 0 ?
		REPLY_FATAL : REPLY_DONE;
}

/* The password was right: lock and list the user's Maildir. */
static enum reply enter_mailbox(struct session *s, const char *user)
{
	char dir[PATH_MAX_POSTERN], q[128];
	enum mailbox_status st;

	log_quote(user, q, sizeof q);
	if (maildir_path(dir, sizeof dir, NULL, user) < 0) {
		log_event("event=login-error user=%s reason=maildir-path errno=%d",
			  q, errno);
		s->user[0] = '\0';
		return reply_line(s, "-ERR [SYS/PERM] no mailbox for this user") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	}
	st = mailbox_open(&s->box, dir);
	if (st != MAILBOX_OK) {
		s->user[0] = '\0';
		if (st == MAILBOX_IN_USE) {
			log_event("event=login-in-use user=%s client=%s", q, s->peer);
			return reply_line(s, "-ERR [IN-USE] mailbox is locked by another session") < 0 ?
				REPLY_FATAL : REPLY_DONE;
		}
		log_event("event=login-error user=%s reason=mailbox errno=%d", q, errno);
		return REPLY_TEMPORARY;
	}
	if (user != s->user)
		snprintf(s->user, sizeof s->user, "%s", user);
	s->state = STATE_TRANSACTION;
	log_event("event=login user=%s client=%s messages=%zu", q, s->peer,
		  s->box.count);
	return reply_line(s, "+OK %zu messages", s->box.count) < 0 ?
		REPLY_FATAL : REPLY_DONE;
}

/* Check user's password and log in. */
static enum reply login(struct session *s, const char *user, const char *password)
{
	int r = password_check(user, password);

	if (r < 0) {
		log_event("event=login-error reason=users-file errno=%d", errno);
		s->user[0] = '\0';
		return REPLY_TEMPORARY;
	}
	if (r == 0)
		return login_failed(s, user);
	return enter_mailbox(s, user);
}

enum reply command_user(struct session *s, char *args)
{
	if (!plaintext_ok(s))
		return reply_line(s, PLAINTEXT_REFUSED) < 0 ? REPLY_FATAL : REPLY_DONE;
	if (!user_name_ok(args))
		return REPLY_SYNTAX;
	snprintf(s->user, sizeof s->user, "%s", args);
	return reply_line(s, "+OK send PASS") < 0 ? REPLY_FATAL : REPLY_DONE;
}

/* RFC 1939 §7: PASS has one argument, and a password may hold spaces, so
 * the whole rest of the line is the password. */
enum reply command_pass(struct session *s, char *args)
{
	enum reply r;

	if (!plaintext_ok(s))
		return reply_line(s, PLAINTEXT_REFUSED) < 0 ? REPLY_FATAL : REPLY_DONE;
	if (s->user[0] == '\0')
		return reply_line(s, "-ERR give USER first") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	r = login(s, s->user, args);
	explicit_bzero(args, strlen(args));
	return r;
}

/* RFC 5034 §4: without an initial response, an empty challenge "+ "
 * and read the client's response; "*" cancels. The response goes into
 * buf. REPLY_OK, REPLY_DONE (cancelled or refused, reply written),
 * REPLY_FATAL (connection gone or silent). */
static enum reply sasl_response(struct session *s, char *buf, size_t size)
{
	size_t len;
	int flags;
	enum input_status st;

	if (reply_line(s, "+ ") < 0 || output_flush(&s->out) < 0)
		return REPLY_FATAL;
	st = input_line(&s->in, buf, size, &len, &flags);
	if (st == INPUT_TOO_LONG)
		return reply_line(s, "-ERR authentication response too long") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	if (st != INPUT_OK) {
		log_event("event=%s state=auth client=%s",
			  st == INPUT_TIMEOUT ? "timeout" : "disconnect", s->peer);
		return REPLY_FATAL;
	}
	if (strcmp(buf, "*") == 0)
		return reply_line(s, "-ERR authentication cancelled") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	return REPLY_OK;
}

/* AUTH alone lists the mechanisms (the RFC 1734 form clients still
 * send); AUTH PLAIN [initial-response] logs in. */
enum reply command_auth(struct session *s, char *args)
{
	char response[SASL_PLAIN_MAX + 3];
	char *initial = strchr(args, ' ');
	struct sasl_plain plain;
	enum reply r;

	if (*args == '\0')
		return reply_line(s, "+OK mechanisms follow") < 0 ||
		       (plaintext_ok(s) && reply_line(s, "PLAIN") < 0) ||
		       reply_line(s, ".") < 0 ? REPLY_FATAL : REPLY_DONE;
	if (initial)
		*initial++ = '\0';
	if (initial && (*initial == '\0' || strchr(initial, ' ')))
		return REPLY_SYNTAX;
	if (strcasecmp(args, "PLAIN") != 0)
		return reply_line(s, "-ERR unsupported authentication mechanism") < 0 ?
			REPLY_FATAL : REPLY_DONE;
	if (!plaintext_ok(s))
		return reply_line(s, PLAINTEXT_REFUSED) < 0 ? REPLY_FATAL : REPLY_DONE;
	if (initial == NULL) {
		if ((r = sasl_response(s, response, sizeof response)) != REPLY_OK)
			return r;
		initial = response;
	}
	/* "=" is an empty response (§4): PLAIN cannot be empty. */
	if (strcmp(initial, "=") == 0 || sasl_plain_decode(initial, &plain) < 0) {
		explicit_bzero(response, sizeof response);
		return login_failed(s, "(malformed)");
	}
	explicit_bzero(response, sizeof response);
	r = login(s, plain.authcid, plain.password);
	explicit_bzero(&plain, sizeof plain);
	return r;
}
