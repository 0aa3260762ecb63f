/* auth.c - AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN
 * mechanisms, checked against the "users" control file.
 *
 * Passwords travel only over an encrypted link (-T or $SSL_PROTOCOL)
 * unless the control file plaintextauth says 1 (538 5.7.11 otherwise).
 * "*" cancels (501 5.0.0, §4). Every check first waits the delay that
 * failures of the client's address or account across connections earned
 * (penalty_login, penalty.h). A failed login is answered after
 * password_failure_delay(); the AUTH_FAILURES_MAX-th closes with 421. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base64.h"
#include "bytes.h"
#include "control.h"
#include "log.h"
#include "password.h"
#include "penalty.h"
#include "sasl.h"
#include "smtpd.h"

int auth_allowed(struct session *s)
{
	int allowed = password_allowed(s->encrypted);
	if (allowed < 0)
		log_event("event=config-error file=plaintextauth errno=%d", errno);
	return allowed;
}

/* Send a 334 challenge (text already base64 or "") and read the answer
 * into buf (size SMTP_AUTH_LINE_MAX + 1). REPLY_OK, or the reply that ends
 * the exchange. */
static enum reply challenge(struct session *s, const char *text, char *buf,
			    size_t size)
{
	size_t len;
	int flags;

	reply_line(s, 334, " %s", text);
	reply_flush(s, 1);
	switch (input_line(&s->in, buf, size, &len, &flags)) {
	case INPUT_OK:
		break;
	case INPUT_TOO_LONG:
		return REPLY_AUTH_LINE;
	case INPUT_TIMEOUT:
		return REPLY_TIMEOUT;
	default:
		s->state = STATE_CLOSED;
		return REPLY_SENT;
	}
	if (flags & INPUT_NUL)
		return REPLY_NUL;
	if (flags & (INPUT_BARE_LF | INPUT_BARE_CR))
		return REPLY_BARE_CR_LF;
	if (strcmp(buf, "*") == 0)
		return REPLY_AUTH_CANCELLED;
	return REPLY_OK;
}

/* Decode base64 text into a NUL-free string of at most SASL_FIELD_MAX-1
 * octets ("=" is the empty initial response, RFC 4954 §4). */
static enum reply decode_field(const char *b64, char *out)
{
	struct bytes b;
	enum reply r = REPLY_OK;

	if (strcmp(b64, "=") == 0)
		b64 = "";
	bytes_init(&b, SASL_FIELD_MAX - 1);
	if (base64_decode(b64, strlen(b64), &b) < 0)
		r = REPLY_AUTH_BASE64;
	else if (memchr(bytes_str(&b), '\0', b.len))
		r = REPLY_AUTH_FAILED;
	else
		memcpy(out, bytes_str(&b), b.len + 1);
	if (b.data)
		explicit_bzero(b.data, b.alloc);
	bytes_free(&b);
	return r;
}

/* Ask for (or take from the command line) one base64 response. */
static enum reply response(struct session *s, const char *initial,
			   const char *prompt, char *buf, size_t size)
{
	if (initial && *initial) {
		snprintf(buf, size, "%s", initial);
		return REPLY_OK;
	}
	return challenge(s, prompt, buf, size);
}

/* PLAIN (RFC 4616): one response "authzid NUL authcid NUL password". */
static enum reply mech_plain(struct session *s, const char *initial,
			     char *user, char *password)
{
	static char buf[SMTP_AUTH_LINE_MAX + 1];
	struct sasl_plain p;
	struct bytes check;
	enum reply r;

	r = response(s, initial, "", buf, sizeof buf);
	if (r != REPLY_OK)
		return r;
	bytes_init(&check, SMTP_AUTH_LINE_MAX);
	if (strcmp(buf, "=") != 0 &&
	    base64_decode(buf, strlen(buf), &check) < 0)
		r = REPLY_AUTH_BASE64;
	bytes_free(&check);
	if (r == REPLY_OK && sasl_plain_decode(strcmp(buf, "=") ? buf : "",
					       &p) < 0)
		r = REPLY_AUTH_FAILED;
	if (r == REPLY_OK) {
		memcpy(user, p.authcid, SASL_FIELD_MAX);
		memcpy(password, p.password, SASL_FIELD_MAX);
	}
	explicit_bzero(&p, sizeof p);
	explicit_bzero(buf, sizeof buf);
	return r;
}

/* LOGIN (draft-murchison-sasl-login): "Username:", then "Password:". */
static enum reply mech_login(struct session *s, const char *initial,
			     char *user, char *password)
{
	static char buf[SMTP_AUTH_LINE_MAX + 1];
	enum reply r;

	r = response(s, initial, "VXNlcm5hbWU6", buf, sizeof buf);
	if (r == REPLY_OK)
		r = decode_field(buf, user);
	if (r == REPLY_OK)
		r = challenge(s, "UGFzc3dvcmQ6", buf, sizeof buf);
	if (r == REPLY_OK)
		r = decode_field(buf, password);
	explicit_bzero(buf, sizeof buf);
	return r;
}

/* Check the credentials (password NULL: the exchange already failed);
 * count and delay a failure. */
static enum reply verify(struct session *s, const char *user,
			 const char *password)
{
	char q[SASL_FIELD_MAX * 4 + 3];
	int r = *user && password ? penalty_login(s->client_ip, user, password) : 0;

	if (r < 0) {
		log_event("event=config-error file=users errno=%d", errno);
		return REPLY_AUTH_TEMP;
	}
	log_quote(user, q, sizeof q);
	if (r == 1) {
		snprintf(s->auth_user, sizeof s->auth_user, "%s", user);
		log_event("event=auth result=ok client=%s user=%s",
			  s->client_ip, q);
		return REPLY_AUTH_OK;
	}
	s->auth_failures++;
	log_event("event=auth result=fail client=%s user=%s failures=%d",
		  s->client_ip, q, s->auth_failures);
	password_failure_delay();
	return s->auth_failures >= AUTH_FAILURES_MAX ? REPLY_AUTH_TOO_MANY
						     : REPLY_AUTH_FAILED;
}

/* AUTH mechanism [initial-response] (RFC 4954 §4). */
enum reply cmd_auth(struct session *s, char *args)
{
	char user[SASL_FIELD_MAX] = "", password[SASL_FIELD_MAX] = "";
	char *mech = strsep(&args, " ");
	enum reply r;
	int allowed;

	if (!s->esmtp)
		return REPLY_SEQUENCE;
	if (s->auth_user[0])
		return REPLY_AUTH_AGAIN;        /* §4: once per session */
	if (!*mech || (args && strchr(args, ' ')))
		return REPLY_SYNTAX;
	allowed = auth_allowed(s);
	if (allowed < 0)
		return REPLY_AUTH_TEMP;
	if (!allowed)
		return REPLY_AUTH_ENCRYPT;
	if (strcasecmp(mech, "PLAIN") == 0)
		r = mech_plain(s, args, user, password);
	else if (strcasecmp(mech, "LOGIN") == 0)
		r = mech_login(s, args, user, password);
	else
		return REPLY_AUTH_MECH;
	if (r == REPLY_OK || r == REPLY_AUTH_FAILED)
		r = verify(s, user, r == REPLY_OK ? password : NULL);
	explicit_bzero(password, sizeof password);
	return r;
}
