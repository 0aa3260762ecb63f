/* cmd_auth.c - STARTTLS (RFC 3501 §6.2.1, RFC 9051 §6.2.1), LOGIN
 * (§6.2.3) and AUTHENTICATE PLAIN (§6.2.2, RFC 4616, SASL-IR RFC 4959). Passwords are taken only on an encrypted
 * link unless the control file "plaintextauth" says 1 (§11.1). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "control.h"
#include "folder.h"
#include "imapd.h"
#include "log.h"
#include "maildir.h"
#include "password.h"
#include "penalty.h"
#include "quota.h"
#include "sasl.h"
#include "settings.h"
#include "starttls.h"

long session_maxsize(struct session *s)
{
	if (s->maxsize <= 0)    /* checked at the greeting */
		setting_value(SETTING_MAXSIZE, &s->maxsize, NULL);
	return s->maxsize;
}

int session_plaintext_ok(struct session *s)
{
	if (s->plaintext < 0) {
		int allowed = password_allowed(s->encrypted);
		if (allowed < 0)
			log_event("event=config-error file=plaintextauth");
		s->plaintext = allowed == 1;
	}
	return s->plaintext;
}

static void wipe(volatile char *p, size_t n)
{
	while (n--)
		*p++ = 0;
}

/* A failed attempt: delay, NO, and after AUTH_FAILURES_MAX the end. */
static enum reply auth_failed(struct session *s, const char *user)
{
	char q[128];
	log_event("event=login-failed user=%s peer=%s",
		  log_quote(user, q, sizeof q), s->peer);
	password_failure_delay();
	if (++s->auth_failures < AUTH_FAILURES_MAX)
		return reply_set(s, REPLY_NO, "AUTHENTICATIONFAILED",
				 "Authentication failed");
	output_printf(&s->out, "%s NO [AUTHENTICATIONFAILED] "
		      "Authentication failed\r\n", s->tag);
	untagged(s, "BYE Too many failed logins");
	return REPLY_FATAL;
}

/* Check user and password; on success enter STATE_AUTH. */
static enum reply auth_user(struct session *s, const char *user,
			    const char *password)
{
	char q[128];
	int ok = penalty_login(s->peer, user, password);
	if (ok < 0) {
		log_event("event=users-unreadable");
		return reply_set(s, REPLY_NO, "UNAVAILABLE",
				 "Authentication temporarily unavailable");
	}
	if (ok == 0)
		return auth_failed(s, user);
	size_t n = strlen(user);
	if (n >= sizeof s->user)
		return auth_failed(s, user);
	for (size_t i = 0; i <= n; i++)
		s->user[i] = (char)tolower((unsigned char)user[i]);
	struct maildir_quota quota;     /* a broken "quota": no APPEND
					 * unchecked, so no session */
	if (quota_for_user(s->user, &quota) < 0 ||
	    maildir_path(s->maildir, sizeof s->maildir, NULL, s->user) < 0 ||
	    store_open(&s->store, s->maildir) < 0) {
		log_event("event=maildir-error user=%s",
			  log_quote(s->user, q, sizeof q));
		s->user[0] = '\0';
		return reply_set(s, REPLY_NO, "UNAVAILABLE",
				 "Mailbox temporarily unavailable");
	}
	store_set_quota(&s->store, &quota);
	s->state = STATE_AUTH;
	if (special_use_create(&s->store) < 0)        /* RFC 6154 */
		log_event("event=special-use-error");
	log_event("event=login user=%s peer=%s",
		  log_quote(s->user, q, sizeof q), s->peer);
	char code[512];       /* "CAPABILITY " and the list */
	snprintf(code, sizeof code, "CAPABILITY %s", capabilities(s));
	return reply_set(s, REPLY_OK, code, "Logged in");
}

/* The tagged OK goes through the wrapper's control pipe (starttls.h);
 * commands the client pipelined after STARTTLS are thrown away (RFC 9051
 * §6.2.1, option 2). The client asks for CAPABILITY again under TLS. */
