/* mime_search.c - substring search over decoded headers and bodies. */
#include "mime_search.h"
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_address.h"
#include "mime_encoding.h"
#include "mime_header.h"

/* Simple case folding of one code point (see mime_search.h). */
static unsigned fold_cp(unsigned c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 32;
	if (c < 0x100)
		return c;
	if (c == 0x130)
		return 'i';
	if (c == 0x178)
		return 0xff;
	if (((c <= 0x137 || (c >= 0x14a && c <= 0x177)) && !(c & 1)) ||
	    (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e)) && (c & 1)))
		return c + 1;
	if ((c >= 0x391 && c <= 0x3a9 && c != 0x3a2) || (c >= 0x410 && c <= 0x42f))
		return c + 32;
	if (c >= 0x400 && c <= 0x40f)
		return c + 80;
	return c;
}

int mime_fold(const char *p, size_t n, struct bytes *out)
{
	size_t i = 0;
	while (i < n) {
		size_t j = i;                   /* an ASCII run in one append */
		while (j < n && (unsigned char)p[j] < 0x80)
			j++;
		if (j > i) {
			size_t at = out->len;
			if (bytes_append(out, p + i, j - i) < 0)
				return -1;
			for (; at < out->len; at++)
				if (out->data[at] >= 'A' && out->data[at] <= 'Z')
					out->data[at] += 'a' - 'A';
			i = j;
			continue;
		}
		unsigned cp;
		size_t len = mime_utf8_decode(p + i, n - i, &cp);
		int r;
		if (len == 0) {
			r = bytes_append_char(out, p[i]);
			len = 1;
		} else if (cp < 0x80) {
			r = bytes_append_char(out, (char)fold_cp(cp));
		} else {
			r = mime_utf8_append(out, fold_cp(cp));
		}
		if (r < 0)
			return -1;
		i += len;
	}
	return 0;
}

