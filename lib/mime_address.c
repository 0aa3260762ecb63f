/* mime_address.c - RFC 5322 §3.4 address lists for IMAP ENVELOPE. */
#include "mime_address.h"
#include <string.h>
#include "bytes.h"
#include "limits.h"

enum tok { T_END, T_ATOM, T_QUOTED, T_LITERAL, T_SPECIAL };

struct token {
	enum tok kind;
	const char *p;          /* raw text as written */
	size_t len;
	char c;                 /* the special character */
};

/* The parser's state for one list. */
struct parser {
	const char *s;
	size_t i;
	struct token t;                         /* the current token */
	struct bytes name, raw, adl, local, domain, comment;
	int comment_set;                        /* a comment seen in this address */
	int words;                              /* in the phrase */
	int (*emit)(void *ctx, const struct mime_address *a);
	void *ctx;
};

static int is_atom_char(char c)
{
	switch (c) {
	case '(': case ')': case '<': case '>': case '[': case ']': case ':':
	case ';': case '@': case '\\': case ',': case '"': case 127:
		return 0;
	default:
		return (unsigned char)c > ' ';
	}
}

/* Skip white space and comments; keep the first comment's text. */
static void skip_cfws(struct parser *ps)
{
	const char *s = ps->s;
	for (;;) {
		while (s[ps->i] == ' ' || s[ps->i] == '\t')
			ps->i++;
		if (s[ps->i] != '(')
			return;
		int depth = 0, keep = !ps->comment_set;
		do {
			char c = s[ps->i];
			if (c == '\\' && s[ps->i + 1])
				c = s[++ps->i];
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			if (keep && !((c == '(' && depth == 1) || (c == ')' && depth == 0)))
				(void)bytes_append_char(&ps->comment, c);
			ps->i++;
		} while (depth > 0 && s[ps->i]);
		ps->comment_set |= keep;
	}
}

/* The end of a quoted string or domain literal opened at s[i]. */
static size_t closing(const char *s, size_t i, char close)
{
	for (i++; s[i] && s[i] != close; i++)
		if (s[i] == '\\' && s[i + 1])
			i++;
	return s[i] ? i + 1 : i;
}

static void next_token(struct parser *ps)
{
	struct token *t = &ps->t;
	skip_cfws(ps);
	const char *s = ps->s;
	size_t start = ps->i;
	char c = s[start];
	t->p = s + start;
	t->c = c;
	if (c == '\0')
		t->kind = T_END;
	else if (c == '"' || c == '[') {
		t->kind = c == '"' ? T_QUOTED : T_LITERAL;
		ps->i = closing(s, start, c == '"' ? '"' : ']');
	} else if (is_atom_char(c)) {
		t->kind = T_ATOM;
		while (is_atom_char(s[ps->i]))
			ps->i++;
	} else {
		t->kind = T_SPECIAL;
		ps->i++;
	}
	t->len = ps->i - start;
}

static int is_special(const struct parser *ps, char c)
{
	return ps->t.kind == T_SPECIAL && ps->t.c == c;
}

/* Append a quoted string's content (quotes and escapes removed). */
static int unquote(struct bytes *b, const char *p, size_t len)
{
	size_t end = len >= 2 && p[len - 1] == '"' ? len - 1 : len;
	for (size_t i = 1; i < end; i++) {
		if (p[i] == '\\' && i + 1 < end)
			i++;
		if (bytes_append_char(b, p[i]) < 0)
			return -1;
	}
	return 0;
}

static void reset(struct parser *ps)
{
	bytes_clear(&ps->name);
	bytes_clear(&ps->raw);
	bytes_clear(&ps->adl);
	bytes_clear(&ps->local);
	bytes_clear(&ps->domain);
	bytes_clear(&ps->comment);
	ps->comment_set = 0;
	ps->words = 0;
}

/* A phrase (RFC 5322 §3.2.5, with obs-phrase's dots): words into name
 * joined by a space, and their raw text into raw (a local part, should
 * an '@' follow). */
static int phrase(struct parser *ps)
{
	while (ps->t.kind == T_ATOM || ps->t.kind == T_QUOTED) {
		if (ps->name.len > 0 && bytes_append_char(&ps->name, ' ') < 0)
			return -1;
		int r = ps->t.kind == T_QUOTED
			? unquote(&ps->name, ps->t.p, ps->t.len)
			: bytes_append(&ps->name, ps->t.p, ps->t.len);
		if (r < 0 || bytes_append(&ps->raw, ps->t.p, ps->t.len) < 0)
			return -1;
		ps->words++;
		next_token(ps);
	}
	return 0;
}

/* Tokens of a domain (atoms, dots, a literal) into b, as written. */
static int domain(struct parser *ps, struct bytes *b)
{
	while (ps->t.kind == T_ATOM || ps->t.kind == T_LITERAL) {
		if (bytes_append(b, ps->t.p, ps->t.len) < 0)
			return -1;
		next_token(ps);
	}
	return 0;
}

