/* mime_encoding.c - line ends, quoted-printable, RFC 2047, charsets. */
#include "mime_encoding.h"
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include "base64.h"
#include "limits.h"

/* Octets of p[0..n) equal to c, eight at a time: a byte of x = w ^ c*ones
 * is zero exactly where w has c, and the expression below sets the high
 * bit of exactly those bytes. */
static size_t count_byte(const unsigned char *p, size_t n, unsigned char c)
{
	const uint64_t ones = 0x0101010101010101u, low7 = 0x7f7f7f7f7f7f7f7fu;
	size_t count = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w, x;
		memcpy(&w, p + i, 8);
		x = w ^ (ones * c);
		count += (size_t)__builtin_popcountll(~(((x & low7) + low7) | x | low7));
	}
	for (; i < n; i++)
		count += p[i] == c;
	return count;
}

size_t mime_crlf_count(const char *p, size_t n, size_t *lines)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t lf = count_byte(u, n, '\n'), crlf = 0;
	if (lf > 0 && count_byte(u, n, '\r') > 0)      /* Maildir files have none */
		for (size_t i = 1; i < n; i++)
			crlf += (u[i] == '\n') & (u[i - 1] == '\r');
	if (lines)
		*lines = lf;
	return n + lf - crlf;
}

size_t mime_crlf_size(const char *p, size_t n)
{
	return mime_crlf_count(p, n, NULL);
}

size_t mime_crlf_lines(const char *p, size_t n)
{
	size_t lines;
	mime_crlf_count(p, n, &lines);
	return lines;
}

int mime_crlf_append(struct bytes *out, const char *p, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\n' || (i > 0 && p[i - 1] == '\r'))
			continue;
		if (bytes_append(out, p + start, i - start) < 0 ||
		    bytes_append(out, "\r\n", 2) < 0)
			return -1;
		start = i + 1;
	}
	return bytes_append(out, p + start, n - start);
}

size_t mime_crlf_piece(char *prev, const char *p, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' && *prev != '\r')
			out[k++] = '\r';
		out[k++] = *prev = p[i];
	}
	return k;
}

