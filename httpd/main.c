/* main.c - httpd: HTTP/1.1 (RFC 7230) on stdin/stdout, one connection,
 * keep-alive, for JMAP (RFC 8620/8621) and the webmail page.
 *
 * The route table below is the whole server: a method, a path (exact,
 * or a prefix ending in '/'), whether a login is needed, how large a
 * body may be, and the handler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "control.h"
#include "httpd.h"
#include "log.h"
#include "password.h"
#include "peer.h"
#include "settings.h"

enum body_cap {
	BODY_NONE,              /* a body is refused (GET, HEAD) */
	BODY_SMALL,             /* a form: HTTP_LINE_MAX */
	BODY_API,               /* JMAP_REQUEST_MAX */
	BODY_UPLOAD,            /* the control file "maxsize" */
};

struct route {
	const char *method;     /* "GET" routes also answer HEAD */
	const char *path;       /* exact, or a prefix when it ends in '/' */
	int login;              /* authentication needed */
	enum body_cap body;
	route_handler handler;
};

static const struct route routes[] = {
	/* RFC 8620 §2: the session resource */
	{ "GET",  "/.well-known/jmap",  1, BODY_NONE,   route_session },
	{ "GET",  "/jmap/session",      1, BODY_NONE,   route_session },
	/* §3.1: the API; §6.1, §6.2: blobs; §7.3: push */
	{ "POST", "/jmap/api",          1, BODY_API,    route_api },
	{ "POST", "/jmap/upload/",      1, BODY_UPLOAD, route_upload },
	{ "GET",  "/jmap/download/",    1, BODY_NONE,   route_download },
	{ "GET",  "/jmap/eventsource",  1, BODY_NONE,   route_eventsource },
	/* the page's login form and its session cookie */
	{ "POST", "/login",             0, BODY_SMALL,  route_login },
	{ "POST", "/logout",            0, BODY_SMALL,  route_logout },
	/* the page itself */
	{ "GET",  "/",                  0, BODY_NONE,   route_static },
};

static int path_matches(const char *pattern, const char *path)
{
	size_t n = strlen(pattern);
	if (n > 1 && pattern[n - 1] == '/')
		return !strncmp(path, pattern, n) ||
		       (!strncmp(path, pattern, n - 1) && !path[n - 1]);
	if (!strcmp(pattern, "/"))
		return 1;
	return !strcmp(path, pattern);
}

/* The route for the request; *code says why there is none (404, 405). */
static const struct route *route_find(const struct http_request *r, int *code)
{
	*code = 404;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];
		if (!path_matches(rt->path, r->path))
			continue;
		if (!strcmp(rt->method, r->method) ||
		    (!strcmp(rt->method, "GET") && !strcmp(r->method, "HEAD")))
			return rt;
		*code = 405;
	}
	return NULL;
}

static long long body_cap(struct server *s, enum body_cap cap)
{
	switch (cap) {
	case BODY_SMALL: return HTTP_LINE_MAX;
	case BODY_API: return JMAP_REQUEST_MAX;
	case BODY_UPLOAD: return s->maxsize;
	default: return 0;
	}
}

/* A body over its cap: the API says so as RFC 8620 §3.6.1 asks. */
static void too_large(struct server *s, enum body_cap cap)
{
	if (cap == BODY_API)
		response_limit(s, 413, "maxSizeRequest",
			       "The request is larger than maxSizeRequest.");
	else if (cap == BODY_UPLOAD)
		response_limit(s, 413, "maxSizeUpload",
			       "The upload is larger than maxSizeUpload.");
	else
		response_error(s, 413, "The body is too large.");
	s->close = 1;
}

