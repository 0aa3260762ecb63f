/* mime_section.c - BODY[section] (RFC 3501 §6.4.5) and HEADER.FIELDS
 * over a parsed tree; declared in mime.h. */
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "mime.h"
#include "mime_encoding.h"

static const struct mime_part *nth_child(const struct mime_part *p, size_t k)
{
	const struct mime_part *c = p->child;
	while (c && --k > 0)
		c = c->next;
	return c;
}

/* Part number k below cur (NULL: below the root message m->root). */
static const struct mime_part *descend(const struct mime_message *m,
				       const struct mime_part *cur, size_t k)
{
	const struct mime_part *msg = cur ? mime_part_message(cur) : m->root;
	if (!msg)               /* cur is no message: only a multipart has parts */
		return cur->child && mime_is(cur, "multipart", NULL)
			? nth_child(cur, k) : NULL;
	if (msg->child && mime_is(msg, "multipart", NULL))
		return nth_child(msg, k);
	return k == 1 ? msg : NULL;
}

/* Set *sec to header or body of the message at p (NULL on failure). */
static int message_section(const struct mime_part *p, int text,
			   struct mime_section *sec)
{
	if (!p)
		return -1;
	sec->part = p;
	sec->off = text ? p->body_off : p->header_off;
	sec->len = text ? p->body_len : p->header_len;
	return 0;
}

static int keyword(const char *s, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(s, kw, n) == 0;
}

/* The suffix after the part numbers: s[0..n) ("" when none). */
static int section_suffix(const struct mime_message *m,
			  const struct mime_part *p, const char *s, size_t n,
			  struct mime_section *sec)
{
	const struct mime_part *msg = p ? mime_part_message(p) : m->root;
	if (n == 0 && !p) {                     /* BODY[]: the whole message */
		sec->kind = MIME_SECTION_ALL;
		sec->part = m->root;
		sec->off = 0;
		sec->len = m->len;
		return 0;
	}
	if (n == 0) {
		sec->kind = MIME_SECTION_ALL;
		return message_section(p, 1, sec);
	}
	if (p && keyword(s, n, "MIME")) {
		sec->kind = MIME_SECTION_HEADER;
		return message_section(p, 0, sec);
	}
	if (keyword(s, n, "TEXT"))
		sec->kind = MIME_SECTION_TEXT;
	else if (keyword(s, n, "HEADER"))
		sec->kind = MIME_SECTION_HEADER;
	else if (keyword(s, n, "HEADER.FIELDS"))
		sec->kind = MIME_SECTION_FIELDS;
	else if (keyword(s, n, "HEADER.FIELDS.NOT"))
		sec->kind = MIME_SECTION_FIELDS_NOT;
	else
		return -1;
	return message_section(msg, sec->kind == MIME_SECTION_TEXT, sec);
}

int mime_section_find(const struct mime_message *m, const char *s, size_t n,
		      struct mime_section *sec)
{
	const struct mime_part *p = NULL;
	struct mime_section found;
	size_t i = 0;
	while (i < n && s[i] >= '1' && s[i] <= '9') {
		size_t k = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9' && k < MIME_PARTS_MAX + 1)
			k = k * 10 + (size_t)(s[i++] - '0');
		if (k > MIME_PARTS_MAX || !(p = descend(m, p, k)))
			return -1;
		if (i < n && s[i] != '.')
			return -1;
		if (i < n)
			i++;
		if (i == n && s[n - 1] == '.')
			return -1;
	}
	if (section_suffix(m, p, s + i, n - i, &found) < 0)
		return -1;
	*sec = found;
	return 0;
}

int mime_header_filter(const char *h, size_t n, const char *const *names,
		       size_t count, int exclude, struct bytes *out)
{
	struct mime_field f;
	size_t pos = 0;
	while (mime_header_next(h, n, &pos, &f)) {
		int listed = 0;
		for (size_t k = 0; k < count && !listed; k++)
			listed = strlen(names[k]) == f.name_len &&
				 strncasecmp(names[k], f.name, f.name_len) == 0;
		if (listed == !!exclude)
			continue;
		size_t start = (size_t)(f.name - h);
		if (mime_crlf_append(out, f.name, pos - start) < 0)
			return -1;
		if (h[pos - 1] != '\n' && bytes_append(out, "\r\n", 2) < 0)
			return -1;
	}
	return bytes_append(out, "\r\n", 2);
}
