/* response.c - writing responses (RFC 7230 §3, RFC 7231 §7), each with
 * the security headers every page gets. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "httpd.h"
#include "json.h"

/* The page's policy: its own scripts and styles only; message HTML,
 * shown in a sandboxed srcdoc frame, inherits it, so no script of a
 * message can run even if the sandbox were lifted; inline styles are
 * allowed for that HTML's sake; images: the page's, data:, and remote
 * ones (the page rewrites remote image addresses away until the reader
 * asks for them). */
static const char page_csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self' "
	"'unsafe-inline'; img-src 'self' data: blob: https: http:; "
	"connect-src 'self'; form-action 'self'; base-uri 'none'; "
	"frame-src 'self' blob: data:; frame-ancestors 'none'";
/* Everything else (API answers, downloads): nothing may run or load. */
static const char api_csp[] =
	"default-src 'none'; frame-ancestors 'none'; sandbox";

void response_start(struct server *s, int code, const char *type)
{
	struct response *r = &s->resp;
	r->code = code;
	r->type = type;
	r->csp_page = 0;
	r->streamed = 0;
	r->sent = 0;
	bytes_clear(&r->headers);
	bytes_free(&r->body);
	bytes_init(&r->body, (size_t)s->maxsize + JMAP_REQUEST_MAX);
}

void response_header(struct server *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bytes_vappendf(&s->resp.headers, fmt, ap);
	va_end(ap);
	bytes_append_str(&s->resp.headers, "\r\n");
}

void response_error(struct server *s, int code, const char *text)
{
	response_start(s, code, "text/plain; charset=utf-8");
	bytes_appendf(&s->resp.body, "%d %s\n%s\n", code, http_reason(code),
		      text);
}

static void problem(struct server *s, int code, const char *type,
		    const char *limit, const char *detail)
{
	struct json_writer w;
	response_start(s, code, "application/problem+json");
	json_writer_init(&w, &s->resp.body);
	json_object_begin(&w);
	json_key(&w, "type");
	json_str(&w, type);
	json_key(&w, "status");
	json_int64(&w, code);
	if (limit) {
		json_key(&w, "limit");
		json_str(&w, limit);
	}
	json_key(&w, "detail");
	json_str(&w, detail);
	json_end(&w);
}

void response_problem(struct server *s, int code, const char *type,
		      const char *detail)
{
	problem(s, code, type, NULL, detail);
}

void response_limit(struct server *s, int code, const char *limit,
		    const char *detail)
{
	problem(s, code, "urn:ietf:params:jmap:error:limit", limit, detail);
}

static void write_head(struct server *s, int with_length, size_t length)
{
	struct response *r = &s->resp;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	if (!gmtime_r(&now, &tm) ||
	    !strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm))
		date[0] = '\0';
	output_printf(&s->out, "HTTP/1.1 %d %s\r\nDate: %s\r\n", r->code,
		      http_reason(r->code), date);
	if (r->type)
		output_printf(&s->out, "Content-Type: %s\r\n", r->type);
	if (with_length)
		output_printf(&s->out, "Content-Length: %zu\r\n", length);
	/* The page's own form posts need their Origin, which Chrome sends
	 * as "null" under no-referrer; same-origin keeps it and still tells
	 * other sites nothing (message frames carry no-referrer). */
	output_printf(&s->out, "Content-Security-Policy: %s\r\n"
		      "X-Content-Type-Options: nosniff\r\n"
		      "X-Frame-Options: DENY\r\n"
		      "Referrer-Policy: %s\r\n",
		      r->csp_page ? page_csp : api_csp,
		      r->csp_page ? "same-origin" : "no-referrer");
	if (!strstr(bytes_str(&r->headers), "Cache-Control:"))
		output_str(&s->out, "Cache-Control: no-store\r\n");
	if (s->encrypted)
		output_str(&s->out, "Strict-Transport-Security: "
			   "max-age=31536000\r\n");
	if (s->close || !with_length)
		output_str(&s->out, "Connection: close\r\n");
	output_write(&s->out, r->headers.data ? r->headers.data : "",
		     r->headers.len);
	output_str(&s->out, "\r\n");
}

int response_send(struct server *s)
{
	if (s->resp.streamed)
		return -1;
	if (s->resp.sent) {
		s->resp.code = 0;
		return output_flush(&s->out);
	}
	if (!s->resp.code)
		response_error(s, 500, "No response.");
	write_head(s, 1, s->resp.body.len);
	if (strcmp(s->req.method ? s->req.method : "", "HEAD") &&
	    s->resp.code != 304 && s->resp.code != 204)
		output_write(&s->out, s->resp.body.data ? s->resp.body.data : "",
			     s->resp.body.len);
	int rc = output_flush(&s->out);
	s->resp.code = 0;
	return rc;
}

int response_send_head(struct server *s)
{
	s->close = 1;
	s->resp.streamed = 1;
	write_head(s, 0, 0);
	return output_flush(&s->out);
}

int response_send_sized(struct server *s, size_t length)
{
	s->resp.sent = 1;
	write_head(s, 1, length);
	return output_flush(&s->out);
}