/* Everything between the head and the handler: route, login, body. */
static void dispatch(struct server *s)
{
	int code;
	const struct route *rt = route_find(&s->req, &code);
	if (s->broken) {
		response_error(s, 503, "The server is misconfigured.");
		s->close = 1;
		return;
	}
	if (!rt) {
		response_error(s, code, code == 404 ? "No such page."
				: "That method is not allowed here.");
		if (code == 405)
			response_header(s, "Allow: GET, HEAD, POST");
		s->close |= s->req.length > 0 || s->req.chunked;
		return;
	}
	if (rt->login && auth_request(s) <= 0) {
		s->close |= s->req.length > 0 || s->req.chunked;
		return;
	}
	long long cap = body_cap(s, rt->body);
	if ((s->req.length > 0 || s->req.chunked) && cap == 0) {
		response_error(s, 413, "This request takes no body.");
		s->close = 1;
		return;
	}
	if (s->req.length > cap) {
		too_large(s, rt->body);
		return;
	}
	if (s->req.expect_continue && (s->req.length > 0 || s->req.chunked)) {
		output_str(&s->out, "HTTP/1.1 100 Continue\r\n\r\n");
		output_flush(&s->out);
	}
	if (rt->body == BODY_UPLOAD && upload_begin(s) < 0) {
		response_problem(s, 500, "about:blank", "The blob was not kept.");
		s->close = 1;
		return;
	}
	if (http_read_body(&s->in, &s->req, cap, &code) != HTTP_OK) {
		upload_abort(s);
		if (code == 413)
			too_large(s, rt->body);
		else
			response_error(s, code, "The body could not be read.");
		s->close = 1;
		return;
	}
	rt->handler(s);
}

/* One request and its response. 0 to go on, 1 to stop. */
static int serve_one(struct server *s)
{
	int code = 0;
	http_request_free(&s->req);
	s->auth = AUTH_NONE;
	s->user[0] = '\0';
	enum http_status st = http_read_head(&s->in, &s->req, &code);
	if (st == HTTP_CLOSED)
		return 1;
	if (st == HTTP_REFUSED) {
		if (code == 408 && !s->req.method)
			return 1;       /* an idle keep-alive connection */
		s->close = 1;
		response_error(s, code, "The request could not be read.");
		response_send(s);
		log_event("event=refused status=%d", code);
		return 1;
	}
	s->close = !s->req.keep_alive;
	/* Later requests on this connection wait at most the keep-alive
	 * time; a request's own lines and body get "timeout". */
	dispatch(s);
	char quoted[128];
	log_event("event=request method=%s path=%s status=%d user=%s",
		  s->req.method, log_quote(s->req.path, quoted, sizeof quoted),
		  s->resp.code, s->user[0] ? s->user : "-");
	if (response_send(s) < 0)
		return 1;
	return s->close;
}

static void usage(void)
{
	fprintf(stderr, "usage: httpd [-T]\n");
	exit(64);
}

static void setup(struct server *s, int argc, char **argv)
{
	int opt, tls = 0;
	while ((opt = getopt(argc, argv, "T")) != -1) {
		if (opt == 'T')
			tls = 1;
		else
			usage();
	}
	if (optind != argc)
		usage();
	s->encrypted = password_link_encrypted(tls);
	peer_address(s->peer, sizeof s->peer);
	/* lib/settings: a broken value refuses service (503), never a
	 * silent default */
	long timeout = 300;
	if (setting_load(SETTING_TIMEOUT, &timeout) < 0 ||
	    setting_load(SETTING_MAXSIZE, &s->maxsize) < 0)
		s->broken = 1;
	s->timeout = timeout > 0 ? (int)timeout : 300;
	static_find_root(s);
	input_init(&s->in, 0, s->timeout * 1000);
	output_init(&s->out, 1, s->timeout * 1000);
	http_request_init(&s->req);
	bytes_init(&s->resp.headers, 64 * 1024);
	bytes_init(&s->resp.body, 0);
}

int main(int argc, char **argv)
{
	static struct server s;
	log_init("httpd");
	setup(&s, argc, argv);
	log_event("event=connect client=%s tls=%d", s.peer, s.encrypted);
	while (serve_one(&s) == 0) {
		s.in.timeout_ms = (s.timeout < HTTP_KEEPALIVE_TIMEOUT
				   ? s.timeout : HTTP_KEEPALIVE_TIMEOUT) * 1000;
		if (input_wait(&s.in, s.in.timeout_ms) <= 0)
			break;
		s.in.timeout_ms = s.timeout * 1000;
	}
	output_flush(&s.out);
	http_request_free(&s.req);
	bytes_free(&s.resp.headers);
	bytes_free(&s.resp.body);
	log_event("event=disconnect client=%s", s.peer);
	return 0;
}
