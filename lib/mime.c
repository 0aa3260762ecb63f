/* mime.c - the MIME tree of a message in memory (RFC 2045, RFC 2046). */
#include "mime.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_encoding.h"

static struct mime_param default_charset[1] = { { "charset", "us-ascii" } };

/* Make p a text/plain; charset=us-ascii part (RFC 2045 §5.2). */
static void make_text(struct mime_part *p)
{
	p->ctype.type = "text";
	p->ctype.subtype = "plain";
	p->ctype.params = default_charset;
	p->ctype.nparams = 1;
	p->child = NULL;
	p->nchildren = 0;
}

/* Content-Language: a list of tags (RFC 3282), comments dropped. */
static int parse_languages(struct mime_part *p, const char *v,
			   struct mime_arena *a)
{
	size_t len = strlen(v), n = 0;
	int depth = 0;
	char *s = mime_arena_strndup(a, v, len);
	p->languages = mime_arena_alloc(a, (len / 2 + 1) * sizeof *p->languages);
	if (!s || !p->languages)
		return -1;
	for (size_t i = 0; i < len; i++) {     /* separators to NUL */
		char c = s[i];
		depth += c == '(';
		if (depth > 0 || c == ',' || c == ' ' || c == '\t')
			s[i] = '\0';
		depth -= c == ')' && depth > 0;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] && (i == 0 || !s[i - 1]))
			p->languages[n++] = s + i;
	p->nlanguages = n;
	return 0;
}

/* The MIME fields a part's header may carry, and where each goes. */
enum field { F_TYPE, F_ENCODING, F_ID, F_DESCRIPTION, F_MD5, F_LOCATION,
	     F_DISPOSITION, F_LANGUAGE, F_COUNT };
static const char *const field_names[F_COUNT] = {
	"Content-Type", "Content-Transfer-Encoding", "Content-ID",
	"Content-Description", "Content-MD5", "Content-Location",
	"Content-Disposition", "Content-Language",
};

/* Store the unfolded value v of field f (the first of its name wins). */
static int store_field(struct mime_part *p, enum field f, const char *v,
		       struct mime_arena *a)
{
	const char **slot = NULL;
	switch (f) {
	case F_TYPE:
		return mime_ctype_parse(v, 1, a, &p->ctype);
	case F_DISPOSITION:
		return mime_ctype_parse(v, 0, a, &p->disposition);
	case F_LANGUAGE:
		return parse_languages(p, v, a);
	case F_ENCODING: {                      /* a token, comments dropped */
		struct mime_ctype e;
		if (mime_ctype_parse(v, 0, a, &e) < 0)
			return -1;
		p->encoding = e.type;           /* NULL when unparsable: 7bit */
		return 0;
	}
	case F_ID: slot = &p->id; break;
	case F_DESCRIPTION: slot = &p->description; break;
	case F_MD5: slot = &p->md5; break;
	case F_LOCATION: slot = &p->location; break;
	case F_COUNT: return 0;
	}
	*slot = mime_arena_strndup(a, v, strlen(v));
	return *slot ? 0 : -1;
}

static enum field field_kind(const struct mime_field *f)
{
	if (f->name_len < 8 || strncasecmp(f->name, "Content-", 8) != 0)
		return F_COUNT;
	for (int k = 0; k < F_COUNT; k++)
		if (strlen(field_names[k]) == f->name_len &&
		    strncasecmp(f->name, field_names[k], f->name_len) == 0)
			return (enum field)k;
	return F_COUNT;
}

/* Read the Content-* fields of p's header. -1 on ENOMEM. */
static int read_fields(struct mime_message *m, struct mime_part *p)
{
	size_t hl;
	const char *h = mime_part_header(m, p, &hl);
	struct mime_field f;
	size_t pos = 0;
	unsigned seen = 0;
	struct bytes v;
	int r = 0;
	bytes_init(&v, MIME_DECODED_MAX);
	while (r == 0 && mime_header_next(h, hl, &pos, &f)) {
		enum field k = field_kind(&f);
		if (k == F_COUNT || (seen & (1u << k)))
			continue;
		seen |= 1u << k;
		bytes_clear(&v);
		r = mime_unfold(f.value, f.value_len, &v);
		if (r == 0)
			r = store_field(p, k, bytes_str(&v), &m->arena);
	}
	bytes_free(&v);
	return r;
}

