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

/* Write out[0..n), counting it. 0 or -1. */
static int put(struct store_upload *u, const char *out, size_t n)
{
	if (n && write_all(u->fd, out, n) < 0)
		return -1;
	u->lf += n;
	return 0;
}

/* The CRLF text is stored with LF line ends: the CR of each CR LF is
 * dropped. A CR is held back (u->cr) until the next octet shows whether
 * an LF follows it, across calls. One write(2) per STORE_UPLOAD_CHUNK. */
int store_upload_write(struct store_upload *u, const char *data,
		       size_t len)
{
	char out[STORE_UPLOAD_CHUNK];
	size_t k = 0;
	u->crlf += len;
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (k + 2 > sizeof out) {
			if (put(u, out, k) < 0)
				return -1;
			k = 0;
		}
		if (u->cr && c != '\n')
			out[k++] = '\r';       /* a lone CR is kept */
		u->cr = c == '\r';
		if (c == '\n' && u->prev != '\r')
			u->crlf++;      /* a bare LF goes out as CRLF */
		u->prev = c;
		if (c != '\r')
			out[k++] = c;
	}
	return put(u, out, k);
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