static int emit(struct parser *ps, const char *name, const char *adl,
		const char *mailbox, const char *host)
{
	struct mime_address a = { name, adl, mailbox, host };
	return ps->emit(ps->ctx, &a);
}

/* Emit the mailbox gathered: local, domain, name (or, for a bare
 * "addr (comment)", the comment). */
static int emit_mailbox(struct parser *ps, int bare)
{
	const char *name = ps->name.len ? bytes_str(&ps->name)
			 : bare && ps->comment.len ? bytes_str(&ps->comment) : NULL;
	if (ps->local.len == 0 && ps->domain.len == 0 && !name)
		return 0;
	return emit(ps, name, ps->adl.len ? bytes_str(&ps->adl) : NULL,
		    ps->local.len ? bytes_str(&ps->local) : "MISSING_MAILBOX",
		    ps->domain.len ? bytes_str(&ps->domain) : "MISSING_DOMAIN");
}

/* After '<': [obs-route] addr-spec '>' (RFC 5322 §3.4, §4.4). */
static int angle_addr(struct parser *ps)
{
	next_token(ps);
	while (is_special(ps, '@') || (is_special(ps, ',') && ps->adl.len)) {
		if (bytes_append_char(&ps->adl, ps->t.c) < 0)
			return -1;
		next_token(ps);
		if (ps->adl.data[ps->adl.len - 1] == '@' && domain(ps, &ps->adl) < 0)
			return -1;
	}
	if (ps->adl.len && is_special(ps, ':'))
		next_token(ps);
	while (ps->t.kind == T_ATOM || ps->t.kind == T_QUOTED) {
		if (bytes_append(&ps->local, ps->t.p, ps->t.len) < 0)
			return -1;
		next_token(ps);
	}
	if (is_special(ps, '@')) {
		next_token(ps);
		if (domain(ps, &ps->domain) < 0)
			return -1;
	}
	if (is_special(ps, '>'))
		next_token(ps);
	return 0;
}

/* Skip to the next ',' or ';' or the end (not consumed). */
static void resync(struct parser *ps)
{
	while (ps->t.kind != T_END && !is_special(ps, ',') && !is_special(ps, ';'))
		next_token(ps);
}

/* One element starting at the current token; the token after it is left
 * current. *in_group tracks "name: ... ;". */
static int element(struct parser *ps, int *in_group)
{
	if (phrase(ps) < 0)
		return -1;
	if (is_special(ps, ':') && !*in_group) {
		*in_group = 1;
		next_token(ps);
		return emit(ps, NULL, NULL, bytes_str(&ps->name), NULL);
	}
	int bare = !is_special(ps, '<');
	if (!bare) {
		if (angle_addr(ps) < 0)
			return -1;
	} else if (is_special(ps, '@')) {
		bytes_clear(&ps->name);         /* the words were the local part */
		if (bytes_append(&ps->local, ps->raw.data, ps->raw.len) < 0)
			return -1;
		next_token(ps);
		if (domain(ps, &ps->domain) < 0)
			return -1;
	} else if (ps->words == 1) {            /* a bare word: no domain */
		bytes_clear(&ps->name);
		if (bytes_append(&ps->local, ps->raw.data, ps->raw.len) < 0)
			return -1;
	}                                       /* bare words: a name alone */
	int r = emit_mailbox(ps, bare);
	resync(ps);
	return r;
}

static int parse_list(struct parser *ps)
{
	int in_group = 0, r = 0;
	next_token(ps);
	while (r == 0 && ps->t.kind != T_END) {
		if (is_special(ps, ',') || is_special(ps, ';')) {
			if (is_special(ps, ';') && in_group) {
				in_group = 0;
				r = emit(ps, NULL, NULL, NULL, NULL);
			}
			reset(ps);
			next_token(ps);
			continue;
		}
		r = element(ps, &in_group);
		reset(ps);
	}
	if (r == 0 && in_group)                 /* the ';' is missing */
		r = emit(ps, NULL, NULL, NULL, NULL);
	return r;
}

int mime_address_parse(const char *v,
		       int (*emit_fn)(void *ctx, const struct mime_address *a),
		       void *ctx)
{
	struct parser ps;
	memset(&ps, 0, sizeof ps);
	ps.s = v;
	ps.emit = emit_fn;
	ps.ctx = ctx;
	bytes_init(&ps.name, MIME_DECODED_MAX);
	bytes_init(&ps.raw, MIME_DECODED_MAX);
	bytes_init(&ps.adl, MIME_DECODED_MAX);
	bytes_init(&ps.local, MIME_DECODED_MAX);
	bytes_init(&ps.domain, MIME_DECODED_MAX);
	bytes_init(&ps.comment, MIME_DECODED_MAX);
	int r = parse_list(&ps);
	bytes_free(&ps.name);
	bytes_free(&ps.raw);
	bytes_free(&ps.adl);
	bytes_free(&ps.local);
	bytes_free(&ps.domain);
	bytes_free(&ps.comment);
	return r;
}