static int parse_part(struct mime_message *m, struct mime_part *p,
		      int digest_child);

/* Where the header at off (before end) ends: mime_header_length's rule,
 * read through mime_text. The length, its ending empty line included. */
static size_t header_length(const struct mime_message *m, size_t off,
			    size_t end)
{
	size_t pos = off;
	while (pos < end) {
		int c = mime_text_byte(m, pos);
		if (c == '\n')
			return pos + 1 - off;
		if (c == '\r' && pos + 1 < end && mime_text_byte(m, pos + 1) == '\n')
			return pos + 2 - off;
		size_t lf = mime_text_find(m, pos, end, '\n');
		pos = lf < end ? lf + 1 : end;
	}
	return end - off;
}

static struct mime_part *part_new(struct mime_message *m,
				  struct mime_part *parent, size_t off, size_t end)
{
	struct mime_part *p = mime_arena_alloc(&m->arena, sizeof *p);
	if (!p)
		return NULL;
	p->parent = parent;
	p->depth = parent ? parent->depth + 1 : 0;
	p->header_off = off;
	p->header_len = header_length(m, off, end);
	p->body_off = off + p->header_len;
	p->body_len = end - p->body_off;
	m->nparts++;
	return p;
}

/* 2 when the line at pos, len octets, is the close delimiter of
 * boundary b, 1 when it is a delimiter: "--" b, then only transport
 * padding (RFC 2046 §5.1.1). */
static int delimiter(const struct mime_message *m, size_t pos, size_t len,
		     const char *b, size_t blen)
{
	size_t got, i = 2 + blen;
	const char *line = mime_text(m, pos, len < i + 2 ? len : i + 2, &got);
	if (len < i || got < i || line[0] != '-' || line[1] != '-' ||
	    memcmp(line + 2, b, blen) != 0)
		return 0;
	if (got == i + 2 && line[i] == '-' && line[i + 1] == '-')
		return 2;
	while (i < len) {               /* the padding, window by window */
		line = mime_text(m, pos + i, len - i, &got);
		if (got == 0)
			return 0;
		for (size_t k = 0; k < got; k++)
			if (line[k] != ' ' && line[k] != '\t')
				return 0;
		i += got;
	}
	return 1;
}

/* Add the body part buf[start..end) to multipart p. -1 on ENOMEM. */
static int add_child(struct mime_message *m, struct mime_part *p,
		     struct mime_part ***tail, size_t start, size_t end)
{
	struct mime_part *c = part_new(m, p, start, end);
	if (!c)
		return -1;
	**tail = c;
	*tail = &c->next;
	p->nchildren++;
	return parse_part(m, c, mime_is(p, "multipart", "digest"));
}

/* Where a part that ends just before a delimiter line at d ends: the line
 * end before the delimiter belongs to it (RFC 2046 §5.1.1). */
static size_t before_delimiter(const struct mime_message *m, size_t start,
			       size_t d)
{
	if (d > start && mime_text_byte(m, d - 1) == '\n')
		d--;
	if (d > start && mime_text_byte(m, d - 1) == '\r')
		d--;
	return d;
}

#define NONE ((size_t)-1)

/* The line at pos: its length without the line end; *next is where the
 * following line starts (end when there is none). */
static size_t line_at(const struct mime_message *m, size_t pos, size_t end,
		      size_t *next)
{
	size_t lf = mime_text_find(m, pos, end, '\n');
	size_t len = lf - pos;
	*next = lf < end ? lf + 1 : end;
	if (len > 0 && mime_text_byte(m, pos + len - 1) == '\r')
		len--;
	return len;
}

/* The first line at or after line start pos that begins with '-' (only
 * such a line can be a delimiter), or end: memchr skips text quickly. */
static size_t dash_line(const struct mime_message *m, size_t pos, size_t end)
{
	size_t start = pos;
	while ((pos = mime_text_find(m, pos, end, '-')) < end) {
		if (pos == start || mime_text_byte(m, pos - 1) == '\n')
			return pos;
		pos++;
	}
	return end;
}

/* The end (before its line end) of the first close delimiter line of b
 * in buf[pos..end), or NONE. */
static size_t close_end(const struct mime_message *m, size_t pos, size_t end,
			const char *b)
{
	size_t blen = strlen(b);
	while ((pos = dash_line(m, pos, end)) < end) {
		size_t next, len = line_at(m, pos, end, &next);
		if (delimiter(m, pos, len, b, blen) == 2)
			return pos + len;
		pos = next;
	}
	return NONE;
}

