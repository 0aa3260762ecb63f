/* http.c - the HTTP/1.1 request reader (RFC 7230). */
#include "http.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void http_request_init(struct http_request *r)
{
	memset(r, 0, sizeof *r);
	mime_arena_init(&r->arena);
	r->length = -1;
	bytes_init(&r->body, 0);
}

void http_request_free(struct http_request *r)
{
	mime_arena_free(&r->arena);
	bytes_free(&r->body);
	http_request_init(r);
}

static enum http_status refuse(int *code, int c)
{
	*code = c;
	return HTTP_REFUSED;
}

/* A status for a failed read of the head. */
static int read_failure(enum input_status st)
{
	return st == INPUT_TIMEOUT ? 408 : 400;
}

/* §3.2.6 tchar. */
static int is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_tchar((unsigned char)s[i]))
			return 0;
	return 1;
}

/* §3.1.1: method SP request-target SP HTTP-version. */
static int parse_request_line(struct http_request *r, char *line, int *code)
{
	char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp1 || !sp2 || strchr(sp2 + 1, ' ') ||
	    !is_token(line, (size_t)(sp1 - line)))
		return *code = 400, -1;
	*sp1 = *sp2 = '\0';
	const char *target = sp1 + 1, *version = sp2 + 1;
	if (strncmp(version, "HTTP/", 5) || strlen(version) != 8 ||
	    version[6] != '.' || version[5] < '0' || version[5] > '9' ||
	    version[7] < '0' || version[7] > '9')
		return *code = 400, -1;
	if (version[5] != '1')
		return *code = 505, -1;
	r->minor = version[7] - '0';
	/* §5.3.2: absolute-form is accepted; only its path is used. */
	if (!strncasecmp(target, "http://", 7) ||
	    !strncasecmp(target, "https://", 8)) {
		target = strchr(target + 8 - (target[4] == ':'), '/');
		if (!target)
			target = "/";
	}
	if (target[0] != '/' && strcmp(target, "*"))
		return *code = 400, -1;
	for (const char *c = target; *c; c++)
		if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f)
			return *code = 400, -1;
	const char *q = strchr(target, '?');
	size_t plen = q ? (size_t)(q - target) : strlen(target);
	r->method = mime_arena_strndup(&r->arena, line, (size_t)(sp1 - line));
	r->path = mime_arena_strndup(&r->arena, target, plen);
	r->query = q ? mime_arena_strndup(&r->arena, q + 1, strlen(q + 1)) : NULL;
	if (!r->method || !r->path || (q && !r->query))
		return *code = 500, -1;
	return 0;
}

/* Is token tok among the comma-separated list v (case ignored)? */
static int list_has(const char *v, const char *tok)
{
	size_t n = strlen(tok);
	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		size_t k = strcspn(v, ", \t");
		if (k == n && !strncasecmp(v, tok, n))
			return 1;
		v += k;
		while (*v && *v != ',')
			v++;
	}
	return 0;
}

/* §3.3.2, §3.3.3: framing; §6.1 and §6.3: persistence. */
static int check_fields(struct http_request *r, int *code)
{
	const char *te = http_field(r, "Transfer-Encoding");
	int hosts = 0;
	for (size_t i = 0; i < r->nfields; i++) {
		const struct http_field *f = &r->fields[i];
		if (!strcasecmp(f->name, "Host"))
			hosts++;
		if (strcasecmp(f->name, "Content-Length"))
			continue;
		char *end;
		errno = 0;
		long long n = strtoll(f->value, &end, 10);
		if (!*f->value || *end || errno || n < 0 ||
		    f->value[0] == '+' || f->value[0] == '-' ||
		    (r->length >= 0 && r->length != n))
			return *code = 400, -1;
		r->length = n;
	}
	if ((r->minor >= 1 && hosts != 1) || hosts > 1)
		return *code = 400, -1;
	if (te) {
		if (r->length >= 0)
			return *code = 400, -1;
		if (strcasecmp(te, "chunked"))
			return *code = 501, -1;
		r->chunked = 1;
	}
	const char *conn = http_field(r, "Connection");
	r->keep_alive = r->minor >= 1 ? !(conn && list_has(conn, "close"))
				      : conn && list_has(conn, "keep-alive");
	const char *expect = http_field(r, "Expect");
	r->expect_continue = r->minor >= 1 && expect &&
			     !strcasecmp(expect, "100-continue");
	return 0;
}

