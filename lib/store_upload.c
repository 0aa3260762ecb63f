/* store_upload.c - a new message streamed into the Maildir's tmp/ as it
 * arrives (store.h "store_upload"); store_append commits it. */
#include "store_impl.h"
#include "fsutil.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>

int store_upload_begin(struct store *st, struct store_upload *u)
{
	memset(u, 0, sizeof *u);
	u->rootfd = st->rootfd;
	u->fd = store_tmp_create(st->rootfd, u->unique, sizeof u->unique,
				 u->tmp, sizeof u->tmp);
	u->live = u->fd >= 0;
	return u->fd < 0 ? -1 : 0;
}

/* Write data[0..len), which holds no CR LF pair, counting it. */
static int put(struct store_upload *u, const char *data, size_t len)
{
	if (len && write_all(u->fd, data, len) < 0)
		return -1;
	u->lf += len;
	return 0;
}

/* The CRLF text is stored with LF line ends: the CR of each CR LF is
 * dropped. A CR at the end of a piece is held back (u->cr) until the
 * next octet shows whether an LF follows it. */
int store_upload_write(struct store_upload *u, const char *data,
		       size_t len)
{
	size_t start = 0;
	if (len && u->cr) {
		u->cr = 0;
		if (data[0] != '\n' && put(u, "\r", 1) < 0)
			return -1;
	}
	u->crlf += len;
	for (size_t i = 0; i < len; i++) {
		char before = i ? data[i - 1] : u->prev;
		if (data[i] == '\n' && before != '\r')
			u->crlf++;      /* a bare LF goes out as CRLF */
		if (data[i] != '\r')
			continue;
		if (i + 1 == len) {     /* held back */
			if (put(u, data + start, i - start) < 0)
				return -1;
			start = len;
			u->cr = 1;
		} else if (data[i + 1] == '\n') {
			if (put(u, data + start, i - start) < 0)
				return -1;
			start = i + 1;
		}
	}
	if (put(u, data + start, len - start) < 0)
		return -1;
	if (len)
		u->prev = data[len - 1];
	return 0;
}

int store_upload_end(struct store_upload *u)
{
	int rc = 0;
	if (u->cr) {    /* the CR held back is a lone CR */
		u->cr = 0;
		rc = put(u, "\r", 1);
	}
	if (close(u->fd) < 0)
		rc = -1;
	u->fd = -1;
	if (rc < 0)
		store_upload_abort(u);
	return rc;
}

void store_upload_abort(struct store_upload *u)
{
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	if (u->live)
		unlinkat(u->rootfd, u->tmp, 0);
	u->live = 0;
}