/* Where a part opened at off, inside a multipart of boundary b, ends
 * when it is itself a multipart with the same boundary b: a broken but
 * common nesting (Outlook Express for Macintosh) that takes the
 * delimiters up to the first close delimiter, which then ends it. NONE
 * for any other part (or on ENOMEM, where the tree is discarded).
 * *no_close remembers where a search for a close delimiter failed, so
 * that no later part searches again: the split stays linear. */
static size_t nested_same_boundary(struct mime_message *m, size_t off,
				   size_t end, const char *b, size_t *no_close)
{
	size_t hl = header_length(m, off, end), got;
	const char *h = mime_text(m, off, hl, &got);
	struct mime_field f;
	struct mime_ctype ct;
	struct bytes v;
	if (!mime_header_find(h, got, "Content-Type", &f))
		return NONE;
	bytes_init(&v, MIME_DECODED_MAX);
	int r = mime_unfold(f.value, f.value_len, &v);
	if (r == 0)
		r = mime_ctype_parse(bytes_str(&v), 1, &m->arena, &ct);
	bytes_free(&v);
	const struct mime_param *pb = r == 0 && ct.type &&
		strcasecmp(ct.type, "multipart") == 0
		? mime_param_find(&ct, "boundary") : NULL;
	if (!pb || strcmp(pb->value, b) != 0 ||
	    (*no_close != NONE && off >= *no_close))
		return NONE;
	size_t c = close_end(m, off + hl, end, b);
	if (c == NONE)
		*no_close = off;
	return c;
}

/* Split multipart p's body at boundary b into children (RFC 2046
 * §5.1.1). -1 on ENOMEM. */
static int split_multipart(struct mime_message *m, struct mime_part *p,
			   const char *b)
{
	size_t blen = strlen(b), pos = p->body_off, end = p->body_off + p->body_len;
	size_t open = NONE, no_close = NONE;    /* open: start of the open part */
	struct mime_part **tail = &p->child;
	while ((pos = dash_line(m, pos, end)) < end) {
		size_t next, len = line_at(m, pos, end, &next);
		int kind = delimiter(m, pos, len, b, blen);
		if (kind && open != NONE) {
			if (m->nparts >= MIME_PARTS_MAX)
				return 0;
			if (add_child(m, p, &tail, open,
				      before_delimiter(m, open, pos)) < 0)
				return -1;
		}
		if (kind == 2)
			return 0;
		open = kind ? next : open;
		size_t nested = kind ? nested_same_boundary(m, next, end, b,
							    &no_close) : NONE;
		if (nested != NONE) {
			if (m->nparts >= MIME_PARTS_MAX)
				return 0;
			if (add_child(m, p, &tail, next, nested) < 0)
				return -1;
			open = NONE;
			line_at(m, nested, end, &next);         /* past the close line */
		}
		pos = next;
	}
	if (open != NONE && m->nparts < MIME_PARTS_MAX &&
	    add_child(m, p, &tail, open, end) < 0)
		return -1;
	return 0;
}

/* A message/rfc822 part, or message/global (RFC 6532 §3.5, RFC 9051
 * §6.4.5): it holds a message with its own header and structure. */
static int encapsulates(const struct mime_part *p)
{
	return mime_is(p, "message", "rfc822") || mime_is(p, "message", "global");
}

/* Content-Transfer-Encoding is an identity (7bit, 8bit, binary, none). */
static int identity_encoding(const char *e)
{
	return !e || strcasecmp(e, "7bit") == 0 || strcasecmp(e, "8bit") == 0 ||
	       strcasecmp(e, "binary") == 0;
}

/* The boundary parameter of multipart p, an RFC 2231 extended one
 * decoded; NULL when there is none (or on ENOMEM, which then shows). */
static const char *boundary_of(struct mime_message *m, const struct mime_part *p)
{
	const struct mime_param *b = mime_param_find(&p->ctype, "boundary");
	if (!b || b->name[strlen(b->name) - 1] != '*')
		return b ? b->value : NULL;
	struct bytes v;
	bytes_init(&v, MIME_DECODED_MAX);
	const char *r = mime_param_decode(b, &v) < 0 ? NULL
		: mime_arena_strndup(&m->arena, bytes_str(&v), v.len);
	bytes_free(&v);
	return r;
}

