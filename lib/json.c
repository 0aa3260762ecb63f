/* json.c - the bounded JSON parser (RFC 8259, I-JSON RFC 7493). */
#include "json.h"
#include <errno.h>
#include <math.h>          /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "mime_encoding.h"

struct parser {
	const char *p, *end;
	struct mime_arena *a;
	const char *why;
};

static struct json *parse_value(struct parser *ps, int depth);

static void skip_space(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' ||
				   *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static struct json *fail(struct parser *ps, const char *why)
{
	if (!ps->why)
		ps->why = why;
	return NULL;
}

static struct json *new_value(struct parser *ps, enum json_type type)
{
	struct json *j = mime_arena_alloc(ps->a, sizeof *j);
	if (!j)
		return fail(ps, "out of memory");
	j->type = type;
	return j;
}

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* After a backslash: one escape (§7), surrogate pairs joined. */
static int parse_escape(struct parser *ps, struct bytes *b)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (ps->p >= ps->end)
		return -1;
	const char *e = memchr(from, *ps->p, sizeof from - 1);
	if (e) {
		ps->p++;
		return bytes_append_char(b, to[e - from]) < 0 ? -1 : 0;
	}
	unsigned cp, low;
	if (*ps->p != 'u' || hex4(ps->p + 1, ps->end, &cp) < 0)
		return -1;
	ps->p += 5;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return -1;
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u' ||
		    hex4(ps->p + 2, ps->end, &low) < 0 ||
		    low < 0xdc00 || low > 0xdfff)
			return -1;
		ps->p += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
	}
	if (cp == 0)
		return -1;
	return mime_utf8_append(b, cp) < 0 ? -1 : 0;
}

/* A string at ps->p (the opening quote) into *s, *len. */
static int parse_string_raw(struct parser *ps, const char **s, size_t *len)
{
	struct bytes b;
	bytes_init(&b, (size_t)(ps->end - ps->p));
	ps->p++;
	for (;;) {
		if (ps->p >= ps->end)
			goto bad;
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c == '\\') {
			ps->p++;
			if (parse_escape(ps, &b) < 0)
				goto bad;
			continue;
		}
		unsigned cp;
		size_t n = mime_utf8_decode(ps->p, (size_t)(ps->end - ps->p), &cp);
		if (n == 0 || bytes_append(&b, ps->p, n) < 0)
			goto bad;
		ps->p += n;
	}
	ps->p++;
	*s = mime_arena_strndup(ps->a, bytes_str(&b), b.len);
	*len = b.len;
	bytes_free(&b);
	return *s ? 0 : -1;
bad:
	bytes_free(&b);
	fail(ps, "bad string");
	return -1;
}

/* §6: -? int frac? exp?, no leading zeros, no "+", no ".5". */
static struct json *parse_number(struct parser *ps)
{
	const char *start = ps->p, *q = ps->p;
#define DIGITS(q) ((q) < ps->end && *(q) >= '0' && *(q) <= '9')
	if (q < ps->end && *q == '-')
		q++;
	if (!DIGITS(q))
		return fail(ps, "bad number");
	if (*q == '0')
		q++;
	else
		while (DIGITS(q))
			q++;
	if (q < ps->end && *q == '.') {
		if (!DIGITS(q + 1))
			return fail(ps, "bad number");
		for (q++; DIGITS(q); q++);
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (!DIGITS(q))
			return fail(ps, "bad number");
		while (DIGITS(q))
			q++;
	}
#undef DIGITS
	char buf[64];
	if ((size_t)(q - start) >= sizeof buf)
		return fail(ps, "number too long");
	memcpy(buf, start, (size_t)(q - start));
	buf[q - start] = '\0';
	struct json *j = new_value(ps, JSON_NUMBER);
	if (!j)
		return NULL;
	j->number = strtod(buf, NULL);
	if (!isfinite(j->number))
		return fail(ps, "number out of range");
	ps->p = q;
	return j;
}

static int duplicate_key(const struct json *first, const char *k, size_t n)
{
	for (const struct json *m = first; m; m = m->next)
		if (m->key_len == n && !memcmp(m->key, k, n))
			return 1;
	return 0;
}

