/* mail_compose.c - an Internet message (RFC 5322, MIME) made from an
 * Email object of Email/set create (RFC 8621 §4.6): from, to, cc, bcc,
 * replyTo, subject, sentAt, inReplyTo, references, textBody/htmlBody
 * with bodyValues, attachments from blobs. Text goes as UTF-8, base64
 * when it is not 7-bit ASCII with short lines; attachments as base64;
 * non-ASCII header text as RFC 2047 encoded words. CRLF line ends.
 * The message is written into the Maildir's tmp/ as it is made (lib/store
 * store_upload), an attachment copied from its blob a piece at a time:
 * never held whole. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "base64.h"
#include "control.h"
#include "mail.h"

/* A header text, encoded (RFC 2047 §4.1 "B") when it is not ASCII. */
static void header_text(struct bytes *out, const char *s)
{
	int ascii = 1;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c >= 0x7f || *c < 0x20)
			ascii = 0;
	if (ascii) {
		bytes_append_str(out, s);
		return;
	}
	/* words of at most 45 octets keep each encoded word under 75 */
	size_t n = strlen(s);
	for (size_t i = 0; i < n; ) {
		size_t take = n - i < 45 ? n - i : 45;
		while (i + take < n && ((unsigned char)s[i + take] & 0xc0) == 0x80)
			take--;
		bytes_append_str(out, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
		base64_encode(s + i, take, out);
		bytes_append_str(out, "?=");
		i += take;
	}
}

static int addresses(struct bytes *out, const char *field,
		     const struct json *list)
{
	if (!list || list->type != JSON_ARRAY || !list->len)
		return list && list->type != JSON_NULL && list->type != JSON_ARRAY
		       ? -1 : 0;
	bytes_appendf(out, "%s: ", field);
	for (const struct json *a = list->child; a; a = a->next) {
		const char *email = json_string(json_get(a, "email"));
		const char *name = json_string(json_get(a, "name"));
		if (!email || strpbrk(email, "<>\r\n,\" ") || !strchr(email, '@'))
			return -1;
		if (a != list->child)
			bytes_append_str(out, ",\r\n ");
		if (name && *name) {
			struct bytes clean;
			bytes_init(&clean, 4096);
			for (const char *c = name; *c; c++)
				if (*c != '"' && *c != '\\' && *c != '\r' && *c != '\n')
					bytes_append_char(&clean, *c);
			int ascii = 1;
			for (const char *c = bytes_str(&clean); *c; c++)
				ascii &= (unsigned char)*c < 0x7f;
			if (ascii)
				bytes_appendf(out, "\"%s\" ", bytes_str(&clean));
			else {
				header_text(out, bytes_str(&clean));
				bytes_append_char(out, ' ');
			}
			bytes_free(&clean);
		}
		bytes_appendf(out, "<%s>", email);
	}
	bytes_append_str(out, "\r\n");
	return 0;
}

static void ids_header(struct bytes *out, const char *field,
		       const struct json *ids)
{
	if (!ids || ids->type != JSON_ARRAY || !ids->len)
		return;
	bytes_appendf(out, "%s:", field);
	for (const struct json *i = ids->child; i; i = i->next)
		if (json_string(i) && !strpbrk(i->str, "<>\r\n "))
			bytes_appendf(out, " <%s>", i->str);
	bytes_append_str(out, "\r\n");
}

/* A leaf's body as base64 in lines of 76. */
static void base64_lines(struct bytes *out, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 57) {
		base64_encode(p + i, n - i < 57 ? n - i : 57, out);
		bytes_append_str(out, "\r\n");
	}
}

static int needs_base64(const char *p, size_t n)
{
	size_t line = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80 || (c < 0x20 && c != '\n' && c != '\t' && c != '\r'))
			return 1;
		line = c == '\n' ? 0 : line + 1;
		if (line > 900)
			return 1;
	}
	return 0;
}

