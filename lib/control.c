/* control.c - the control files (DESIGN.md "Configuration"). */
#include "control.h"
#include "limits.h"
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *control_dir(void)
{
	const char *d = getenv("POSTERN_CONF");
	return d && *d ? d : "/etc/postern";
}

int control_path(const char *name, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", control_dir(), name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Cut a comment, trim white space; returns the item (maybe ""). */
static char *clean_line(char *line)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	while (isspace((unsigned char)*line))
		line++;
	size_t n = strlen(line);
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	return line;
}

/* A control file read in blocks with read(2), a line at a time: no stdio
 * stream to set up, so reading a small file is open, read, read, close. */
struct line_reader {
	int fd;
	int eof;
	size_t start, end;              /* the unread bytes are buf[start, end) */
	char buf[CONTROL_READ_BLOCK + 1];
};

/* The next line, NUL-terminated in place, without its newline (the last
 * line may lack one). 1 and *line set, 0 at the end of the file, -1 on
 * a read error or a line over CONTROL_LINE_MAX (errno E2BIG). */
static int next_line(struct line_reader *r, char **line)
{
	for (;;) {
		char *s = r->buf + r->start;
		char *nl = memchr(s, '\n', r->end - r->start);
		size_t n = nl ? (size_t)(nl - s) : r->end - r->start;
		if (n > CONTROL_LINE_MAX) {
			errno = E2BIG;
			return -1;
		}
		if (nl || (r->eof && n > 0)) {
			s[n] = '\0';
			r->start += n + (nl != NULL);
			*line = s;
			return 1;
		}
		if (r->eof)
			return 0;
		memmove(r->buf, s, n);
		r->start = 0;
		r->end = n;
		ssize_t got = read(r->fd, r->buf + n, CONTROL_READ_BLOCK - n);
		if (got < 0 && errno != EINTR)
			return -1;
		if (got == 0)
			r->eof = 1;
		if (got > 0)
			r->end += (size_t)got;
	}
}

/* Walk the items of a control file. visit returns nonzero to stop; that
 * value is returned. 0 when every item was visited or the file is
 * missing (*missing set), -1 on error (E2BIG for an over-long line). */
typedef int (*item_visitor)(char *item, void *arg);

static int control_walk(const char *name, item_visitor visit, void *arg,
			int *missing)
{
	char path[PATH_MAX_POSTERN];
	struct line_reader r;
	char *line;
	if (missing)
		*missing = 0;
	if (control_path(name, path, sizeof path) < 0)
		return -1;
	r.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		if (errno != ENOENT)
			return -1;
		if (missing)
			*missing = 1;
		return 0;
	}
	r.eof = 0;
	r.start = r.end = 0;
	int got = 0, v = 0;
	while (v == 0 && (got = next_line(&r, &line)) == 1) {
		char *item = clean_line(line);
		if (*item)
			v = visit(item, arg);
	}
	if (v == 0 && got < 0)
		v = -1;
	int saved = errno;
	close(r.fd);
	errno = saved;
	return v;
}

struct first_item {
	char *buf;
	size_t size;
	int fits;
};

static int take_first(char *item, void *arg)
{
	struct first_item *fi = arg;
	size_t n = strlen(item);
	fi->fits = n < fi->size;
	if (fi->fits)
		memcpy(fi->buf, item, n + 1);
	return 1;
}

int control_value(const char *name, char *buf, size_t size, const char *dflt)
{
	struct first_item fi = { buf, size, 0 };
	int r = control_walk(name, take_first, &fi, NULL);
	if (r == 1 && fi.fits)
		return 1;
	snprintf(buf, size, "%s", dflt ? dflt : "");
	if (r == 1) {
		errno = E2BIG;
		return -1;
	}
	return r < 0 ? -1 : 0;
}

int control_number(const char *name, long dflt, long *out)
{
	char buf[32];
	*out = dflt;
	int r = control_value(name, buf, sizeof buf, "");
	if (r < 0) {
		if (errno == E2BIG)
			errno = EINVAL;
		return -1;
	}
	if (r == 0 || buf[0] == '\0')
		return 0;
	long v = 0;
	for (const char *p = buf; *p; p++) {
		if (!isdigit((unsigned char)*p) || v > (LONG_MAX - 9) / 10) {
			errno = EINVAL;
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return 0;
}

static int collect(char *item, void *arg)
{
	struct control_list *list = arg;
	char **grown = realloc(list->items, (list->count + 1) * sizeof *grown);
	if (!grown)
		return -1;
	list->items = grown;
	if (!(grown[list->count] = strdup(item)))
		return -1;
	list->count++;
	return 0;
}

int control_list(const char *name, struct control_list *list)
{
	int missing;
	list->count = 0;
	list->items = NULL;
	if (control_walk(name, collect, list, &missing) < 0) {
		control_list_free(list);
		return -1;
	}
	return missing ? 0 : 1;
}

void control_list_free(struct control_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

struct lookup {
	const char *key;
	char sep;
	struct bytes *value;
};

static int match_key(char *item, void *arg)
{
	struct lookup *lk = arg;
	char *sep = strchr(item, lk->sep);
	if (!sep)
		return 0;
	char *end = sep;
	while (end > item && isspace((unsigned char)end[-1]))
		end--;
	size_t klen = strlen(lk->key);
	if ((size_t)(end - item) != klen || strncasecmp(item, lk->key, klen) != 0)
		return 0;
	if (lk->value) {
		char *v = sep + 1;
		while (isspace((unsigned char)*v))
			v++;
		if (bytes_set(lk->value, v, strlen(v)) < 0)
			return -1;
	}
	return 1;
}

int control_lookup(const char *name, const char *key, char sep,
		   struct bytes *value)
{
	struct lookup lk = { key, sep, value };
	return control_walk(name, match_key, &lk, NULL);
}

static int equal_item(char *item, void *arg)
{
	return strcasecmp(item, (const char *)arg) == 0;
}

int control_contains(const char *name, const char *item)
{
	return control_walk(name, equal_item, (void *)item, NULL);
}

int control_member(const char *name, const char *item)
{
	int missing;
	int r = control_walk(name, equal_item, (void *)item, &missing);
	return r == 0 && missing ? CONTROL_MISSING : r;
}

int control_me(char *buf, size_t size)
{
	if (control_value("me", buf, size, NULL) == 1)
		return 0;
	if (gethostname(buf, size) < 0)
		return -1;
	buf[size - 1] = '\0';
	return 0;
}
