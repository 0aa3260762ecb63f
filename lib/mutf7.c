/* mutf7.c - modified UTF-7 mailbox names (see mutf7.h). */
#include "mutf7.h"
#include <stdint.h>
#include "mime_encoding.h"

/* The modified BASE64 alphabet: RFC 2045's with ',' for '/'. */
static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == ',') return 63;
	return -1;
}

/* Take UTF-16 unit u: *high holds a pending high surrogate. 0 or -1. */
static int utf16_unit(uint32_t u, uint32_t *high, struct bytes *out)
{
	int is_low = u >= 0xdc00 && u <= 0xdfff;
	if (u >= 0x20 && u <= 0x7e)
		return -1;              /* §5.1.3: printable ASCII is itself */
	if ((*high != 0) != is_low)
		return -1;              /* surrogates come in pairs */
	if (u >= 0xd800 && u <= 0xdbff) {
		*high = u;
		return 0;
	}
	uint32_t cp = is_low ? 0x10000 + ((*high - 0xd800) << 10) + (u - 0xdc00)
			     : u;
	*high = 0;
	return out && mime_utf8_append(out, cp) < 0 ? -1 : 0;
}

int mutf7_run(const char *s, struct bytes *out)
{
	uint32_t bits = 0, high = 0;
	int nbits = 0, i = 0;
	if (s[0] == '-')
		return out && bytes_append_char(out, '&') < 0 ? -1 : 1;
	for (; s[i] && s[i] != '-'; i++) {
		int v = b64_value((unsigned char)s[i]);
		if (v < 0)
			return -1;
		bits = (bits << 6) | (uint32_t)v;
		nbits += 6;
		if (nbits < 16)
			continue;
		nbits -= 16;
		uint32_t u = (bits >> nbits) & 0xffff;
		bits &= (1u << nbits) - 1;
		if (utf16_unit(u, &high, out) < 0)
			return -1;
	}
	if (s[i] != '-' || i == 0 || high || nbits >= 6 || bits != 0)
		return -1;
	return i + 1;
}

int mutf7_decode(const char *name, struct bytes *out)
{
	for (size_t i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c == '&') {
			int k = mutf7_run(name + i + 1, out);
			if (k < 0)
				return -1;
			i += (size_t)k;
		} else if (c < 0x20 || c > 0x7e || bytes_append_char(out, (char)c) < 0) {
			return -1;
		}
	}
	return 0;
}

/* RFC 6855 §3: a mailbox name holds no control character (U+0000-001F,
 * U+007F-009F), LINE SEPARATOR (U+2028) or PARAGRAPH SEPARATOR
 * (U+2029). */
static int name_char_ok(unsigned cp)
{
	return cp >= 0x20 && !(cp >= 0x7f && cp <= 0x9f) &&
	       cp != 0x2028 && cp != 0x2029;
}

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/* The state of an "&...-" run being written. */
struct run {
	int open;
	uint32_t bits;
	int nbits;
};

static int run_unit(struct run *r, uint32_t unit, struct bytes *out)
{
	r->bits = (r->bits << 16) | unit;
	r->nbits += 16;
	while (r->nbits >= 6) {
		r->nbits -= 6;
		if (bytes_append_char(out, b64_alphabet[(r->bits >> r->nbits)
							& 63]) < 0)
			return -1;
	}
	r->bits &= (1u << r->nbits) - 1;
	return 0;
}

/* Add a non-ASCII code point to the run (opened as needed). */
static int run_add(struct run *r, unsigned cp, struct bytes *out)
{
	if (!r->open && bytes_append_char(out, '&') < 0)
		return -1;
	r->open = 1;
	if (cp < 0x10000)
		return run_unit(r, cp, out);
	return run_unit(r, 0xd800 + ((cp - 0x10000) >> 10), out) < 0 ? -1 :
	       run_unit(r, 0xdc00 + ((cp - 0x10000) & 0x3ff), out);
}

/* Close the run if open: the spare bits as zeros, then '-'. */
static int run_close(struct run *r, struct bytes *out)
{
	if (!r->open)
		return 0;
	if (r->nbits > 0 && bytes_append_char(out,
	    b64_alphabet[(r->bits << (6 - r->nbits)) & 63]) < 0)
		return -1;
	*r = (struct run){ 0 };
	return bytes_append_char(out, '-');
}

int mutf7_encode(const char *name, size_t len, struct bytes *out)
{
	struct run r = { 0 };
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = mime_utf8_decode(name + i, len - i, &cp);
		if (k == 0 || !name_char_ok(cp))
			return -1;
		i += k;
		if (cp >= 0x80) {
			if (run_add(&r, cp, out) < 0)
				return -1;
			continue;
		}
		if (run_close(&r, out) < 0 ||
		    bytes_append_char(out, (char)cp) < 0 ||
		    (cp == '&' && bytes_append_char(out, '-') < 0))
			return -1;
	}
	return run_close(&r, out);
}