/* An array or object at ps->p ('[' or '{'). */
static struct json *parse_container(struct parser *ps, int depth)
{
	int object = *ps->p == '{';
	char close = object ? '}' : ']';
	struct json *j = new_value(ps, object ? JSON_OBJECT : JSON_ARRAY);
	struct json **tail = j ? &j->child : NULL;
	if (!j)
		return NULL;
	if (depth >= JSON_DEPTH_MAX)
		return fail(ps, "nested too deep");
	ps->p++;
	skip_space(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return j;
	}
	for (;;) {
		const char *key = NULL;
		size_t key_len = 0;
		skip_space(ps);
		if (object) {
			if (ps->p >= ps->end || *ps->p != '"')
				return fail(ps, "member name expected");
			if (parse_string_raw(ps, &key, &key_len) < 0)
				return NULL;
			if (duplicate_key(j->child, key, key_len))
				return fail(ps, "duplicate member name");
			skip_space(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return fail(ps, "':' expected");
		}
		struct json *v = parse_value(ps, depth + 1);
		if (!v)
			return NULL;
		v->key = key;
		v->key_len = key_len;
		*tail = v;
		tail = &v->next;
		j->len++;
		skip_space(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return j;
		}
		return fail(ps, object ? "',' or '}' expected"
				       : "',' or ']' expected");
	}
}

static struct json *parse_literal(struct parser *ps, const char *word,
				  enum json_type type)
{
	size_t n = strlen(word);
	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n))
		return fail(ps, "unexpected character");
	ps->p += n;
	return new_value(ps, type);
}

static struct json *parse_value(struct parser *ps, int depth)
{
	skip_space(ps);
	if (ps->p >= ps->end)
		return fail(ps, "value expected");
	switch (*ps->p) {
	case '{': case '[':
		return parse_container(ps, depth);
	case '"': {
		struct json *j = new_value(ps, JSON_STRING);
		if (!j || parse_string_raw(ps, &j->str, &j->len) < 0)
			return NULL;
		return j;
	}
	case 't': return parse_literal(ps, "true", JSON_TRUE);
	case 'f': return parse_literal(ps, "false", JSON_FALSE);
	case 'n': return parse_literal(ps, "null", JSON_NULL);
	default:
		return parse_number(ps);
	}
}

struct json *json_parse(const char *text, size_t n, struct mime_arena *a,
			const char **why)
{
	struct parser ps = { text, text + n, a, NULL };
	struct json *j = parse_value(&ps, 0);
	if (j) {
		skip_space(&ps);
		if (ps.p != ps.end)
			j = fail(&ps, "text after the value");
	}
	if (!j)
		*why = ps.why ? ps.why : "bad JSON";
	return j;
}

const struct json *json_get(const struct json *o, const char *key)
{
	if (!o || o->type != JSON_OBJECT)
		return NULL;
	size_t n = strlen(key);
	for (const struct json *m = o->child; m; m = m->next)
		if (m->key_len == n && !memcmp(m->key, key, n))
			return m;
	return NULL;
}

int json_int(const struct json *j, int64_t *out)
{
	const double max = 9007199254740991.0;  /* 2^53 - 1 */
	/* in range first: then the cast is defined, and a fraction (or
	 * NaN) does not survive the round trip (no libm: libc only) */
	if (!j || j->type != JSON_NUMBER || !(j->number <= max &&
					      j->number >= -max) ||
	    (double)(int64_t)j->number != j->number)
		return 0;
	*out = (int64_t)j->number;
	return 1;
}

const char *json_string(const struct json *j)
{
	return j && j->type == JSON_STRING ? j->str : NULL;
}

int json_equal(const struct json *a, const struct json *b)
{
	if (!a || !b || a->type != b->type)
		return 0;
	switch (a->type) {
	case JSON_NUMBER:
		return a->number == b->number;
	case JSON_STRING:
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	case JSON_ARRAY:
	case JSON_OBJECT:
		break;
	default:
		return 1;
	}
	if (a->len != b->len)
		return 0;
	for (const struct json *x = a->child, *y = b->child; x;
	     x = x->next, y = y->next)
		if (!json_equal(x, a->type == JSON_OBJECT ? json_get(b, x->key) : y))
			return 0;
	return 1;
}
