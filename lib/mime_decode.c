/* mime_decode.c - a part's body with its transfer encoding undone, and
 * as text, a piece at a time: no body is ever decoded whole. See
 * mime_search.h. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base64.h"
#include "limits.h"
#include "mime_encoding.h"
#include "mime_search.h"

enum encoding { IDENTITY, BASE64, QUOTED_PRINTABLE };

struct unencoder {
	enum encoding kind;
	struct base64_state b64;
	char *out;              /* a decoded base64 piece */
	struct bytes qp;        /* a decoded quoted-printable piece */
	mime_sink *fn;
	void *ctx;
};

/* Where to cut a piece t[0..n) of raw text that goes on after it: after
 * its last line end, else (a line longer than a piece) not inside a
 * quoted-printable "=XX". */
static size_t piece_end(const char *t, size_t n, int qp)
{
	for (size_t i = n; i > 0; i--)
		if (t[i - 1] == '\n')
			return i;
	if (qp && n > 2 && t[n - 1] == '=')
		return n - 1;
	if (qp && n > 2 && t[n - 2] == '=')
		return n - 2;
	return n;
}

static int unencode_piece(struct unencoder *u, const char *t, size_t n)
{
	switch (u->kind) {
	case BASE64: {
		size_t k = base64_decode_step(&u->b64, t, n, u->out);
		return k ? u->fn(u->ctx, u->out, k) : 0;
	}
	case QUOTED_PRINTABLE:
		bytes_clear(&u->qp);
		if (mime_qp_decode(t, n, 0, &u->qp) < 0)
			return -1;
		return u->qp.len ? u->fn(u->ctx, u->qp.data, u->qp.len) : 0;
	case IDENTITY:
		break;
	}
	return u->fn(u->ctx, t, n);
}

int mime_part_unencode_each(const struct mime_message *m,
			    const struct mime_part *p, mime_sink *fn, void *ctx)
{
	const char *e = p->encoding;
	struct unencoder u = { .kind = IDENTITY, .fn = fn, .ctx = ctx };
	if (e && strcasecmp(e, "base64") == 0)
		u.kind = BASE64;
	else if (e && strcasecmp(e, "quoted-printable") == 0)
		u.kind = QUOTED_PRINTABLE;
	bytes_init(&u.qp, MIME_DECODE_PIECE * 2);
	if (u.kind == BASE64 && !(u.out = malloc(MIME_DECODE_PIECE / 4 * 3 + 3)))
		return -1;
	size_t pos = p->body_off, end = p->body_off + p->body_len;
	int r = 0;
	while (r == 0 && pos < end) {
		size_t got, left = end - pos;
		const char *t = mime_text(m, pos, left < MIME_DECODE_PIECE ? left
					  : MIME_DECODE_PIECE, &got);
		if (got == 0) {
			r = -1;         /* the file shrank */
			break;
		}
		size_t take = got < left ? piece_end(t, got, u.kind ==
						     QUOTED_PRINTABLE) : got;
		r = unencode_piece(&u, t, take);
		pos += take;
	}
	free(u.out);
	bytes_free(&u.qp);
	return r;
}

/* The decoded text: pieces of unencoded octets gathered up to a line
 * end (a character never spans one), then CRLF made LF and the charset
 * converted to UTF-8. */
struct texter {
	const char *charset;    /* NULL: unknown */
	struct bytes held;      /* unencoded octets not yet converted */
	struct bytes utf8;
	mime_sink *fn;
	void *ctx;
};

/* Convert and hand on held[0..n), keep the rest. */
static int text_flush(struct texter *x, size_t n)
{
	char *h = x->held.data;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)  /* CRLF to LF, in place */
		if (!(h[i] == '\r' && i + 1 < n && h[i + 1] == '\n'))
			h[j++] = h[i];
	bytes_clear(&x->utf8);
	int r = mime_charset_to_utf8(x->charset, h, j, &x->utf8);
	if (r == 0 && x->utf8.len)
		r = x->fn(x->ctx, x->utf8.data, x->utf8.len);
	size_t rest = x->held.len - n;
	memmove(h, h + n, rest);
	bytes_truncate(&x->held, rest);
	return r;
}

static int text_piece(void *ctx, const char *p, size_t n)
{
	struct texter *x = ctx;
	if (bytes_append(&x->held, p, n) < 0)
		return -1;
	size_t cut = x->held.len;
	while (cut > 0 && x->held.data[cut - 1] != '\n')
		cut--;
	if (cut == 0 && x->held.len >= MIME_DECODE_PIECE) {
		/* a line longer than a piece: cut before a UTF-8 lead octet */
		cut = x->held.len;
		for (int k = 0; k < 3 && cut > 1 &&
		     ((unsigned char)x->held.data[cut - 1] & 0xc0) == 0x80; k++)
			cut--;
		cut -= cut > 1 && (unsigned char)x->held.data[cut - 1] >= 0xc0;
	}
	return cut ? text_flush(x, cut) : 0;
}

int mime_part_decode_each(const struct mime_message *m,
			  const struct mime_part *p, mime_sink *fn, void *ctx)
{
	const struct mime_param *cs = mime_param_find(&p->ctype, "charset");
	struct bytes charset;
	struct texter x = { .fn = fn, .ctx = ctx };
	bytes_init(&charset, MIME_CHARSET_MAX);
	if (cs && mime_param_decode(cs, &charset) < 0)
		bytes_clear(&charset);          /* too long: unknown charset */
	x.charset = charset.len ? bytes_str(&charset) : NULL;
	bytes_init(&x.held, MIME_DECODE_PIECE * 3);
	bytes_init(&x.utf8, MIME_DECODE_PIECE * 9);
	int r = mime_part_unencode_each(m, p, text_piece, &x);
	if (r == 0 && x.held.len)
		r = text_flush(&x, x.held.len);
	bytes_free(&x.held);
	bytes_free(&x.utf8);
	bytes_free(&charset);
	return r;
}

static int append_piece(void *ctx, const char *p, size_t n)
{
	return bytes_append(ctx, p, n) < 0 ? -1 : 0;
}

int mime_part_unencode(const struct mime_message *m, const struct mime_part *p,
		       struct bytes *out)
{
	return mime_part_unencode_each(m, p, append_piece, out);
}

int mime_part_decode(const struct mime_message *m, const struct mime_part *p,
		     struct bytes *out)
{
	return mime_part_decode_each(m, p, append_piece, out);
}
