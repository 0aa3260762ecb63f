/* mime_header.c - header sections, unfolding, MIME parameters. */
#include "mime_header.h"
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime_encoding.h"

size_t mime_header_length(const char *p, size_t n)
{
	size_t pos = 0;
	while (pos < n) {
		if (p[pos] == '\n')
			return pos + 1;
		if (p[pos] == '\r' && pos + 1 < n && p[pos + 1] == '\n')
			return pos + 2;
		const char *lf = memchr(p + pos, '\n', n - pos);
		pos = lf ? (size_t)(lf - p) + 1 : n;
	}
	return n;
}

static int is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

static int blank_line(const char *h, size_t n, size_t pos)
{
	return h[pos] == '\n' || (h[pos] == '\r' && pos + 1 < n && h[pos + 1] == '\n');
}

/* From the line at pos, past it and its continuation lines. *end is set
 * to the end of the last line's text (before its line end). */
static size_t skip_field(const char *h, size_t n, size_t pos, size_t *end)
{
	do {
		const char *lf = memchr(h + pos, '\n', n - pos);
		if (!lf) {
			*end = n;
			return n;
		}
		*end = (size_t)(lf - h);
		if (*end > pos && h[*end - 1] == '\r')
			(*end)--;
		pos = (size_t)(lf - h) + 1;
	} while (pos < n && is_wsp(h[pos]));
	return pos;
}

int mime_header_next(const char *h, size_t n, size_t *pos, struct mime_field *f)
{
	while (*pos < n && !blank_line(h, n, *pos)) {
		size_t s = *pos, i = s, end;
		while (i < n && h[i] > ' ' && h[i] < 127 && h[i] != ':')
			i++;
		size_t name_end = i;
		while (i < n && is_wsp(h[i]))
			i++;
		*pos = skip_field(h, n, s, &end);
		if (name_end == s || i >= n || h[i] != ':' || i >= end)
			continue;               /* not a field: skipped */
		f->name = h + s;
		f->name_len = name_end - s;
		f->value = h + i + 1;
		f->value_len = end - (i + 1);
		return 1;
	}
	return 0;
}

int mime_header_find(const char *h, size_t n, const char *name,
		     struct mime_field *f)
{
	size_t pos = 0, len = strlen(name);
	while (mime_header_next(h, n, &pos, f))
		if (f->name_len == len && strncasecmp(f->name, name, len) == 0)
			return 1;
	return 0;
}

static int unfold_skip(char c)
{
	return c == '\r' || c == '\n' || c == '\0';
}

int mime_unfold(const char *v, size_t n, struct bytes *out)
{
	size_t start = out->len, i = 0;
	while (i < n && (is_wsp(v[i]) || unfold_skip(v[i])))
		i++;
	while (i < n) {                 /* runs between line ends and NULs */
		size_t j = i;
		while (j < n && !unfold_skip(v[j]))
			j++;
		if (bytes_append(out, v + i, j - i) < 0)
			return -1;
		i = j + 1;
	}
	while (out->len > start && is_wsp(out->data[out->len - 1]))
		bytes_truncate(out, out->len - 1);
	return 0;
}

/* --- structured values: RFC 2045 §5.1 tokens, RFC 822 comments ------- */