enum reply cmd_starttls(struct session *s, struct parse *p)
{
	char ok[IMAP_TAG_MAX + 40];
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (s->encrypted)
		return reply_set(s, REPLY_BAD, NULL, "TLS is already active");
	if (!starttls_available())
		return reply_set(s, REPLY_NO, NULL, "STARTTLS is not available");
	snprintf(ok, sizeof ok, "%s OK Begin TLS negotiation now\r\n", s->tag);
	if (starttls_start(&s->in, &s->out, ok) < 0) {
		log_event("event=starttls-error peer=%s errno=%d", s->peer,
			  errno);
		return REPLY_FATAL;
	}
	s->encrypted = 1;
	s->plaintext = -1;
	log_event("event=starttls peer=%s tls=1", s->peer);
	return REPLY_SENT;
}

enum reply cmd_login(struct session *s, struct parse *p)
{
	struct string user, pass;
	if (parse_sp(p) < 0 || parse_astring(p, &user) < 0 ||
	    parse_sp(p) < 0 || parse_astring(p, &pass) < 0 ||
	    parse_end(p) < 0)
		return REPLY_BAD;
	if (!session_plaintext_ok(s))
		return reply_set(s, REPLY_NO, "PRIVACYREQUIRED",
				 "LOGIN is disabled on an unencrypted link");
	enum reply rc = auth_user(s, user.s, pass.s);
	wipe(pass.s, pass.len);
	return rc;
}

/* The client's response after "+ ": one line of base64, "*" cancels. */
static enum reply read_response(struct session *s, char *buf, size_t size)
{
	size_t len;
	int flags;
	output_str(&s->out, "+ \r\n");
	if (output_flush(&s->out) < 0)
		return REPLY_FATAL;
	enum input_status st = input_line(&s->in, buf, size, &len, &flags);
	if (st == INPUT_TOO_LONG)
		return reply_set(s, REPLY_BAD, NULL, "Response too long");
	if (st != INPUT_OK)
		return REPLY_FATAL;
	if ((flags & INPUT_NUL) || !strcmp(buf, "*"))
		return reply_set(s, REPLY_BAD, NULL,
				 "Authentication cancelled");
	return REPLY_OK;
}

enum reply cmd_authenticate(struct session *s, struct parse *p)
{
	struct string mech, ir = { 0 };
	char resp[SASL_PLAIN_MAX + 3];
	struct sasl_plain sp;
	if (parse_sp(p) < 0 || parse_atom(p, &mech) < 0)
		return REPLY_BAD;
	if (!parse_at_end(p) && (parse_sp(p) < 0 ||
				 parse_word(p, "+/=", &ir) < 0))
		return REPLY_BAD;
	if (parse_end(p) < 0)
		return REPLY_BAD;
	if (strcasecmp(mech.s, "PLAIN"))
		return reply_set(s, REPLY_NO, NULL,
				 "Unsupported authentication mechanism");
	if (!session_plaintext_ok(s))
		return reply_set(s, REPLY_NO, "PRIVACYREQUIRED",
				 "Authentication needs an encrypted link");
	if (ir.s && ir.len > SASL_PLAIN_MAX)
		return reply_set(s, REPLY_BAD, NULL, "Response too long");
	if (ir.s) {
		/* RFC 4959 §3: "=" is an empty initial response */
		snprintf(resp, sizeof resp, "%s", strcmp(ir.s, "=") ? ir.s : "");
	} else {
		enum reply rc = read_response(s, resp, sizeof resp);
		if (rc != REPLY_OK)
			return rc;
	}
	if (sasl_plain_decode(resp, &sp) < 0) {
		wipe(resp, sizeof resp);
		return reply_set(s, REPLY_BAD, NULL, "Invalid PLAIN response");
	}
	enum reply rc = auth_user(s, sp.authcid, sp.password);
	wipe(resp, sizeof resp);
	wipe(sp.password, sizeof sp.password);
	return rc;
}