/* One text part from a body part object and its value. */
static int text_part(struct bytes *out, const struct json *part,
		     const struct json *values, const char *type)
{
	const char *id = json_string(json_get(part, "partId"));
	const char *v = json_string(json_get(json_get(values, id ? id : ""),
					     "value"));
	if (!v)
		return -1;
	size_t n = strlen(v);
	int b64 = needs_base64(v, n);
	bytes_appendf(out, "Content-Type: %s; charset=utf-8\r\n"
		      "Content-Transfer-Encoding: %s\r\n\r\n", type,
		      b64 ? "base64" : "7bit");
	if (b64) {
		base64_lines(out, v, n);
		return 0;
	}
	for (const char *c = v; *c; c++) {      /* LF -> CRLF */
		if (*c == '\n' && (c == v || c[-1] != '\r'))
			bytes_append_char(out, '\r');
		bytes_append_char(out, *c);
	}
	if (n && v[n - 1] != '\n')
		bytes_append_str(out, "\r\n");
	return 0;
}

/* The message being made: text gathered in buf, written to the upload
 * u at each part's end and every COMPOSE_PIECE octets of an attachment;
 * failed with errno E2BIG past maxsize, else the write's. */
struct composer {
	struct server *s;
	struct bytes buf;
	struct store_upload *u;
	int error;                      /* errno of the first failure, or 0 */
};

/* Write out what buf holds. 0, or -1 with c->error set. */
static int flush(struct composer *c)
{
	if (c->error)
		return -1;
	if (c->buf.len > (size_t)c->s->maxsize - c->u->crlf)
		c->error = E2BIG;
	else if (store_upload_write(c->u, c->buf.data, c->buf.len) < 0)
		c->error = errno ? errno : EIO;
	bytes_clear(&c->buf);
	return c->error ? -1 : 0;
}

/* An attachment's octets on their way to base64 lines of 76 (57 octets
 * each, as base64_lines cuts them, across pieces). */
struct base64_feed {
	struct composer *c;
	char carry[57];
	size_t n;
};

static int base64_piece(void *ctx, const char *p, size_t n)
{
	struct base64_feed *f = ctx;
	while (n > 0) {
		size_t take = sizeof f->carry - f->n < n ? sizeof f->carry - f->n : n;
		memcpy(f->carry + f->n, p, take);
		f->n += take;
		p += take;
		n -= take;
		if (f->n == sizeof f->carry) {
			base64_lines(&f->c->buf, f->carry, f->n);
			f->n = 0;
		}
	}
	return f->c->buf.len >= COMPOSE_PIECE ? flush(f->c) : 0;
}

static int attachment(struct composer *c, const struct json *a)
{
	const char *blob = json_string(json_get(a, "blobId"));
	const char *type = json_string(json_get(a, "type"));
	const char *name = json_string(json_get(a, "name"));
	const char *cid = json_string(json_get(a, "cid"));
	const char *disp = json_string(json_get(a, "disposition"));
	struct bytes *out = &c->buf;
	if (!blob || (type && strpbrk(type, "\r\n\";")) ||
	    (cid && strpbrk(cid, "<>\r\n")))
		return -1;
	bytes_appendf(out, "Content-Type: %s\r\n", type ? type :
		      "application/octet-stream");
	bytes_appendf(out, "Content-Disposition: %s",
		      disp && !strcmp(disp, "inline") ? "inline" : "attachment");
	if (name) {
		bytes_append_str(out, ";\r\n filename=\"");
		struct bytes enc;
		bytes_init(&enc, 4096);
		for (const char *ch = name; *ch; ch++)
			if (*ch != '"' && *ch != '\\' && *ch != '\r' && *ch != '\n')
				bytes_append_char(&enc, *ch);
		header_text(out, bytes_str(&enc));
		bytes_free(&enc);
		bytes_append_char(out, '"');
	}
	bytes_append_str(out, "\r\n");
	if (cid)
		bytes_appendf(out, "Content-ID: <%s>\r\n", cid);
	bytes_append_str(out, "Content-Transfer-Encoding: base64\r\n\r\n");
	struct base64_feed f = { c, { 0 }, 0 };
	if (blob_each(c->s, blob, base64_piece, &f) != 1)
		return -1;
	if (f.n)
		base64_lines(out, f.carry, f.n);
	return flush(c);
}

static void boundary(char *b, size_t size)
{
	unsigned char r[12];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		memset(r, 7, sizeof r);
	snprintf(b, size, "=_postern_%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x%02x",
		 r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9],
		 r[10], r[11]);
}

