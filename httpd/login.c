/* login.c - the page's login form (POST /login, username and password
 * as application/x-www-form-urlencoded) and logout (POST /logout). A
 * login sets the session cookie: random, server-side (websession.h),
 * HttpOnly, SameSite=Strict, Secure on an encrypted link (RFC 6265
 * §4.1.2). Both answer 303 to the page ("/", or "/?login=failed"). */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "httpd.h"
#include "log.h"
#include "password.h"
#include "websession.h"

static void redirect(struct server *s, const char *to)
{
	response_start(s, 303, "text/plain; charset=utf-8");
	response_header(s, "Location: %s", to);
	bytes_append_str(&s->resp.body, "See the page.\n");
}

static void wipe(struct bytes *b)
{
	for (size_t i = 0; i < b->len; i++)
		((volatile char *)b->data)[i] = 0;
	bytes_free(b);
}

/* Check the form; 1 with user filled, 0 refused (answer filled). */
static int check_form(struct server *s, struct bytes *user)
{
	struct bytes pass;
	const char *type = http_field(&s->req, "Content-Type");
	const char *body = s->req.body.data ? s->req.body.data : "";
	if (!type || strncasecmp(type, "application/x-www-form-urlencoded", 33)) {
		response_error(s, 415, "The form must be url-encoded.");
		return 0;
	}
	if (http_field(&s->req, "Origin") && !auth_same_origin(s))
		return 0;
	if (password_allowed(s->encrypted) != 1) {
		response_error(s, 403, "Passwords are taken only over TLS.");
		return 0;
	}
	bytes_init(&pass, 1024);
	int ok = http_param(body, s->req.body.len, "username", user) == 1 &&
		 http_param(body, s->req.body.len, "password", &pass) == 1 &&
		 user->len > 0 && strlen(user->data) == user->len &&
		 password_check(user->data, bytes_str(&pass)) == 1;
	wipe(&pass);
	wipe(&s->req.body);
	if (!ok) {
		char q[128];
		log_event("event=login-failed how=form user=%s peer=%s",
			  log_quote(bytes_str(user), q, sizeof q), s->peer);
		password_failure_delay();
		if (++s->auth_failures >= AUTH_FAILURES_MAX)
			s->close = 1;
		redirect(s, "/?login=failed");
	}
	return ok;
}

void route_login(struct server *s)
{
	struct bytes user;
	char value[WEBSESSION_TEXT_MAX];
	bytes_init(&user, ADDRESS_PATH_MAX);
	if (check_form(s, &user)) {
		for (size_t i = 0; i < user.len; i++)
			user.data[i] = (char)tolower((unsigned char)user.data[i]);
		if (websession_create(user.data, value) < 0) {
			log_event("event=session-error");
			response_error(s, 503, "Sessions are unavailable.");
		} else {
			char q[128];
			log_event("event=login how=form user=%s peer=%s",
				  log_quote(user.data, q, sizeof q), s->peer);
			redirect(s, "/");
			response_header(s, "Set-Cookie: %s=%s; Path=/; HttpOnly; "
					"SameSite=Strict%s", WEBSESSION_COOKIE,
					value, s->encrypted ? "; Secure" : "");
		}
	}
	bytes_free(&user);
}

void route_logout(struct server *s)
{
	char value[WEBSESSION_TEXT_MAX];
	const char *c = http_field(&s->req, "Cookie");
	if (!auth_same_origin(s))
		return;
	if (c && websession_from_header(c, value))
		websession_end(value);
	redirect(s, "/");
	response_header(s, "Set-Cookie: %s=; Path=/; HttpOnly; "
			"SameSite=Strict; Max-Age=0", WEBSESSION_COOKIE);
}