const char *mime_find(const char *s, size_t n, const char *w, size_t wn)
{
	const char *end = s + n, *p = s;
	while (wn && wn <= (size_t)(end - p) &&
	       (p = memchr(p, w[0], (size_t)(end - p) - wn + 1)) != NULL) {
		if (memcmp(p, w, wn) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* 1 when the folded needle is in text[0..n) (folded here). */
static int contains(const char *text, size_t n, const struct bytes *needle)
{
	struct bytes f;
	if (needle->len == 0)
		return 1;
	bytes_init(&f, MIME_DECODED_MAX);
	int r = mime_fold(text, n, &f);
	if (r == 0)
		r = mime_find(bytes_str(&f), f.len, needle->data, needle->len) != NULL;
	bytes_free(&f);
	return r;
}

/* Search the fields of header h[0..n) named name (NULL: all). */
static int header_contains(const char *h, size_t n, const char *name,
			   const struct bytes *needle)
{
	struct mime_field f;
	struct bytes u, d;
	size_t pos = 0, len = name ? strlen(name) : 0;
	int r = 0;
	bytes_init(&u, MIME_DECODED_MAX);
	bytes_init(&d, MIME_DECODED_MAX);
	while (r == 0 && mime_header_next(h, n, &pos, &f)) {
		if (name && (f.name_len != len || strncasecmp(f.name, name, len) != 0))
			continue;
		bytes_clear(&u);
		bytes_clear(&d);
		if (mime_unfold(f.value, f.value_len, &u) < 0 ||
		    mime_rfc2047_decode(bytes_str(&u), u.len, &d) < 0)
			r = -1;
		else
			r = contains(bytes_str(&d), d.len, needle);
	}
	bytes_free(&u);
	bytes_free(&d);
	return r;
}

static int fold_needle(const char *needle, struct bytes *f)
{
	bytes_init(f, MIME_DECODED_MAX);
	return mime_fold(needle, strlen(needle), f);
}

int mime_search_header(const struct mime_message *m, const struct mime_part *msg,
		       const char *name, const char *needle)
{
	struct bytes f;
	int r = fold_needle(needle, &f);
	size_t n;
	const char *h = mime_part_header(m, msg, &n);
	if (r == 0)
		r = header_contains(h, n, name, &f);
	bytes_free(&f);
	return r;
}

/* Append an address list element as SEARCH FROM/TO/CC/BCC sees it:
 * "display name <mailbox@host>, " (the name RFC 2047-decoded), a group's
 * name followed by ": ". */
static int address_text(void *ctx, const struct mime_address *a)
{
	struct bytes *out = ctx;
	if (!a->mailbox)
		return 0;               /* the end of a group */
	if (!a->host)
		return bytes_append_str(out, a->mailbox) < 0 ||
		       bytes_append_str(out, ": ") < 0 ? -1 : 0;
	if (a->name && (mime_rfc2047_decode(a->name, strlen(a->name), out) < 0 ||
			bytes_append_char(out, ' ') < 0))
		return -1;
	return bytes_appendf(out, "<%s@%s>, ", a->mailbox, a->host) < 0 ? -1 : 0;
}

int mime_address_text(const char *v, size_t n, struct bytes *out)
{
	struct bytes u;
	bytes_init(&u, MIME_DECODED_MAX);
	int r = mime_unfold(v, n, &u);
	if (r == 0)
		r = mime_address_parse(bytes_str(&u), address_text, out);
	bytes_free(&u);
	return r != 0 ? -1 : 0;
}

int mime_search_address(const struct mime_message *m, const struct mime_part *msg,
			const char *name, const char *needle)
{
	struct mime_field f;
	struct bytes folded, text;
	size_t pos = 0, len = strlen(name), n;
	const char *h = mime_part_header(m, msg, &n);
	int r = fold_needle(needle, &folded);
	bytes_init(&text, MIME_DECODED_MAX);
	while (r == 0 && mime_header_next(h, n, &pos, &f)) {
		if (f.name_len != len || strncasecmp(f.name, name, len) != 0)
			continue;
		bytes_clear(&text);
		r = mime_address_text(f.value, f.value_len, &text);
		if (r == 0)
			r = contains(bytes_str(&text), text.len, &folded);
	}
	bytes_free(&text);
	bytes_free(&folded);
	return r;
}

/* The decoded text of a part, folded, searched a piece at a time: the
 * last needle length less one octets of a piece are kept in front of
 * the next, so that a match across two pieces is found. */
struct finder {
	const struct bytes *needle;
	struct bytes folded;
};

static int find_piece(void *ctx, const char *p, size_t n)
{
	struct finder *f = ctx;
	size_t keep = f->needle->len - 1;
	if (mime_fold(p, n, &f->folded) < 0)
		return -1;
	if (mime_find(f->folded.data, f->folded.len, f->needle->data,
		      f->needle->len))
		return 1;
	if (f->folded.len > keep) {
		memmove(f->folded.data, f->folded.data + f->folded.len - keep,
			keep);
		bytes_truncate(&f->folded, keep);
	}
	return 0;
}

/* Depth-first over the tree from p. */
static int text_contains(const struct mime_message *m, const struct mime_part *p,
			 const struct bytes *needle)
{
	const struct mime_part *msg = mime_part_message(p);
	if (msg) {
		size_t n;
		const char *h = mime_part_header(m, msg, &n);
		int r = header_contains(h, n, NULL, needle);
		return r != 0 ? r : text_contains(m, msg, needle);
	}
	if (p->child) {
		for (const struct mime_part *c = p->child; c; c = c->next) {
			int r = text_contains(m, c, needle);
			if (r != 0)
				return r;
		}
		return 0;
	}
	if (!mime_is(p, "text", NULL) || needle->len == 0)
		return 0;
	struct finder f = { .needle = needle };
	bytes_init(&f.folded, MIME_DECODED_MAX);
	int r = mime_part_decode_each(m, p, find_piece, &f);
	bytes_free(&f.folded);
	return r;
}

int mime_search_text(const struct mime_message *m, const char *needle,
		     int with_header)
{
	struct bytes f;
	int r = fold_needle(needle, &f);
	size_t n;
	const char *h = mime_part_header(m, m->root, &n);
	if (r == 0 && with_header)
		r = header_contains(h, n, NULL, &f);
	if (r == 0)
		r = text_contains(m, m->root, &f);
	if (f.len == 0 && r >= 0)
		r = 1;
	bytes_free(&f);
	return r;
}