/* One field line "name: value" (§3.2). */
static int parse_field(struct http_request *r, char *line, size_t len,
		       int *code)
{
	if (line[0] == ' ' || line[0] == '\t')
		return *code = 400, -1;         /* obs-fold, §3.2.4 */
	char *colon = memchr(line, ':', len);
	if (!colon || !is_token(line, (size_t)(colon - line)))
		return *code = 400, -1;
	if (r->nfields >= HTTP_HEADERS_MAX)
		return *code = 431, -1;
	char *v = colon + 1, *end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (const char *c = v; c < end; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t')
			return *code = 400, -1;
	struct http_field *f = &r->fields[r->nfields++];
	f->name = mime_arena_strndup(&r->arena, line, (size_t)(colon - line));
	f->value = mime_arena_strndup(&r->arena, v, (size_t)(end - v));
	if (!f->name || !f->value)
		return *code = 500, -1;
	return 0;
}

enum http_status http_read_head(struct input *in, struct http_request *r,
				int *code)
{
	char line[HTTP_LINE_MAX + 1];
	size_t len;
	int flags, first = 1;
	for (;;) {
		enum input_status st = input_line(in, line, sizeof line, &len,
						  &flags);
		if (st == INPUT_EOF && first && !r->method)
			return HTTP_CLOSED;
		if (st == INPUT_TOO_LONG)
			return refuse(code, r->method ? 431 : 414);
		if (st != INPUT_OK)
			return refuse(code, read_failure(st));
		if (flags & (INPUT_NUL | INPUT_BARE_CR))
			return refuse(code, 400);
		first = 0;
		if (!r->method) {
			if (len == 0)   /* §3.5: blank lines before a request */
				continue;
			if (parse_request_line(r, line, code) < 0)
				return HTTP_REFUSED;
			continue;
		}
		if (len == 0)
			break;
		if (parse_field(r, line, len, code) < 0)
			return HTTP_REFUSED;
	}
	if (check_fields(r, code) < 0)
		return HTTP_REFUSED;
	return HTTP_OK;
}

/* Append n bytes of the body from in. */
static enum http_status read_bytes(struct input *in, struct http_request *r,
				   long long n, int *code)
{
	char buf[16384];
	while (n > 0) {
		size_t take = n < (long long)sizeof buf ? (size_t)n : sizeof buf;
		enum input_status st = input_bytes(in, buf, take);
		if (st != INPUT_OK)
			return refuse(code, read_failure(st));
		if (r->sink ? r->sink(r->sink_ctx, buf, take) < 0
			    : bytes_append(&r->body, buf, take) < 0)
			return refuse(code, !r->sink && errno == E2BIG ? 413
					    : 500);
		r->received += (long long)take;
		n -= (long long)take;
	}
	return HTTP_OK;
}

/* §4.1: chunk-size [ext] CRLF data CRLF ... 0 CRLF trailers CRLF. */
static enum http_status read_chunked(struct input *in, struct http_request *r,
				     int *code)
{
	char line[HTTP_LINE_MAX + 1];
	size_t len;
	int flags;
	for (;;) {
		enum input_status st = input_line(in, line, sizeof line, &len,
						  &flags);
		if (st != INPUT_OK || (flags & INPUT_NUL))
			return refuse(code, st == INPUT_TIMEOUT ? 408 : 400);
		char *end;
		errno = 0;
		long long n = strtoll(line, &end, 16);
		if (end == line || errno || n < 0 || line[0] == '-' ||
		    line[0] == '+' || line[0] == ' ' ||
		    (*end && *end != ';' && *end != ' ' && *end != '\t'))
			return refuse(code, 400);
		if (n > r->max - r->received)
			return refuse(code, 413);
		if (n == 0)
			break;
		if (read_bytes(in, r, n, code) != HTTP_OK)
			return HTTP_REFUSED;
		st = input_line(in, line, sizeof line, &len, &flags);
		if (st != INPUT_OK || len != 0)
			return refuse(code, st == INPUT_TIMEOUT ? 408 : 400);
	}
	for (size_t i = 0; i <= HTTP_HEADERS_MAX; i++) {    /* trailers */
		enum input_status st = input_line(in, line, sizeof line, &len,
						  &flags);
		if (st != INPUT_OK)
			return refuse(code, st == INPUT_TIMEOUT ? 408 : 400);
		if (len == 0)
			return HTTP_OK;
	}
	return refuse(code, 431);
}

enum http_status http_read_body(struct input *in, struct http_request *r,
				long long max, int *code)
{
	bytes_free(&r->body);
	bytes_init(&r->body, r->sink || max < 0 ? 0 : (size_t)max);
	r->max = max < 0 ? 0 : max;
	r->received = 0;
	if (r->chunked)
		return read_chunked(in, r, code);
	if (r->length > max)
		return refuse(code, 413);
	if (r->length <= 0)
		return HTTP_OK;
	return read_bytes(in, r, r->length, code);
}

const char *http_field(const struct http_request *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++)
		if (!strcasecmp(r->fields[i].name, name))
			return r->fields[i].value;
	return NULL;
}
