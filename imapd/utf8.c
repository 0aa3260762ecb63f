/* utf8.c - UTF-8 mailbox names (RFC 6855, RFC 9051 §5.1). See utf8.h. */
#include "utf8.h"
#include <stdio.h>
#include <string.h>
#include "mailbox.h"
#include "mime_encoding.h"
#include "mutf7.h"

int session_utf8(const struct session *s)
{
	return (s->enabled & (ENABLED_UTF8 | ENABLED_IMAP4REV2)) != 0;
}

int utf8_valid(const char *p, size_t n)
{
	unsigned cp;
	for (size_t i = 0, k; i < n; i += k)
		if (!(k = mime_utf8_decode(p + i, n - i, &cp)))
			return 0;
	return 1;
}

enum reply mailbox_name_in(struct session *s, struct parse *p,
			   const struct string *arg, const char **name)
{
	struct bytes b;
	*name = arg->s;
	if (!session_utf8(s))
		return REPLY_OK;
	if (!arg->literal && !utf8_valid(arg->s, arg->len))
		return reply_set(s, REPLY_BAD, NULL, "Quoted string is not UTF-8");
	/* the stored form is at most 8/3 of the UTF-8 plus the '&' '-' */
	bytes_init(&b, 3 * arg->len + 16);
	if (mutf7_encode(arg->s, arg->len, &b) < 0) {
		bytes_free(&b);
		return reply_set(s, REPLY_NO, "CANNOT", "Invalid mailbox name");
	}
	char *m = parse_alloc(p, b.len + 1);
	if (m)
		memcpy(m, bytes_str(&b), b.len + 1);
	bytes_free(&b);
	if (!m)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	*name = m;
	return REPLY_OK;
}

const char *mailbox_name_out(const struct session *s, const char *name,
			     char *buf, size_t size)
{
	struct bytes b;
	const char *out = name;
	if (!session_utf8(s) || !strchr(name, '&'))
		return name;
	bytes_init(&b, size - 1);
	if (mutf7_decode(name, &b) == 0 && b.len < size) {
		memcpy(buf, bytes_str(&b), b.len + 1);
		out = buf;
	}
	bytes_free(&b);
	return out;
}

/* RFC 9051 §4.3: a quoted string holds UTF-8 but no CR, LF or NUL. */
static void write_utf8_string(struct output *out, const char *p, size_t n)
{
	if (n > 1024 || memchr(p, '\r', n) || memchr(p, '\n', n) ||
	    !utf8_valid(p, n) || strlen(p) != n) {
		write_string(out, p, n);        /* a literal */
		return;
	}
	output_str(out, "\"");
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			output_str(out, "\\");
		output_write(out, p + i, 1);
	}
	output_str(out, "\"");
}

void write_mailbox_name(struct session *s, const char *name)
{
	char buf[4 * IMAP_MAILBOX_NAME_MAX + 1];
	if (!session_utf8(s)) {
		write_string(&s->out, name, strlen(name));
		return;
	}
	const char *shown = mailbox_name_out(s, name, buf, sizeof buf);
	write_utf8_string(&s->out, shown, strlen(shown));
}

int header_has_utf8(const char *text, size_t len)
{
	unsigned cp;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)text[i] >= 0x80 &&
		    mime_utf8_decode(text + i, len - i, &cp) > 1)
			return 1;
		if (text[i] == '\n' && (i + 1 == len || text[i + 1] == '\n' ||
		    (text[i + 1] == '\r' && i + 2 < len && text[i + 2] == '\n')))
			return 0;
	}
	return 0;
}
