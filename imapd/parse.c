/* parse.c - the tokenizer for IMAP commands (RFC 3501 §9). See parse.h. */
#include "parse.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"

static int fail(struct parse *p, const char *msg)
{
	if (!p->error)
		p->error = msg;
	return -1;
}

void parse_init(struct parse *p, char *buf, size_t len)
{
	memset(p, 0, sizeof *p);
	p->buf = buf;
	p->len = len;
}

int parse_init_copy(struct parse *p, const char *text, size_t len)
{
	parse_init(p, NULL, 0);
	char *buf = parse_alloc(p, len + 1);
	if (!buf)
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	p->buf = buf;
	p->len = len;
	return 0;
}

void parse_free(struct parse *p)
{
	for (size_t i = 0; i < p->npool; i++)
		free(p->pool[i]);
	free(p->pool);
	p->pool = NULL;
	p->npool = p->cappool = 0;
}

void *parse_alloc(struct parse *p, size_t n)
{
	if (p->npool == p->cappool) {
		size_t cap = p->cappool ? p->cappool * 2 : 16;
		void **np = realloc(p->pool, cap * sizeof *np);
		if (!np) {
			fail(p, "Out of memory");
			return NULL;
		}
		p->pool = np;
		p->cappool = cap;
	}
	void *m = malloc(n ? n : 1);
	if (!m) {
		fail(p, "Out of memory");
		return NULL;
	}
	p->pool[p->npool++] = m;
	return m;
}

int parse_peek(const struct parse *p)
{
	return p->pos < p->len ? (unsigned char)p->buf[p->pos] : -1;
}

int parse_at_end(const struct parse *p)
{
	return p->pos >= p->len;
}

int parse_char(struct parse *p, int c)
{
	if (parse_peek(p) != c)
		return fail(p, "Syntax error");
	p->pos++;
	return 0;
}

int parse_sp(struct parse *p)
{
	if (parse_peek(p) != ' ')
		return fail(p, "Missing argument or space");
	p->pos++;
	return 0;
}

int parse_end(struct parse *p)
{
	if (!parse_at_end(p))
		return fail(p, "Extra characters after command");
	return 0;
}

int parse_open(struct parse *p)
{
	if (parse_char(p, '(') < 0)
		return fail(p, "Expected (");
	if (++p->depth > IMAP_NESTING_MAX)
		return fail(p, "Parentheses nested too deep");
	return 0;
}

int parse_close(struct parse *p)
{
	if (parse_char(p, ')') < 0)
		return -1;
	p->depth--;
	return 0;
}

/* §9: atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards /
 * quoted-specials / resp-specials; CHAR is 7-bit. */
int is_atom_char(int c)
{
	if (c <= 0x1f || c >= 0x7f)
		return 0;
	return !strchr("(){ %*\"\\]", c);
}

static char *pool_copy(struct parse *p, const char *s, size_t n)
{
	char *m = parse_alloc(p, n + 1);
	if (!m)
		return NULL;
	memcpy(m, s, n);
	m[n] = '\0';
	return m;
}

/* A run of characters accepted by ok(c) or found in extra. */
static int parse_run(struct parse *p, int (*ok)(int), const char *extra,
		     struct string *out, const char *what)
{
	size_t start = p->pos;
	int c;
	while ((c = parse_peek(p)) > 0 &&
	       (ok(c) || (extra && strchr(extra, c))))
		p->pos++;
	if (p->pos == start)
		return fail(p, what);
	out->len = p->pos - start;
	out->literal = 0;
	out->s = pool_copy(p, p->buf + start, out->len);
	return out->s ? 0 : -1;
}

int parse_atom(struct parse *p, struct string *out)
{
	return parse_run(p, is_atom_char, NULL, out, "Expected an atom");
}

int parse_word(struct parse *p, const char *extra, struct string *out)
{
	return parse_run(p, is_atom_char, extra, out, "Expected an atom");
}

static int is_name_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-';
}

int parse_name(struct parse *p, struct string *out)
{
	return parse_run(p, is_name_char, NULL, out, "Expected a name");
}

static int is_tag_char(int c)
{
	return c != '+' && (is_atom_char(c) || c == ']');
}

