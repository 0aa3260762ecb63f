/* base64.c - RFC 4648 §4 base64: strict for SASL, lenient for MIME.
 *
 * Every function appends to out through a small stack buffer and, on
 * failure, truncates out back to its length on entry: a failed call
 * leaves out as it found it. */
#include "base64.h"
#include <stdint.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Chunk of output gathered on the stack before one bytes_append. */
#define BASE64_CHUNK 256

/* The 6-bit value of c, or -1 outside the alphabet (RFC 4648 §4). */
static int sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Gathers output octets and hands them to out a chunk at a time. */
struct sink {
	struct bytes *out;
	size_t start;           /* out->len on entry, for undoing */
	size_t used;
	char buf[BASE64_CHUNK];
};

static int sink_flush(struct sink *k)
{
	if (k->used && bytes_append(k->out, k->buf, k->used) < 0)
		return -1;
	k->used = 0;
	return 0;
}

static int sink_put(struct sink *k, char c)
{
	if (k->used == sizeof k->buf && sink_flush(k) < 0)
		return -1;
	k->buf[k->used++] = c;
	return 0;
}

/* Finish: flush, or undo everything appended since entry. */
static int sink_end(struct sink *k, int ok)
{
	if (ok && sink_flush(k) == 0)
		return 0;
	bytes_truncate(k->out, k->start);
	return -1;
}

int base64_encode(const void *p, size_t n, struct bytes *out)
{
	const unsigned char *in = p;
	struct sink k = { out, out->len, 0, { 0 } };
	int ok = 1;

	for (size_t i = 0; ok && i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		size_t left = n - i;
		if (left > 1)
			v |= (uint32_t)in[i + 1] << 8;
		if (left > 2)
			v |= in[i + 2];
		ok = sink_put(&k, alphabet[v >> 18 & 63]) == 0 &&
		     sink_put(&k, alphabet[v >> 12 & 63]) == 0 &&
		     sink_put(&k, left > 1 ? alphabet[v >> 6 & 63] : '=') == 0 &&
		     sink_put(&k, left > 2 ? alphabet[v & 63] : '=') == 0;
	}
	return sink_end(&k, ok);
}

/* Emit the octets of a quantum of count sextets (2, 3 or 4) held in v,
 * left-aligned as if four had been read. */
static int emit_quantum(struct sink *k, uint32_t v, int count)
{
	if (sink_put(k, (char)(v >> 16 & 0xff)) < 0)
		return -1;
	if (count > 2 && sink_put(k, (char)(v >> 8 & 0xff)) < 0)
		return -1;
	if (count > 3 && sink_put(k, (char)(v & 0xff)) < 0)
		return -1;
	return 0;
}

/* One strict 4-character quantum at s; last says whether it may carry
 * padding ("xx==" or "xxx="). Returns 0 or -1. */
static int strict_quantum(struct sink *k, const unsigned char *s, int last)
{
	uint32_t v = 0;
	int count = 0;

	for (int j = 0; j < 4; j++) {
		int x = sextet(s[j]);
		if (x < 0) {
			/* '=' only in the last quantum, only after two
			 * characters, and padding runs to its end. */
			if (!last || s[j] != '=' || j < 2 ||
			    (j == 2 && s[3] != '='))
				return -1;
			break;
		}
		v |= (uint32_t)x << (18 - 6 * j);
		count++;
	}
	return emit_quantum(k, v, count);
}

int base64_decode(const char *s, size_t n, struct bytes *out)
{
	const unsigned char *in = (const unsigned char *)s;
	struct sink k = { out, out->len, 0, { 0 } };
	int ok = n % 4 == 0;

	for (size_t i = 0; ok && i < n; i += 4)
		ok = strict_quantum(&k, in + i, i + 4 == n) == 0;
	return sink_end(&k, ok);
}

size_t base64_decode_step(struct base64_state *st, const char *s, size_t n,
			  char *out)
{
	const unsigned char *in = (const unsigned char *)s;
	size_t k = 0;
	for (size_t i = 0; i < n && !st->done; i++) {
		int x = sextet(in[i]);
		if (in[i] == '=') {
			/* A quantum closed by '=' is padded: decode what it
			 * holds. One cut off by the end of input is dangling,
			 * and dropped (see base64.h). */
			for (int j = 0; j + 1 < st->count; j++)
				out[k++] = (char)(st->v >> (16 - 8 * j) & 0xff);
			st->done = 1;
			break;
		}
		if (x < 0)
			continue;       /* RFC 2045 §6.8: ignore the rest */
		st->v |= (uint32_t)x << (18 - 6 * st->count);
		if (++st->count == 4) {
			out[k++] = (char)(st->v >> 16 & 0xff);
			out[k++] = (char)(st->v >> 8 & 0xff);
			out[k++] = (char)(st->v & 0xff);
			st->v = 0;
			st->count = 0;
		}
	}
	return k;
}

int base64_decode_lenient(const char *s, size_t n, struct bytes *out)
{
	struct base64_state st = { 0, 0, 0 };
	char buf[BASE64_CHUNK / 4 * 3 + 3];
	size_t start = out->len;
	for (size_t i = 0; i < n && !st.done; i += BASE64_CHUNK) {
		size_t k = n - i < BASE64_CHUNK ? n - i : BASE64_CHUNK;
		size_t got = base64_decode_step(&st, s + i, k, buf);
		if (got && bytes_append(out, buf, got) < 0) {
			bytes_truncate(out, start);
			return -1;
		}
	}
	return 0;
}