static int is_tspecial(char c)
{
	return c != '\0' && strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static int is_token_char(char c)
{
	return (unsigned char)c > ' ' && (unsigned char)c < 127 && !is_tspecial(c);
}

/* Skip white space and (nested (comments)). */
static void skip_cfws(const char *s, size_t *i)
{
	int depth = 0;
	for (; s[*i]; (*i)++) {
		char c = s[*i];
		if (depth > 0 && c == '\\' && s[*i + 1])
			(*i)++;
		else if (c == '(')
			depth++;
		else if (depth > 0 && c == ')')
			depth--;
		else if (depth == 0 && !is_wsp(c))
			return;
	}
}

static size_t token_len(const char *s, size_t i)
{
	size_t j = i;
	while (is_token_char(s[j]))
		j++;
	return j - i;
}

/* One segment of a parameter, before RFC 2231 joining. */
struct segment {
	const char *base;       /* attribute without "*N*" */
	size_t base_len;
	int index;              /* -1: not a continuation */
	int extended;
	const char *value;
};

struct param_list {
	struct segment seg[MIME_PARAMS_MAX];
	size_t n;
};

static void segment_name(const char *attr, size_t len, struct segment *sg)
{
	const char *star = memchr(attr, '*', len);
	sg->base = attr;
	sg->base_len = star ? (size_t)(star - attr) : len;
	sg->index = -1;
	sg->extended = 0;
	if (!star)
		return;
	size_t i = sg->base_len + 1;
	if (i == len) {
		sg->extended = 1;
		return;
	}
	int idx = 0;
	while (i < len && attr[i] >= '0' && attr[i] <= '9' && idx < 100000)
		idx = idx * 10 + (attr[i++] - '0');
	if (i == sg->base_len + 1 || (i < len && !(attr[i] == '*' && i + 1 == len))) {
		sg->base_len = len;     /* not RFC 2231: the name as written */
		return;
	}
	sg->index = idx;
	sg->extended = i < len;
}

/* The value at s[*i]: a quoted string, or a token extended leniently up
 * to the next ';' (unquoted values with spaces are common). */
static char *param_value(const char *s, size_t *i, struct mime_arena *a)
{
	if (s[*i] == '"') {
		struct bytes b;
		bytes_init(&b, strlen(s));
		for ((*i)++; s[*i] && s[*i] != '"'; (*i)++) {
			if (s[*i] == '\\' && s[*i + 1])
				(*i)++;
			if (bytes_append_char(&b, s[*i]) < 0)
				break;
		}
		if (s[*i] == '"')
			(*i)++;
		char *v = mime_arena_strndup(a, b.data ? b.data : "", b.len);
		bytes_free(&b);
		return v;
	}
	size_t t = token_len(s, *i), j = *i + t;
	skip_cfws(s, &j);
	if (t > 0 && (s[j] == '\0' || s[j] == ';')) {
		char *v = mime_arena_strndup(a, s + *i, t);
		*i = j;
		return v;
	}
	j = *i;
	while (s[j] && s[j] != ';')
		j++;
	size_t end = j;
	while (end > *i && is_wsp(s[end - 1]))
		end--;
	char *v = mime_arena_strndup(a, s + *i, end - *i);
	*i = j;
	return v;
}

/* Collect "; attribute=value" segments from s[*i]. -1 on ENOMEM. */
static int collect_params(const char *s, size_t i, struct mime_arena *a,
			  struct param_list *pl)
{
	for (;;) {
		skip_cfws(s, &i);
		if (s[i] == '\0')
			return 0;
		if (s[i] != ';') {              /* junk: resynchronize */
			while (s[i] && s[i] != ';')
				i++;
			continue;
		}
		i++;
		skip_cfws(s, &i);
		size_t alen = token_len(s, i), attr = i;
		i += alen;
		skip_cfws(s, &i);
		if (alen == 0 || s[i] != '=')
			continue;
		i++;
		skip_cfws(s, &i);
		char *v = param_value(s, &i, a);
		if (!v)
			return -1;
		if (pl->n < MIME_PARAMS_MAX) {
			struct segment *sg = &pl->seg[pl->n++];
			segment_name(s + attr, alen, sg);
			sg->value = v;
		}
	}
}

static int attribute_char(char c)
{
	return is_token_char(c) && c != '*' && c != '\'' && c != '%';
}

/* Append a plain segment percent-encoded (RFC 2231 §4), to join it with
 * extended ones. */
static int percent_encode(struct bytes *b, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		int r = attribute_char(*v) ? bytes_append_char(b, *v)
			: bytes_appendf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* The segment of sg's base with continuation index idx, or NULL. */
static const struct segment *segment_at(const struct param_list *pl,
					const struct segment *sg, int idx)
{
	for (size_t k = 0; k < pl->n; k++) {
		const struct segment *o = &pl->seg[k];
		if (o->index == idx && o->base_len == sg->base_len &&
		    strncasecmp(o->base, sg->base, sg->base_len) == 0)
			return o;
	}
	return NULL;
}

/* Join the continuations of sg's base (RFC 2231 §3) into b; sets
 * *extended when any segment was extended. -1 on ENOMEM. */
static int join_segments(const struct param_list *pl, const struct segment *sg,
			 struct bytes *b, int *extended)
{
	*extended = 0;
	for (int idx = 0; segment_at(pl, sg, idx); idx++)
		*extended |= segment_at(pl, sg, idx)->extended;
	for (int idx = 0; ; idx++) {
		const struct segment *o = segment_at(pl, sg, idx);
		if (!o)
			return 0;
		int r;
		if (!*extended || o->extended)
			r = bytes_append_str(b, o->value);
		else
			r = (idx == 0 ? bytes_append_str(b, "''") : 0) < 0 ? -1
				: percent_encode(b, o->value);
		if (r < 0)
			return -1;
	}
}

static int seen_before(const struct param_list *pl, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (pl->seg[j].base_len == pl->seg[k].base_len &&
		    strncasecmp(pl->seg[j].base, pl->seg[k].base,
				pl->seg[k].base_len) == 0)
			return 1;
	return 0;
}

/* One merged parameter from segment k into *p. 1 made, 0 dropped (a
 * continuation without segment 0), -1 on ENOMEM. */
static int merge_one(const struct param_list *pl, size_t k,
		     struct mime_arena *a, struct mime_param *p)
{
	const struct segment *sg = &pl->seg[k];
	struct bytes b;
	int extended = sg->extended, r = 0;
	bytes_init(&b, MIME_DECODED_MAX);
	if (sg->index < 0)
		r = bytes_append_str(&b, sg->value);
	else if (!segment_at(pl, sg, 0))
		r = 1;
	else
		r = join_segments(pl, sg, &b, &extended);
	if (r == 0) {
		char *name = mime_arena_alloc(a, sg->base_len + 2);
		p->value = mime_arena_strndup(a, b.data ? b.data : "", b.len);
		if (name) {
			memcpy(name, sg->base, sg->base_len);
			name[sg->base_len] = extended ? '*' : '\0';
		}
		p->name = name;
		r = name && p->value ? 1 : -1;
	} else {
		r = r > 0 ? 0 : -1;
	}
	bytes_free(&b);
	return r;
}

static int merge_params(const struct param_list *pl, struct mime_arena *a,
			struct mime_ctype *ct)
{
	ct->params = mime_arena_alloc(a, (pl->n ? pl->n : 1) * sizeof *ct->params);
	if (!ct->params)
		return -1;
	for (size_t k = 0; k < pl->n; k++) {
		if (seen_before(pl, k))
			continue;
		int r = merge_one(pl, k, a, &ct->params[ct->nparams]);
		if (r < 0)
			return -1;
		ct->nparams += (size_t)r;
	}
	return 0;
}

int mime_ctype_parse(const char *v, int has_subtype, struct mime_arena *a,
		     struct mime_ctype *ct)
{
	size_t i = 0, tlen, slen = 0, sub = 0;
	ct->type = ct->subtype = NULL;
	ct->params = NULL;
	ct->nparams = 0;
	skip_cfws(v, &i);
	size_t type = i;
	tlen = token_len(v, i);
	i += tlen;
	skip_cfws(v, &i);
	if (has_subtype && v[i] == '/') {
		i++;
		skip_cfws(v, &i);
		sub = i;
		slen = token_len(v, i);
		i += slen;
	}
	if (tlen == 0 || (has_subtype && slen == 0))
		return 0;
	ct->type = mime_arena_strndup(a, v + type, tlen);
	ct->subtype = has_subtype ? mime_arena_strndup(a, v + sub, slen) : NULL;
	if (!ct->type || (has_subtype && !ct->subtype))
		return -1;
	struct param_list pl;                   /* 2.5 KiB, on the stack */
	pl.n = 0;
	if (collect_params(v, i, a, &pl) < 0)
		return -1;
	return merge_params(&pl, a, ct);
}

const struct mime_param *mime_param_find(const struct mime_ctype *ct,
					 const char *name)
{
	size_t len = strlen(name);
	if (len > 0 && name[len - 1] == '*')
		len--;
	for (size_t k = 0; k < ct->nparams; k++) {
		const char *pn = ct->params[k].name;
		size_t plen = strlen(pn);
		if (plen > 0 && pn[plen - 1] == '*')
			plen--;
		if (plen == len && strncasecmp(pn, name, len) == 0)
			return &ct->params[k];
	}
	return NULL;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int percent_decode(const char *v, struct bytes *b)
{
	for (; *v; v++) {
		int hi, lo;
		if (v[0] == '%' && (hi = hex_digit(v[1])) >= 0 &&
		    (lo = hex_digit(v[2])) >= 0) {
			if (bytes_append_char(b, (char)(hi * 16 + lo)) < 0)
				return -1;
			v += 2;
		} else if (bytes_append_char(b, *v) < 0) {
			return -1;
		}
	}
	return 0;
}

int mime_param_decode(const struct mime_param *p, struct bytes *out)
{
	size_t len = strlen(p->name);
	if (len == 0 || p->name[len - 1] != '*')
		return mime_rfc2047_decode(p->value, strlen(p->value), out);
	const char *q1 = strchr(p->value, '\''), *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	char charset[MIME_CHARSET_MAX] = "";
	const char *text = p->value;
	if (q2) {
		size_t cl = (size_t)(q1 - p->value);
		if (cl < sizeof charset) {
			memcpy(charset, p->value, cl);
			charset[cl] = '\0';
		}
		text = q2 + 1;
	}
	struct bytes raw;
	bytes_init(&raw, MIME_DECODED_MAX);
	int r = percent_decode(text, &raw);
	if (r == 0)
		r = mime_charset_to_utf8(charset[0] ? charset : NULL,
					 raw.data ? raw.data : "", raw.len, out);
	bytes_free(&raw);
	return r;
}
