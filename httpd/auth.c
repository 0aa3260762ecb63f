/* auth.c - who sent a request: HTTP Basic (RFC 7617), Bearer API tokens
 * (RFC 6750, lib/token.h), or the login form's session cookie
 * (RFC 6265, websession.h). Passwords and tokens are taken only on an
 * encrypted link unless "plaintextauth" says 1; failed logins are
 * answered after AUTH_FAILURE_DELAY_MS, as in imapd. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base64.h"
#include "httpd.h"
#include "local.h"
#include "log.h"
#include "maildir.h"
#include "password.h"
#include "token.h"
#include "websession.h"

static void wipe(volatile char *p, size_t n)
{
	while (n--)
		*p++ = 0;
}

/* RFC 7235 §4.1: a 401 names the schemes. The page's own requests
 * (X-Postern-Page) get only "Form": a Basic challenge would make the
 * browser ask for a password in a dialog of its own. */
static void challenge(struct server *s, const char *text)
{
	response_problem(s, 401, "about:blank", text);
	if (http_field(&s->req, "X-Postern-Page")) {
		response_header(s, "WWW-Authenticate: Form realm=\"postern\"");
		return;
	}
	response_header(s, "WWW-Authenticate: Basic realm=\"postern\", "
			"charset=\"UTF-8\"");
	response_header(s, "WWW-Authenticate: Bearer realm=\"postern\"");
}

/* The user is known: set the session's fields. 1, or -1 (500 filled). */
static int logged_in(struct server *s, const char *user, enum auth_kind kind)
{
	char hash[2 * SHA256_SIZE + 1];
	size_t n = strlen(user);
	if (n >= sizeof s->user) {
		response_error(s, 500, "Bad user name.");
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		s->user[i] = (char)tolower((unsigned char)user[i]);
	if (maildir_path(s->maildir, sizeof s->maildir, NULL, s->user) < 0 ||
	    maildir_create(s->maildir) < 0) {
		log_event("event=maildir-error");
		s->user[0] = '\0';
		response_error(s, 503, "The mailbox is unavailable.");
		return -1;
	}
	sha256_hex(s->user, n, hash);
	snprintf(s->account, sizeof s->account, "a%.16s", hash);
	s->auth = kind;
	return 1;
}

static int failed(struct server *s, const char *user, const char *how)
{
	char q[128];
	log_event("event=login-failed how=%s user=%s peer=%s", how,
		  log_quote(user, q, sizeof q), s->peer);
	password_failure_delay();
	if (++s->auth_failures >= AUTH_FAILURES_MAX)
		s->close = 1;
	challenge(s, "Authentication failed.");
	return 0;
}

static int plaintext_refused(struct server *s)
{
	int ok = password_allowed(s->encrypted);
	if (ok == 1)
		return 0;
	if (ok < 0)
		log_event("event=config-error file=plaintextauth");
	response_problem(s, 403, "about:blank",
			 "Credentials are taken only over TLS.");
	return 1;
}

static int auth_basic(struct server *s, const char *b64)
{
	char hash[2 * SHA256_SIZE + 1];
	sha256_hex(b64, strlen(b64), hash);
	if (s->basic_ok[0] && !strcmp(hash, s->basic_ok))
		return logged_in(s, s->basic_user, AUTH_BASIC);
	if (plaintext_refused(s))
		return 0;
	struct bytes b;
	bytes_init(&b, 1024);
	if (base64_decode(b64, strlen(b64), &b) < 0 || !b.data ||
	    memchr(b.data, '\0', b.len) || !strchr(b.data, ':')) {
		bytes_free(&b);
		return failed(s, "", "basic");
	}
	char *colon = strchr(b.data, ':');
	*colon = '\0';
	int ok = password_check(b.data, colon + 1);
	wipe(colon + 1, strlen(colon + 1));
	int rc;
	if (ok < 0) {
		log_event("event=users-unreadable");
		response_error(s, 503, "Authentication is unavailable.");
		rc = -1;
	} else if (ok == 0) {
		rc = failed(s, b.data, "basic");
	} else {
		rc = logged_in(s, b.data, AUTH_BASIC);
		if (rc == 1) {
			snprintf(s->basic_ok, sizeof s->basic_ok, "%s", hash);
			snprintf(s->basic_user, sizeof s->basic_user, "%s",
				 s->user);
		}
	}
	bytes_free(&b);
	return rc;
}

static int auth_bearer(struct server *s, const char *token)
{
	char user[ADDRESS_PATH_MAX + 1];
	if (plaintext_refused(s))
		return 0;
	int ok = token_check(token, user, sizeof user);
	if (ok == 1 && local_user(user) != 1)
		ok = 0;                 /* the user was taken out */
	if (ok < 0) {
		log_event("event=tokens-unreadable");
		response_error(s, 503, "Authentication is unavailable.");
		return -1;
	}
	if (ok == 0)
		return failed(s, "", "bearer");
	return logged_in(s, user, AUTH_BEARER);
}

static int auth_cookie(struct server *s, const char *value)
{
	char user[ADDRESS_PATH_MAX + 1];
	int ok = websession_check(value, user, sizeof user);
	if (ok == 1 && local_user(user) != 1)
		ok = 0;
	if (ok < 0) {
		response_error(s, 503, "Sessions are unavailable.");
		return -1;
	}
	if (ok == 0) {
		challenge(s, "The session has ended; log in again.");
		return 0;
	}
	if (logged_in(s, user, AUTH_COOKIE) != 1)
		return -1;
	/* A cookie comes with any request the browser makes: one that
	 * changes something must come from our own page. */
	if (strcmp(s->req.method, "GET") && strcmp(s->req.method, "HEAD") &&
	    !auth_same_origin(s))
		return 0;
	return 1;
}

int auth_request(struct server *s)
{
	const char *a = http_field(&s->req, "Authorization");
	char cookie[WEBSESSION_TEXT_MAX];
	const char *origin = http_field(&s->req, "Origin");
	/* A browser sends remembered Basic credentials to any page that
	 * asks: a request from another site's page is refused whatever
	 * its credentials. */
	if (origin && !auth_same_origin(s))
		return 0;
	if (a && !strncasecmp(a, "Basic ", 6))
		return auth_basic(s, a + 6);
	if (a && !strncasecmp(a, "Bearer ", 7))
		return auth_bearer(s, a + 7);
	const char *c = http_field(&s->req, "Cookie");
	if (!a && c && websession_from_header(c, cookie))
		return auth_cookie(s, cookie);
	challenge(s, "Log in first.");
	return 0;
}

int auth_same_origin(struct server *s)
{
	const char *origin = http_field(&s->req, "Origin");
	const char *host = http_field(&s->req, "Host");
	char want[HTTP_LINE_MAX + 16];
	snprintf(want, sizeof want, "%s://%s", s->encrypted ? "https" : "http",
		 host ? host : "");
	if (origin && host && !strcasecmp(origin, want))
		return 1;
	response_problem(s, 403, "about:blank",
			 "Cross-origin request refused.");
	return 0;
}
