/* local_header.c - the header transform of final delivery (local_header.h). */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "limits.h"
#include "local_header.h"
#include "msgtext.h"

/* Is line[0..n) a field named name? *value gets what follows the colon. */
static int field_is(const char *line, size_t n, const char *name, size_t *value)
{
	size_t k = strlen(name), i;
	if (n <= k || strncasecmp(line, name, k) != 0)
		return 0;
	for (i = k; i < n && (line[i] == ' ' || line[i] == '\t'); i++)
		;
	if (i >= n || line[i] != ':')
		return 0;
	*value = i + 1;
	return 1;
}

/* Does the Delivered-To value v[0..n) (one line) name rcpt? */
static int names(const char *v, size_t n, const char *rcpt)
{
	size_t k = strlen(rcpt);
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
		n--;
	if (n >= 2 && v[0] == '<' && v[n - 1] == '>')
		v++, n -= 2;
	return n == k && strncasecmp(v, rcpt, k) == 0;
}

enum local_header_result local_header(const char *sender, const char *rcpt,
				      int fd, off_t offset, struct bytes *out,
				      off_t *rest)
{
	struct bytes h;
	enum local_header_result res = LOCAL_HEADER_OK;
	size_t i = 0, value;
	int skipping = 0;

	bytes_clear(out);
	bytes_init(&h, LOCAL_HEADER_MAX + 1);
	if (msgtext_read_header(fd, offset, LOCAL_HEADER_MAX, &h) < 0 ||
	    bytes_appendf(out, "Return-Path: <%s>\nDelivered-To: %s\n", sender, rcpt) < 0) {
		bytes_free(&h);
		return LOCAL_HEADER_ERROR;
	}
	while (i < h.len && res == LOCAL_HEADER_OK) {
		const char *line = h.data + i, *lf = memchr(line, '\n', h.len - i);
		size_t n = lf ? (size_t)(lf - line) + 1 : h.len - i;
		i += n;
		if (line[0] != ' ' && line[0] != '\t')
			skipping = field_is(line, n, "Return-Path", &value);
		if (field_is(line, n, "Delivered-To", &value) &&
		    names(line + value, n - value - (lf != NULL), rcpt))
			res = LOCAL_HEADER_LOOP;
		else if (!skipping && bytes_append(out, line, n) < 0)
			res = LOCAL_HEADER_ERROR;
	}
	*rest = offset + (off_t)h.len;
	bytes_free(&h);
	return res;
}