int parse_tag(struct parse *p, struct string *out)
{
	if (parse_run(p, is_tag_char, NULL, out, "Missing tag") < 0)
		return -1;
	if (out->len > IMAP_TAG_MAX)
		return fail(p, "Tag too long");
	return 0;
}

/* quoted = DQUOTE *QUOTED-CHAR DQUOTE; "\" escapes only '"' and '\'.
 * 8-bit octets are let through (RFC 9051 utf8-quoted); callers that
 * need 7-bit (mailbox names) check for themselves. */
static int parse_quoted(struct parse *p, struct string *out)
{
	p->pos++;                       /* the opening quote */
	size_t start = p->pos, n = 0;
	for (;;) {
		int c = parse_peek(p);
		if (c < 0 || c == '\r' || c == '\n' || c == 0)
			return fail(p, "Unterminated quoted string");
		if (c == '"')
			break;
		if (c == '\\') {
			p->pos++;
			c = parse_peek(p);
			if (c != '"' && c != '\\')
				return fail(p, "Bad escape in quoted string");
		}
		p->pos++;
		n++;
	}
	char *m = parse_alloc(p, n + 1);
	if (!m)
		return -1;
	size_t j = 0;
	for (size_t i = start; i < p->pos; i++) {
		if (p->buf[i] == '\\')
			i++;
		m[j++] = p->buf[i];
	}
	m[j] = '\0';
	p->pos++;                       /* the closing quote */
	out->s = m;
	out->len = n;
	out->literal = 0;
	return 0;
}

/* literal = "{" number ["+"] "}" CRLF *CHAR8, laid out by command.c with a
 * NUL after the octets; or a streamed one (parse.h), taken only when up
 * is not NULL. */
static int parse_literal(struct parse *p, struct string *out,
			 struct store_upload **up)
{
	p->pos++;
	unsigned long long n = 0;
	size_t digits = 0;
	int c;
	while ((c = parse_peek(p)) >= '0' && c <= '9') {
		n = n * 10 + (unsigned)(c - '0');
		if (++digits > 19)
			return fail(p, "Literal length too large");
		p->pos++;
	}
	if (!digits)
		return fail(p, "Bad literal");
	if (parse_peek(p) == '+')
		p->pos++;
	if (parse_char(p, '}') < 0 || parse_char(p, '\r') < 0 ||
	    parse_char(p, '\n') < 0)
		return fail(p, "Bad literal");
	for (size_t i = 0; i < p->nuploads; i++)
		if (p->uploads[i].at == p->pos) {
			if (!up)
				return fail(p, "Literal too big");
			*up = &p->uploads[i].up;
			out->s = p->buf + p->pos++;
			out->len = (size_t)n;
			out->literal = 1;
			return 0;
		}
	if (n >= p->len - p->pos || p->buf[p->pos + n] != '\0')
		return fail(p, "Bad literal");
	out->s = p->buf + p->pos;
	out->len = (size_t)n;
	out->literal = 1;
	p->pos += (size_t)n + 1;
	return 0;
}

int parse_literal_upload(struct parse *p, struct string *out,
			 struct store_upload **up)
{
	*up = NULL;
	if (parse_peek(p) != '{')
		return fail(p, "Expected a literal");
	return parse_literal(p, out, up);
}

int parse_string(struct parse *p, struct string *out)
{
	int c = parse_peek(p);
	if (c == '"')
		return parse_quoted(p, out);
	if (c == '{')
		return parse_literal(p, out, NULL);
	return fail(p, "Expected a string");
}

static int is_astring_char(int c)
{
	return is_atom_char(c) || c == ']';
}

int parse_astring(struct parse *p, struct string *out)
{
	int c = parse_peek(p);
	if (c == '"' || c == '{')
		return parse_string(p, out);
	return parse_run(p, is_astring_char, NULL, out, "Expected a string");
}

int parse_nstring(struct parse *p, struct string *out, int *nil)
{
	*nil = 0;
	int c = parse_peek(p);
	if (c == '"' || c == '{')
		return parse_string(p, out);
	if (p->len - p->pos >= 3 && !strncasecmp(p->buf + p->pos, "NIL", 3)) {
		p->pos += 3;
		*nil = 1;
		out->s = pool_copy(p, "", 0);
		out->len = 0;
		out->literal = 0;
		return out->s ? 0 : -1;
	}
	return fail(p, "Expected a string or NIL");
}

