/* addrlist.c - RFC 5322 §3.4 address lists (addrlist.h). */
#include <string.h>
#include "addrlist.h"
#include "limits.h"

struct collector {
	char plain[ADDRESS_PATH_MAX + 2];       /* outside <> and comments */
	char angle[ADDRESS_PATH_MAX + 2];       /* inside <> */
	size_t plain_len, angle_len;
	int has_angle;
};

static void put(char *buf, size_t *len, char c)
{
	if (*len < ADDRESS_PATH_MAX + 1)
		buf[(*len)++] = c;
}

/* Emit the collected mailbox, if any. 1 emitted, 0 none, -1 stop. */
static int emit(struct collector *c, int (*found)(const char *, void *), void *ctx)
{
	char *a = c->has_angle ? c->angle : c->plain;
	size_t len = c->has_angle ? c->angle_len : c->plain_len;
	a[len] = '\0';
	if (c->has_angle && a[0] == '@') {      /* RFC 5322 §4.4 obs-route */
		char *colon = strchr(a, ':');
		a = colon ? colon + 1 : a + len;
	}
	int rc = a[0] ? (found(a, ctx) < 0 ? -1 : 1) : 0;
	memset(c, 0, sizeof *c);
	return rc;
}

/* Skip a comment starting at s[i] == '('; returns the index after it. */
static size_t skip_comment(const char *s, size_t n, size_t i)
{
	int depth = 0;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n)
			i++;
		else if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0)
			return i + 1;
	}
	return n;
}

/* Copy a quoted string starting at s[i] == '"' into the current buffer. */
static size_t copy_quoted(const char *s, size_t n, size_t i, char *buf, size_t *len)
{
	put(buf, len, s[i++]);
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			put(buf, len, s[i++]);
		} else if (s[i] == '"') {
			put(buf, len, s[i]);
			return i + 1;
		} else if (s[i] == '\r' || s[i] == '\n') {
			continue;               /* unfolding */
		}
		put(buf, len, s[i]);
	}
	return n;
}

int addrlist_parse(const char *s, size_t n,
		   int (*found)(const char *addr, void *ctx), void *ctx)
{
	struct collector c;
	int count = 0, in_angle = 0;
	memset(&c, 0, sizeof c);
	for (size_t i = 0; i < n;) {
		char ch = s[i];
		char *buf = in_angle ? c.angle : c.plain;
		size_t *len = in_angle ? &c.angle_len : &c.plain_len;
		if (ch == '(') {
			i = skip_comment(s, n, i);
			continue;
		}
		if (ch == '"') {
			i = copy_quoted(s, n, i, buf, len);
			continue;
		}
		i++;
		if (ch == '<' && !in_angle) {
			in_angle = c.has_angle = 1;
			c.angle_len = 0;
		} else if (ch == '>' && in_angle) {
			in_angle = 0;
		} else if (!in_angle && ch == ':') {
			c.plain_len = 0;        /* a group's display name */
		} else if (!in_angle && (ch == ',' || ch == ';')) {
			int rc = emit(&c, found, ctx);
			if (rc < 0)
				return -1;
			count += rc;
		} else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
			put(buf, len, ch);
		}
	}
	int rc = emit(&c, found, ctx);
	return rc < 0 ? -1 : count + rc;
}