/* The body: text, html, both (alternative), and attachments (mixed). */
static int body(struct composer *c, const struct json *e)
{
	struct bytes *out = &c->buf;
	const struct json *values = json_get(e, "bodyValues");
	const struct json *text = json_get(e, "textBody");
	const struct json *html = json_get(e, "htmlBody");
	const struct json *att = json_get(e, "attachments");
	const struct json *t = text && text->type == JSON_ARRAY ? text->child : NULL;
	const struct json *h = html && html->type == JSON_ARRAY ? html->child : NULL;
	size_t natt = att && att->type == JSON_ARRAY ? att->len : 0;
	char mixed[64], alt[64];
	boundary(mixed, sizeof mixed);
	boundary(alt, sizeof alt);
	int rc = 0;
	if (natt)
		bytes_appendf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n"
			      "\r\n--%s\r\n", mixed, mixed);
	if (t && h)
		bytes_appendf(out, "Content-Type: multipart/alternative; "
			      "boundary=\"%s\"\r\n\r\n--%s\r\n", alt, alt);
	if (t)
		rc |= text_part(out, t, values, "text/plain");
	if (t && h)
		bytes_appendf(out, "--%s\r\n", alt);
	if (h)
		rc |= text_part(out, h, values, "text/html");
	if (t && h)
		bytes_appendf(out, "--%s--\r\n", alt);
	if (!t && !h)
		bytes_append_str(out, "Content-Type: text/plain; charset=utf-8\r\n"
				 "Content-Transfer-Encoding: 7bit\r\n\r\n");
	rc |= flush(c);
	for (const struct json *a = natt ? att->child : NULL; a && !rc; a = a->next) {
		bytes_appendf(out, "--%s\r\n", mixed);
		rc = flush(c) < 0 || attachment(c, a) < 0 ? -1 : 0;
	}
	if (natt)
		bytes_appendf(out, "--%s--\r\n", mixed);
	return rc;
}

/* The header fields, into out. 0, or -1 when one cannot be written. */
static int header(const struct json *e, struct bytes *out)
{
	char date[64], me[256];
	time_t now = time(NULL);
	struct tm tm;
	unsigned char r[8];
	if (!localtime_r(&now, &tm) ||
	    !strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S %z", &tm) ||
	    getrandom(r, sizeof r, 0) != (ssize_t)sizeof r ||
	    control_me(me, sizeof me) < 0)
		return -1;
	bytes_appendf(out, "Date: %s\r\n", date);
	bytes_appendf(out, "Message-ID: <%lld.%02x%02x%02x%02x%02x%02x%02x%02x@%s>\r\n",
		      (long long)now, r[0], r[1], r[2], r[3], r[4], r[5], r[6],
		      r[7], me);
	if (addresses(out, "From", json_get(e, "from")) < 0 ||
	    addresses(out, "To", json_get(e, "to")) < 0 ||
	    addresses(out, "Cc", json_get(e, "cc")) < 0 ||
	    addresses(out, "Bcc", json_get(e, "bcc")) < 0 ||
	    addresses(out, "Reply-To", json_get(e, "replyTo")) < 0)
		return -1;
	const char *subject = json_string(json_get(e, "subject"));
	if (subject) {
		bytes_append_str(out, "Subject: ");
		header_text(out, subject);
		bytes_append_str(out, "\r\n");
	}
	ids_header(out, "In-Reply-To", json_get(e, "inReplyTo"));
	ids_header(out, "References", json_get(e, "references"));
	bytes_append_str(out, "MIME-Version: 1.0\r\n");
	return 0;
}

int mail_compose(struct server *s, const struct json *e,
		 struct store_upload *u)
{
	struct composer c = { .s = s, .u = u };
	/* what buf holds at once: the header and a text part, which come
	 * from the request (JMAP_REQUEST_MAX), or COMPOSE_PIECE octets of
	 * an attachment; maxsize is checked as it is written out */
	bytes_init(&c.buf, 2 * JMAP_REQUEST_MAX + COMPOSE_PIECE);
	int rc = header(e, &c.buf) < 0 || body(&c, e) < 0 ? -1 : 0;
	if (rc == 0 && flush(&c) == 0 && store_upload_end(u) < 0)
		c.error = errno ? errno : EIO;
	bytes_free(&c.buf);
	if (rc == 0 && !c.error)
		return 0;
	errno = c.error ? c.error : EINVAL;
	return -1;
}
