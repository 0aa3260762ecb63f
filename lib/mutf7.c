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

/* The modified BASE64 of the UTF-16 units u[0..n) and the closing '-'. */
static int encode_run(const uint16_t *u, size_t n, struct bytes *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	uint32_t bits = 0;
	int nbits = 0, rc = bytes_append_char(out, '&');
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bits = (bits << 16) | u[i];
		nbits += 16;
		while (rc == 0 && nbits >= 6) {
			nbits -= 6;
			rc = bytes_append_char(out, alphabet[(bits >> nbits) & 63]);
		}
		bits &= (1u << nbits) - 1;
	}
	if (rc == 0 && nbits)   /* §5.1.3: the spare bits are zero */
		rc = bytes_append_char(out, alphabet[(bits << (6 - nbits)) & 63]);
	return rc == 0 ? bytes_append_char(out, '-') : -1;
}

int mutf7_encode(const char *utf8, size_t len, struct bytes *out)
{
	uint16_t run[64];
	size_t n = 0;
	for (size_t i = 0; i < len; ) {
		unsigned cp;
		size_t k = mime_utf8_decode(utf8 + i, len - i, &cp);
		if (k == 0 || cp == 0)
			return -1;
		i += k;
		int direct = cp >= 0x20 && cp <= 0x7e;
		if (direct || n + 2 > sizeof run / sizeof *run) {
			if (n && encode_run(run, n, out) < 0)
				return -1;
			n = 0;
		}
		if (direct) {
			if (bytes_append_char(out, (char)cp) < 0 ||
			    (cp == '&' && bytes_append_char(out, '-') < 0))
				return -1;
		} else if (cp >= 0x10000) {
			run[n++] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
			run[n++] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
		} else {
			run[n++] = (uint16_t)cp;
		}
	}
	return n ? encode_run(run, n, out) : 0;
}
