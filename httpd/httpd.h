/* httpd.h - one HTTP/1.1 connection (RFC 7230) on stdin/stdout: the
 * JMAP API (RFC 8620/8621) and the static webmail page.
 *
 * main.c holds the route table (method, path, whether a login is needed,
 * body cap, handler) and the one loop: read a request head, find its
 * route, authenticate, read the body, run the handler, write the
 * response it filled in, keep the connection or close it. */
#ifndef HTTPD_HTTPD_H
#define HTTPD_HTTPD_H
#include <stddef.h>
#include "bytes.h"
#include "http.h"
#include "input.h"
#include "limits.h"
#include "output.h"
#include "sha256.h"

/* How the request's user proved who they are. */
enum auth_kind {
	AUTH_NONE,
	AUTH_BASIC,             /* Authorization: Basic (RFC 7617) */
	AUTH_BEARER,            /* Authorization: Bearer API token (RFC 6750) */
	AUTH_COOKIE,            /* the login form's session cookie */
};

/* The response a handler fills in; main.c writes it. */
struct response {
	int code;
	const char *type;               /* Content-Type, NULL: none */
	struct bytes headers;           /* extra "Name: value\r\n" lines */
	struct bytes body;
	int csp_page;                   /* the page's own CSP, not the API's */
	int streamed;                   /* response_send_head wrote it all */
	int sent;                       /* response_send_sized wrote the
					 * head, the handler the body */
};

/* The directory of uploaded blobs in a user's Maildir. */
#define BLOB_DIR "postern-blobs"

/* An upload being received (upload.c): its temporary file and hash. */
struct upload {
	int active;                     /* fd, dir and tmp are open/made */
	int fd;                         /* the temporary file */
	int dir;                        /* MAILDIR/postern-blobs/ */
	char tmp[64];                   /* its name in dir */
	struct sha256 hash;             /* of what was written */
};

struct server {
	struct input in;
	struct output out;
	int encrypted;                  /* -T, or $SSL_PROTOCOL */
	char peer[64];
	struct http_request req;
	struct response resp;
	int close;                      /* end the connection after this */
	enum auth_kind auth;
	char user[ADDRESS_PATH_MAX + 1];        /* authenticated: local@domain */
	char account[24];               /* JMAP accountId of user */
	char maildir[PATH_MAX_POSTERN];
	char basic_ok[2 * SHA256_SIZE + 1];     /* hash of the last good
						 * Authorization value */
	char basic_user[ADDRESS_PATH_MAX + 1];
	int auth_failures;
	long maxsize;
	int timeout;                    /* seconds ("timeout") */
	int broken;                     /* a control file is broken: 503 */
	char webroot[PATH_MAX_POSTERN];
	struct upload upload;
};

typedef void (*route_handler)(struct server *s);

/* response.c ---------------------------------------------------------- */

/* Start a response: code, type (NULL: none), empty body and headers. */
void response_start(struct server *s, int code, const char *type);
/* Add a header line (fmt without CRLF). */
void response_header(struct server *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A short text/plain error page (status text and a line). */
void response_error(struct server *s, int code, const char *text);
/* RFC 7807 problem details, which RFC 8620 §3.6.1 uses for request-level
 * errors: type is "urn:ietf:params:jmap:error:..." */
void response_problem(struct server *s, int code, const char *type,
		      const char *detail);
/* RFC 8620 §3.6.1's "limit" problem naming the limit
 * ("maxCallsInRequest", "maxSizeRequest"). */
void response_limit(struct server *s, int code, const char *limit,
		    const char *detail);
/* Write the response (status line, standard headers, body; only the
 * head for HEAD). Returns 0, or -1 when the peer is gone. */
int response_send(struct server *s);
/* A status line and headers only, for streams (EventSource) that write
 * their own body until the connection closes. */
int response_send_head(struct server *s);
/* The status line and headers of a body of length octets, which the
 * handler then writes to s->out itself (a download read from a file a
 * piece at a time); the connection may stay open. 0, or -1. */
int response_send_sized(struct server *s, size_t length);

/* auth.c -------------------------------------------------------------- */

/* Find who sent the request (Basic, Bearer, cookie). Returns 1 with
 * s->user, s->auth, s->account and s->maildir set, 0 when the request
 * carries no valid credentials (s->resp filled with the 401/403), -1 on
 * a server error (s->resp filled). */
int auth_request(struct server *s);
/* Is a state-changing request made with a cookie from our own page?
 * (Origin must name this host, RFC 6454.) 1 yes; 0 (403 filled in). */
int auth_same_origin(struct server *s);
void route_login(struct server *s);
void route_logout(struct server *s);

/* static.c ------------------------------------------------------------ */
void route_static(struct server *s);
/* The directory of the page's files: control file "webroot", else
 * www/ beside the program, else ../share/postern/www from it. */
void static_find_root(struct server *s);

/* jmap.c, jmap_core.c, blob.c, eventsource.c -------------------------- */
void route_session(struct server *s);
void route_api(struct server *s);
/* Before an upload's body is read: stream it (s->req.sink) into a new
 * temporary file in the user's blob directory, or drop it when the path
 * names another account. 0, or -1 (the file could not be made). */
int upload_begin(struct server *s);
/* After a body that was not read whole: remove the temporary file. */
void upload_abort(struct server *s);
/* Commit the streamed body as a blob and answer 201 with its id (404 for
 * another account's path, 500 when it could not be kept). */
void route_upload(struct server *s);
void route_download(struct server *s);
/* The file of an uploaded blob id into path: 0, or -1 when id is not an
 * upload's. */
int blob_path(struct server *s, const char *id, char *path, size_t size);
/* The bytes of blob id (an upload's or a message's), in pieces to fn
 * (lib/mime's mime_sink): never held whole. 1 found, 0 no such blob,
 * -1 error (fn's or reading). */
int blob_each(struct server *s, const char *id,
	      int (*fn)(void *ctx, const char *p, size_t n), void *ctx);
void route_eventsource(struct server *s);
/* The account's data-type states as a JSON object {"Type": "state"}
 * into out (jmap_core.c): what push compares. */
void jmap_type_states(struct server *s, struct bytes *out);

#endif
