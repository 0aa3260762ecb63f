/* http.h - reading HTTP/1.1 requests (RFC 7230) through lib/input.
 *
 * A request is read in two steps so that the server can refuse one
 * (authentication, size) before its body is sent, and answer
 * "Expect: 100-continue" (RFC 7231 §5.1.1) in between:
 *     http_read_head    request line and header fields
 *     http_read_body    the body, by Content-Length or chunked
 * Everything is bounded: HTTP_LINE_MAX per line, HTTP_HEADERS_MAX
 * fields, the caller's cap on the body. Each refusal carries the status
 * code to answer with; after one the connection must be closed, since
 * the rest of the request is not read. */
#ifndef POSTERN_HTTP_H
#define POSTERN_HTTP_H
#include <stddef.h>
#include "bytes.h"
#include "input.h"
#include "limits.h"
#include "mime_arena.h"

struct http_field {
	const char *name;       /* as sent; compare without case */
	const char *value;      /* leading and trailing white space removed */
};

/* Where a body goes instead of into memory: each piece in order. 0, or
 * -1 to refuse the body (500). */
typedef int http_sink(void *ctx, const char *p, size_t n);

struct http_request {
	struct mime_arena arena;        /* the strings below */
	const char *method;             /* "GET", ... (case-sensitive, §3.1.1) */
	const char *path;               /* origin-form path, still %-encoded */
	const char *query;              /* after '?', or NULL */
	int minor;                      /* HTTP/1.minor */
	size_t nfields;
	struct http_field fields[HTTP_HEADERS_MAX];
	int chunked;                    /* Transfer-Encoding: chunked */
	long long length;               /* Content-Length, -1 when none */
	int keep_alive;                 /* the connection may carry another */
	int expect_continue;            /* Expect: 100-continue */
	struct bytes body;              /* the body, unless sink is set */
	http_sink *sink;                /* set before http_read_body: the
					 * body streams there, never held */
	void *sink_ctx;
	long long received;             /* body octets read so far */
	long long max;                  /* http_read_body's cap */
};

enum http_status {
	HTTP_OK = 0,            /* read; for the head, the body is not yet */
	HTTP_CLOSED,            /* the peer closed before a request began */
	HTTP_REFUSED,           /* answer *code and close */
};

/* Start an empty request (no memory held). */
void http_request_init(struct http_request *r);
/* Free what a request holds; r is then empty again. */
void http_request_free(struct http_request *r);

/* Read the request line and header fields (§3.1.1, §3.2). Empty lines
 * before the request line are skipped (§3.5). Refusals: 400 (syntax,
 * obs-fold §3.2.4, white space before a colon §3.2.4, a bare CR or NUL,
 * both Content-Length and Transfer-Encoding §3.3.3, Content-Lengths that
 * differ, HTTP/1.1 without Host §5.4), 414 (request line too long), 431
 * (a field line too long or too many fields), 501 (a transfer coding
 * other than chunked), 505 (not HTTP/1.x), 408 (the client was too
 * slow). */
enum http_status http_read_head(struct input *in, struct http_request *r,
				int *code);

/* Read the body into r->body (or, piece by piece, into r->sink), at most
 * max bytes: 413 when it is longer (Content-Length says so before
 * anything is read; a chunk that would pass it before it is read), 400
 * for a bad chunk, 408 when too slow, 500 when the sink fails. */
enum http_status http_read_body(struct input *in, struct http_request *r,
				long long max, int *code);

/* The value of the first field named name (case ignored), or NULL. */
const char *http_field(const struct http_request *r, const char *name);

/* The text of a status code ("Not Found"), "" for an unknown one. */
const char *http_reason(int code);

/* Percent-decode s[0..n) (RFC 3986 §2.1) into out. With form != 0, '+'
 * is a space (application/x-www-form-urlencoded). Refuses (-1) a
 * malformed escape and %00. 0 or -1. */
int http_unescape(const char *s, size_t n, int form, struct bytes *out);

/* The value of key in a query string or form body "a=1&b=2" (decoded)
 * into out: 1 found, 0 not, -1 malformed. */
int http_param(const char *query, size_t n, const char *key,
	       struct bytes *out);

#endif