int mime_crlf_slice(struct bytes *out, const char *p, size_t n, size_t start,
		    size_t len)
{
	size_t at = 0, i = 0;           /* at: CRLF offset of p[i] */
	for (; i < n && len > 0; i++) {
		int bare = p[i] == '\n' && (i == 0 || p[i - 1] != '\r');
		if (bare && at >= start && bytes_append_char(out, '\r') < 0)
			return -1;
		if (bare && at++ >= start && --len == 0)
			break;
		if (at >= start) {
			if (bytes_append_char(out, p[i]) < 0)
				return -1;
			len--;
		}
		at++;
	}
	return 0;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* The length of p[0..n)'s first line without its line end; *next is
 * where the following line starts. */
static size_t line_span(const char *p, size_t n, size_t *next)
{
	const char *lf = memchr(p, '\n', n);
	size_t len = lf ? (size_t)(lf - p) : n;
	*next = lf ? len + 1 : n;
	if (lf && len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

/* One line of quoted-printable body text (no line end). Returns 1 when it
 * ended in a soft break, 0 when not, -1 on error. */
static int qp_line(const char *p, size_t len, struct bytes *out)
{
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;                          /* rule 3 */
	for (size_t i = 0; i < len; i++) {
		if (p[i] != '=') {
			if (bytes_append_char(out, p[i]) < 0)
				return -1;
			continue;
		}
		if (i + 1 == len)
			return 1;               /* rule 5: soft line break */
		int hi = hex_value(p[i + 1]);
		int lo = i + 2 < len ? hex_value(p[i + 2]) : -1;
		if (hi < 0 || lo < 0) {         /* malformed: kept as is */
			if (bytes_append_char(out, '=') < 0)
				return -1;
			continue;
		}
		if (bytes_append_char(out, (char)(hi * 16 + lo)) < 0)
			return -1;
		i += 2;
	}
	return 0;
}

static int q_word(const char *p, size_t n, struct bytes *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		int hi, lo;
		if (c == '_')
			c = ' ';
		else if (c == '=' && i + 2 < n && (hi = hex_value(p[i + 1])) >= 0 &&
			 (lo = hex_value(p[i + 2])) >= 0) {
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (bytes_append_char(out, c) < 0)
			return -1;
	}
	return 0;
}

int mime_qp_decode(const char *p, size_t n, int header, struct bytes *out)
{
	if (header)
		return q_word(p, n, out);
	size_t pos = 0;
	while (pos < n) {
		size_t next, len = line_span(p + pos, n - pos, &next);
		int r = qp_line(p + pos, len, out);
		if (r < 0)
			return -1;
		if (r == 0 && next > len && bytes_append_char(out, '\n') < 0)
			return -1;
		pos += next;
	}
	return 0;
}

size_t mime_utf8_decode(const char *p, size_t n, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t len;
	unsigned c, min;
	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if ((u[0] & 0xe0) == 0xc0)
		len = 2, c = u[0] & 0x1f, min = 0x80;
	else if ((u[0] & 0xf0) == 0xe0)
		len = 3, c = u[0] & 0x0f, min = 0x800;
	else if ((u[0] & 0xf8) == 0xf0)
		len = 4, c = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

int mime_utf8_append(struct bytes *out, unsigned cp)
{
	char b[4];
	size_t n;
	if (cp < 0x80)
		b[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		b[0] = (char)(0xc0 | cp >> 6), n = 2;
	else if (cp < 0x10000)
		b[0] = (char)(0xe0 | cp >> 12), n = 3;
	else
		b[0] = (char)(0xf0 | cp >> 18), n = 4;
	for (size_t i = 1; i < n; i++)
		b[i] = (char)(0x80 | ((cp >> (6 * (n - 1 - i))) & 0x3f));
	return bytes_append(out, b, n);
}

/* Windows-1252 0x80..0x9F (WHATWG encoding standard, index windows-1252). */
static const unsigned short cp1252_c1[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* ISO-8859-15 differs from Latin-1 in eight places. */
static unsigned latin9(unsigned char c)
{
	static const unsigned char from[8] = {
		0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe };
	static const unsigned short to[8] = {
		0x20ac, 0x0160, 0x0161, 0x017d, 0x017e, 0x0152, 0x0153, 0x0178 };
	for (size_t i = 0; i < 8; i++)
		if (from[i] == c)
			return to[i];
	return c;
}

enum charset { CS_UTF8, CS_CP1252, CS_LATIN9 };

static enum charset charset_kind(const char *name)
{
	static const char *const cp1252[] = { "iso-8859-1", "iso8859-1",
		"latin1", "latin-1", "l1", "iso_8859-1", "windows-1252",
		"cp1252", "iso-ir-100", "cp819", "ibm819", NULL };
	if (!name)
		return CS_UTF8;
	for (size_t i = 0; cp1252[i]; i++)
		if (strcasecmp(name, cp1252[i]) == 0)
			return CS_CP1252;
	if (strcasecmp(name, "iso-8859-15") == 0 ||
	    strcasecmp(name, "latin9") == 0 || strcasecmp(name, "iso8859-15") == 0)
		return CS_LATIN9;
	return CS_UTF8;         /* UTF-8, US-ASCII and unknown: see header */
}

static unsigned single_byte(enum charset cs, unsigned char c)
{
	if (c >= 0x80 && c < 0xa0)
		return cp1252_c1[c - 0x80];
	return cs == CS_LATIN9 ? latin9(c) : c;
}

int mime_charset_to_utf8(const char *charset, const char *p, size_t n,
			 struct bytes *out)
{
	enum charset cs = charset_kind(charset);
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t len = cs == CS_UTF8 ? mime_utf8_decode(p + i, n - i, &cp) : 0;
		if (len == 0) {
			cp = single_byte(cs == CS_UTF8 ? CS_CP1252 : cs,
					 (unsigned char)p[i]);
			len = 1;
		}
		i += len;
		if (cp == 0)
			continue;
		if (cp < 0x80 ? bytes_append_char(out, (char)cp) < 0
			      : mime_utf8_append(out, cp) < 0)
			return -1;
	}
	return 0;
}

/* An encoded word at p[0..n) (p starts with "=?"). */
struct encoded_word {
	char charset[MIME_CHARSET_MAX];
	char encoding;          /* 'B' or 'Q' */
	const char *text;
	size_t text_len;
	size_t len;             /* of the whole word */
};

static int word_parse(const char *p, size_t n, struct encoded_word *w)
{
	size_t i = 2, c = 0;
	while (i < n && p[i] != '?' && p[i] != '*' && p[i] > ' ' && p[i] < 127) {
		if (c + 1 >= sizeof w->charset)
			return 0;
		w->charset[c++] = p[i++];
	}
	w->charset[c] = '\0';
	while (i < n && p[i] != '?' && p[i] > ' ' && p[i] < 127)
		i++;                    /* RFC 2231 §5 "*language" */
	if (c == 0 || i + 3 > n || p[i] != '?' || p[i + 2] != '?')
		return 0;
	w->encoding = (char)(p[i + 1] & ~0x20);
	if (w->encoding != 'B' && w->encoding != 'Q')
		return 0;
	w->text = p + i + 3;
	for (i += 3; i + 1 < n; i++) {
		if (p[i] == '?' && p[i + 1] == '=') {
			w->text_len = (size_t)(p + i - w->text);
			w->len = i + 2;
			return 1;
		}
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			return 0;
	}
	return 0;
}

/* Words already decoded but not yet converted to UTF-8. */
struct pending {
	struct bytes raw;
	char charset[MIME_CHARSET_MAX];
};

static int pending_flush(struct pending *pd, struct bytes *out)
{
	int r = mime_charset_to_utf8(pd->charset, pd->raw.data ? pd->raw.data : "",
				     pd->raw.len, out);
	bytes_clear(&pd->raw);
	return r;
}

static int only_space(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
			return 0;
	return 1;
}

/* Literal text p[0..n) between words: dropped when it is white space
 * between two encoded words (§6.2). */
static int literal(struct pending *pd, const char *p, size_t n, int before_word,
		   struct bytes *out)
{
	if (n == 0 || (pd->raw.len > 0 && before_word && only_space(p, n)))
		return 0;
	if (pd->raw.len > 0 && pending_flush(pd, out) < 0)
		return -1;
	return mime_charset_to_utf8(NULL, p, n, out);
}

static int word_add(struct pending *pd, const struct encoded_word *w,
		    struct bytes *out)
{
	if (pd->raw.len > 0 && strcasecmp(pd->charset, w->charset) != 0 &&
	    pending_flush(pd, out) < 0)
		return -1;
	memcpy(pd->charset, w->charset, sizeof pd->charset);
	if (w->encoding == 'B')
		return base64_decode_lenient(w->text, w->text_len, &pd->raw);
	return mime_qp_decode(w->text, w->text_len, 1, &pd->raw);
}

int mime_rfc2047_decode(const char *p, size_t n, struct bytes *out)
{
	struct pending pd;
	size_t i = 0, lit = 0;
	int r = 0;
	bytes_init(&pd.raw, out->max);
	pd.charset[0] = '\0';
	while (i < n && r == 0) {
		struct encoded_word w;
		if (p[i] != '=' || i + 1 >= n || p[i + 1] != '?' ||
		    !word_parse(p + i, n - i, &w)) {
			i++;
			continue;
		}
		r = literal(&pd, p + lit, i - lit, 1, out);
		if (r == 0)
			r = word_add(&pd, &w, out);
		i += w.len;
		lit = i;
	}
	if (r == 0)
		r = literal(&pd, p + lit, n - lit, 0, out);
	if (r == 0 && pd.raw.len > 0)
		r = pending_flush(&pd, out);
	bytes_free(&pd.raw);
	return r;
}
