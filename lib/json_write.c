/* json_write.c - writing JSON, and JSON Pointer (RFC 6901) lookups. */
#include "json.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "limits.h"
#include "mime_encoding.h"

int json_quote(struct bytes *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	int rc = bytes_append_char(out, '"');
	for (size_t i = 0; i < n && rc == 0; ) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			rc = bytes_append(out, e, 2);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			char e[2] = { '\\', c == '\n' ? 'n' : c == '\r' ? 'r' : 't' };
			rc = bytes_append(out, e, 2);
		} else if (c < 0x20 || c == 0x7f) {
			char e[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				      hex[c & 15] };
			rc = bytes_append(out, e, 6);
		} else if (c < 0x80) {
			rc = bytes_append_char(out, (char)c);
		} else {
			unsigned cp;
			size_t take = mime_utf8_decode(s + i, n - i, &cp);
			if (take)
				rc = bytes_append(out, s + i, take);
			else
				rc = bytes_append_str(out, "\xef\xbf\xbd");
			i += take ? take : 1;
			continue;
		}
		i++;
	}
	if (rc == 0)
		rc = bytes_append_char(out, '"');
	return rc;
}

void json_writer_init(struct json_writer *w, struct bytes *out)
{
	memset(w, 0, sizeof *w);
	w->out = out;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (!w->error && bytes_append(w->out, s, n) < 0)
		w->error = 1;
}

/* Before a value: a comma unless it is the first at its level, or it
 * follows a key. */
static void before_value(struct json_writer *w)
{
	if (w->need_comma[w->depth] == 1)
		put(w, ",", 1);
	w->need_comma[w->depth] = 1;
}

static void open_level(struct json_writer *w, const char *c)
{
	before_value(w);
	put(w, c, 1);
	if (w->depth + 1 >= (int)sizeof w->need_comma) {
		w->error = 1;
		return;
	}
	w->need_comma[++w->depth] = 0;
	w->close[w->depth] = *c == '{' ? '}' : ']';
}

void json_object_begin(struct json_writer *w) { open_level(w, "{"); }
void json_array_begin(struct json_writer *w) { open_level(w, "["); }

void json_end(struct json_writer *w)
{
	if (w->depth == 0) {
		w->error = 1;
		return;
	}
	put(w, &w->close[w->depth], 1);
	w->depth--;
}

void json_key(struct json_writer *w, const char *key)
{
	before_value(w);
	if (!w->error && json_quote(w->out, key, strlen(key)) < 0)
		w->error = 1;
	put(w, ":", 1);
	w->need_comma[w->depth] = 2;    /* the value takes no comma */
}

void json_strn(struct json_writer *w, const char *s, size_t n)
{
	before_value(w);
	if (!w->error && json_quote(w->out, s, n) < 0)
		w->error = 1;
}

void json_str(struct json_writer *w, const char *s)
{
	json_strn(w, s, strlen(s));
}

void json_int64(struct json_writer *w, int64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	before_value(w);
	put(w, buf, (size_t)n);
}

void json_bool(struct json_writer *w, int v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json_writer *w)
{
	before_value(w);
	put(w, "null", 4);
}

void json_raw(struct json_writer *w, const char *text, size_t n)
{
	before_value(w);
	put(w, text, n);
}

void json_value(struct json_writer *w, const struct json *j)
{
	char buf[64];
	switch (j->type) {
	case JSON_NULL: json_null(w); break;
	case JSON_FALSE: json_bool(w, 0); break;
	case JSON_TRUE: json_bool(w, 1); break;
	case JSON_STRING: json_strn(w, j->str, j->len); break;
	case JSON_NUMBER:
		snprintf(buf, sizeof buf, "%.17g", j->number);
		json_raw(w, buf, strlen(buf));
		break;
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (j->type == JSON_ARRAY)
			json_array_begin(w);
		else
			json_object_begin(w);
		for (const struct json *m = j->child; m; m = m->next) {
			if (j->type == JSON_OBJECT) {
				json_key(w, m->key);
			}
			json_value(w, m);
		}
		json_end(w);
		break;
	}
}

/* The next reference token of path at *p into tok (~1 and ~0 undone).
 * 0, or -1 when it does not fit. */
static int next_token(const char **p, char *tok, size_t size)
{
	size_t n = 0;
	const char *s = *p + 1;         /* past the '/' */
	for (; *s && *s != '/'; s++) {
		char c = *s;
		if (c == '~' && (s[1] == '0' || s[1] == '1'))
			c = *++s == '0' ? '~' : '/';
		if (n + 1 >= size)
			return -1;
		tok[n++] = c;
	}
	tok[n] = '\0';
	*p = s;
	return 0;
}

static const struct json *array_item(const struct json *j, const char *tok)
{
	size_t i = 0;
	if (!*tok || (tok[0] == '0' && tok[1]))
		return NULL;
	for (const char *c = tok; *c; c++) {
		if (*c < '0' || *c > '9' || i > 1000000)
			return NULL;
		i = i * 10 + (size_t)(*c - '0');
	}
	const struct json *m = j->child;
	while (m && i--)
		m = m->next;
	return m;
}

const struct json *json_pointer(const struct json *root, const char *path,
				struct mime_arena *a)
{
	char tok[256];
	const struct json *j = root;
	if (*path && *path != '/')
		return NULL;
	while (j && *path) {
		if (next_token(&path, tok, sizeof tok) < 0)
			return NULL;
		if (j->type == JSON_ARRAY && !strcmp(tok, "*")) {
			struct json *out = mime_arena_alloc(a, sizeof *out);
			struct json **tail = out ? &out->child : NULL;
			if (!out)
				return NULL;
			out->type = JSON_ARRAY;
			for (const struct json *m = j->child; m; m = m->next) {
				const struct json *r = json_pointer(m, path, a);
				if (!r)
					return NULL;
				int flat = r->type == JSON_ARRAY;
				for (const struct json *e = flat ? r->child : r;
				     e; e = flat ? e->next : NULL) {
					struct json *c = mime_arena_alloc(a,
								sizeof *c);
					if (!c)
						return NULL;
					*c = *e;
					c->key = NULL;
					c->next = NULL;
					*tail = c;
					tail = &c->next;
					out->len++;
				}
			}
			return out;
		}
		if (j->type == JSON_ARRAY)
			j = array_item(j, tok);
		else
			j = json_get(j, tok);
	}
	return j;
}