static int is_list_char(int c)
{
	return is_astring_char(c) || c == '%' || c == '*';
}

int parse_list_mailbox(struct parse *p, struct string *out)
{
	int c = parse_peek(p);
	if (c == '"' || c == '{')
		return parse_string(p, out);
	return parse_run(p, is_list_char, NULL, out, "Expected a mailbox");
}

int parse_number(struct parse *p, uint32_t *out)
{
	uint64_t n = 0;
	size_t start = p->pos;
	int c;
	while ((c = parse_peek(p)) >= '0' && c <= '9') {
		n = n * 10 + (unsigned)(c - '0');
		if (n > UINT32_MAX)
			return fail(p, "Number too large");
		p->pos++;
	}
	if (p->pos == start)
		return fail(p, "Expected a number");
	*out = (uint32_t)n;
	return 0;
}

/* RFC 7162 §7: mod-sequence-valzer = "0" / mod-sequence-value, at most
 * 2^63 - 1 (63-bit unsigned). */
int parse_modseq(struct parse *p, uint64_t *out)
{
	uint64_t n = 0;
	size_t start = p->pos;
	int c;
	while ((c = parse_peek(p)) >= '0' && c <= '9') {
		if (n > (INT64_MAX - (uint64_t)(c - '0')) / 10)
			return fail(p, "Mod-sequence too large");
		n = n * 10 + (uint64_t)(c - '0');
		p->pos++;
	}
	if (p->pos == start)
		return fail(p, "Expected a mod-sequence");
	*out = n;
	return 0;
}

int parse_nz_number(struct parse *p, uint32_t *out)
{
	if (parse_peek(p) == '0')
		return fail(p, "Expected a non-zero number");
	return parse_number(p, out);
}

static int parse_seq_number(struct parse *p, uint32_t *out)
{
	if (parse_peek(p) == '*') {
		p->pos++;
		*out = 0;
		return 0;
	}
	if (parse_nz_number(p, out) < 0)
		return fail(p, "Invalid sequence set");
	return 0;
}

/* sequence-set = (seq-number / seq-range) ["," sequence-set] */
int parse_seqset(struct parse *p, struct seqset *out)
{
	size_t start = p->pos, cap = 1;
	*out = (struct seqset){ 0 };
	if (parse_peek(p) == '$') {
		p->pos++;
		out->saved = 1;
		int c = parse_peek(p);
		return c >= 0 && c != ' ' && c != ')' ?
		       fail(p, "Invalid sequence set") : 0;
	}
	for (size_t i = start; i < p->len && p->buf[i] != ' ' &&
	     p->buf[i] != ')'; i++)
		if (p->buf[i] == ',')
			cap++;
	out->r = parse_alloc(p, cap * sizeof *out->r);
	if (!out->r)
		return -1;
	out->count = 0;
	for (;;) {
		struct seq_range r;
		if (parse_seq_number(p, &r.lo) < 0)
			return -1;
		r.hi = r.lo;
		if (parse_peek(p) == ':') {
			p->pos++;
			if (parse_seq_number(p, &r.hi) < 0)
				return -1;
		}
		if (out->count == cap)
			return fail(p, "Invalid sequence set");
		out->r[out->count++] = r;
		if (parse_peek(p) != ',')
			break;
		p->pos++;
	}
	int c = parse_peek(p);
	if (c >= 0 && c != ' ' && c != ')')
		return fail(p, "Invalid sequence set");
	return 0;
}

int seqset_contains(const struct seqset *set, uint32_t v, uint32_t star)
{
	for (size_t i = 0; i < set->count; i++) {
		uint32_t lo = set->r[i].lo ? set->r[i].lo : star;
		uint32_t hi = set->r[i].hi ? set->r[i].hi : star;
		if (lo > hi) {
			uint32_t t = lo;
			lo = hi;
			hi = t;
		}
		if (v >= lo && v <= hi)
			return 1;
	}
	return 0;
}

uint32_t seqset_max(const struct seqset *set)
{
	uint32_t m = 0;
	for (size_t i = 0; i < set->count; i++) {
		if (set->r[i].lo > m)
			m = set->r[i].lo;
		if (set->r[i].hi > m)
			m = set->r[i].hi;
	}
	return m;
}
