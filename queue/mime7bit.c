/* mime7bit.c - 8-bit bodies to quoted-printable (mime7bit.h). */
#include <string.h>
#include <strings.h>
#include "mime.h"
#include "mime7bit.h"

/* RFC 2045 §6.7 rule 5: encoded lines at most 76 characters. */
#define QP_LINE_MAX 76

static int has_8bit(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

/* Is the encoding one that a 7-bit server can take as it is? */
static int already_7bit(const struct mime_part *p)
{
	return p->encoding && (strcasecmp(p->encoding, "base64") == 0 ||
			       strcasecmp(p->encoding, "quoted-printable") == 0);
}

/* One octet, encoded as RFC 2045 §6.7 rules 1-3 say; *col counts the
 * line's characters and a soft line break (rule 5) keeps it <= 76. */
static int qp_octet(struct bytes *out, unsigned char c, int last, size_t *col)
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[3] = { '=', hex[c >> 4], hex[c & 15] };
	int literal = (c >= 33 && c <= 126 && c != '=') ||
		      ((c == ' ' || c == '\t') && !last);
	size_t n = literal ? 1 : 3;

	if (*col + n > QP_LINE_MAX - (last ? 0 : 1)) {
		if (bytes_append(out, "=\n", 2) < 0)
			return -1;
		*col = 0;
	}
	*col += n;
	return literal ? bytes_append_char(out, (char)c) : bytes_append(out, enc, 3);
}

/* The body p[0..n) in quoted-printable, LF line ends kept as line ends. */
static int qp_body(const char *p, size_t n, struct bytes *out)
{
	size_t i = 0;

	while (i < n) {
		const char *lf = memchr(p + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - p) : n, col = 0;
		for (size_t k = i; k < end; k++)
			if (qp_octet(out, (unsigned char)p[k], k + 1 == end, &col) < 0)
				return -1;
		if (lf && bytes_append_char(out, '\n') < 0)
			return -1;
		i = end + 1;
	}
	return 0;
}

static int is_field(const char *line, size_t n, const char *name)
{
	size_t k = strlen(name), i;

	if (n <= k || strncasecmp(line, name, k) != 0)
		return 0;
	for (i = k; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	return i < n && line[i] == ':';
}

/* The header h[0..n) without its Content-Transfer-Encoding field, then
 * "Content-Transfer-Encoding: cte" (and MIME-Version at the top level
 * when missing), then the empty line if h had one. */
static int header_with(const char *h, size_t n, const char *cte, int top,
		       struct bytes *out)
{
	size_t i = 0;
	int skipping = 0, blank = 0, mime_version = 0;

	while (i < n) {
		const char *lf = memchr(h + i, '\n', n - i);
		size_t end = lf ? (size_t)(lf - h) + 1 : n, len = end - i;
		const char *line = h + i;
		i = end;
		if (len <= 2 && (line[0] == '\n' || line[0] == '\r')) {
			blank = 1;
			break;
		}
		if (line[0] != ' ' && line[0] != '\t')
			skipping = is_field(line, len, "Content-Transfer-Encoding");
		mime_version |= is_field(line, len, "MIME-Version");
		if (!skipping && bytes_append(out, line, len) < 0)
			return -1;
	}
	if (top && !mime_version && bytes_append_str(out, "MIME-Version: 1.0\n") < 0)
		return -1;
	if (bytes_appendf(out, "Content-Transfer-Encoding: %s\n", cte) < 0)
		return -1;
	return blank ? bytes_append_char(out, '\n') : 0;
}

/* Part p, converted where it needs to be, into out. */
static int part_out(const struct mime_message *m, const struct mime_part *p,
		    struct bytes *out)
{
	const char *h = m->buf + p->header_off, *b = m->buf + p->body_off;
	int leaf = !p->child;

	if (!has_8bit(b, p->body_len) || (leaf && already_7bit(p)))
		return bytes_append(out, h, p->body_off + p->body_len - p->header_off);
	if (header_with(h, p->body_off - p->header_off,
			leaf ? "quoted-printable" : "7bit", p->depth == 0, out) < 0)
		return -1;
	if (leaf)
		return qp_body(b, p->body_len, out);
	size_t at = p->body_off;
	for (const struct mime_part *c = p->child; c; c = c->next) {
		if (bytes_append(out, m->buf + at, c->header_off - at) < 0 ||
		    part_out(m, c, out) < 0)
			return -1;
		at = c->body_off + c->body_len;
	}
	return bytes_append(out, m->buf + at, p->body_off + p->body_len - at);
}

int mime_to_7bit(const char *buf, size_t len, struct bytes *out)
{
	size_t body = mime_header_length(buf, len);

	if (!has_8bit(buf + body, len - body))
		return 0;
	struct mime_message *m = mime_parse(buf, len);
	if (!m)
		return -1;
	int rc = part_out(m, m->root, out);
	size_t end = m->root->body_off + m->root->body_len;
	if (rc == 0 && end < len)
		rc = bytes_append(out, buf + end, len - end);
	mime_free(m);
	return rc < 0 ? -1 : 1;
}