/* The structure below p: children of a multipart, the message inside a
 * message/rfc822. -1 on ENOMEM. */
static int parse_children(struct mime_message *m, struct mime_part *p)
{
	int deep = p->depth >= MIME_DEPTH_MAX;
	if (mime_is(p, "multipart", NULL)) {
		const char *b = deep ? NULL : boundary_of(m, p);
		if (b && b[0] && split_multipart(m, p, b) < 0)
			return -1;
		if (!p->child)
			make_text(p);
		return 0;
	}
	if (!encapsulates(p))
		return 0;
	if (!identity_encoding(p->encoding)) {
		p->ctype.type = "application";
		p->ctype.subtype = "octet-stream";
		return 0;
	}
	if (deep || m->nparts >= MIME_PARTS_MAX) {
		make_text(p);
		return 0;
	}
	p->child = part_new(m, p, p->body_off, p->body_off + p->body_len);
	if (!p->child)
		return -1;
	p->nchildren = 1;
	return parse_part(m, p->child, 0);
}

/* A text part without a charset parameter is US-ASCII (RFC 2046 §4.1.2);
 * the parameter is added, as Dovecot shows it. -1 on ENOMEM. */
static int default_text_charset(struct mime_message *m, struct mime_part *p)
{
	if (!mime_is(p, "text", NULL) || mime_param_find(&p->ctype, "charset"))
		return 0;
	struct mime_param *v = mime_arena_alloc(&m->arena,
		(p->ctype.nparams + 1) * sizeof *v);
	if (!v)
		return -1;
	if (p->ctype.nparams)
		memcpy(v, p->ctype.params, p->ctype.nparams * sizeof *v);
	v[p->ctype.nparams++] = default_charset[0];
	p->ctype.params = v;
	return 0;
}

/* Read p's header fields, apply the defaults, size it, parse below it. */
static int parse_part(struct mime_message *m, struct mime_part *p,
		      int digest_child)
{
	if (read_fields(m, p) < 0)
		return -1;
	if (!p->ctype.type && digest_child) {
		p->ctype.type = "message";      /* RFC 2046 §5.1.5 */
		p->ctype.subtype = "rfc822";
	} else if (!p->ctype.type) {
		make_text(p);                   /* RFC 2045 §5.2 */
	} else if (default_text_charset(m, p) < 0) {
		return -1;
	}
	p->size = mime_text_crlf_count(m, p->body_off, p->body_len, &p->lines);
	return parse_children(m, p);
}

/* Parse m's text (set up by the caller). m, or NULL (freed) on ENOMEM. */
static struct mime_message *parse_message(struct mime_message *m)
{
	m->size = mime_text_crlf_count(m, 0, m->len, NULL);
	m->root = part_new(m, NULL, 0, m->len);
	if (!m->root || parse_part(m, m->root, 0) < 0 || m->arena.failed) {
		mime_free(m);
		return NULL;
	}
	return m;
}

struct mime_message *mime_parse(const char *buf, size_t len)
{
	struct mime_message *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	mime_arena_init(&m->arena);
	m->buf = buf ? buf : "";
	m->len = buf ? len : 0;
	return parse_message(m);
}

struct mime_message *mime_parse_file(int fd, int header_only)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return NULL;
	struct mime_message *m = calloc(1, sizeof *m);
	if (!m || !(m->file = mime_window_new(fd, (size_t)st.st_size))) {
		free(m);
		errno = ENOMEM;
		return NULL;
	}
	mime_arena_init(&m->arena);
	m->len = (size_t)st.st_size;
	if (!header_only)
		return parse_message(m);
	m->root = part_new(m, NULL, 0, m->len);
	if (!m->root || read_fields(m, m->root) < 0) {
		mime_free(m);
		return NULL;
	}
	return m;
}

void mime_free(struct mime_message *m)
{
	if (!m)
		return;
	mime_arena_free(&m->arena);
	mime_window_free(m->file);
	free(m);
}

int mime_is(const struct mime_part *p, const char *type, const char *subtype)
{
	return p->ctype.type && strcasecmp(p->ctype.type, type) == 0 &&
	       (!subtype || (p->ctype.subtype &&
			     strcasecmp(p->ctype.subtype, subtype) == 0));
}

const struct mime_part *mime_part_message(const struct mime_part *p)
{
	return encapsulates(p) ? p->child : NULL;
}
