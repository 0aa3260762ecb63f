/* upload.c - POST /jmap/upload/ACCOUNT/ (RFC 8620 §6.1), streamed: the
 * body goes, piece by piece as it is read, into a temporary file in
 * MAILDIR/postern-blobs/ while it is hashed (SHA-256); at its end the
 * file is committed (lib/fsutil file_commit: fsync, rename, fsync of the
 * directory) under "U" and the hash, so the same bytes uploaded twice are
 * one blob. Memory does not grow with the upload. A body over maxsize,
 * cut short or failing to be written leaves nothing behind; an upload to
 * another user's account is read and dropped (the connection can go on),
 * then refused with 404. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fsutil.h"
#include "httpd.h"
#include "json.h"
#include "log.h"

/* /jmap/upload/ACCOUNT/ names the user's account? */
static int upload_account_ok(struct server *s)
{
	const char *p = s->req.path + strlen("/jmap/upload/");
	size_t n = strlen(s->account);
	return !strncmp(p, s->account, n) && (!p[n] || !strcmp(p + n, "/"));
}

/* A piece of the body to the temporary file and the hash. */
static int upload_piece(void *ctx, const char *p, size_t n)
{
	struct upload *u = ctx;
	sha256_update(&u->hash, p, n);
	return write_all(u->fd, p, n);
}

/* A piece of a body that is not kept. */
static int upload_drop(void *ctx, const char *p, size_t n)
{
	(void)ctx, (void)p, (void)n;
	return 0;
}

void upload_abort(struct server *s)
{
	struct upload *u = &s->upload;
	if (!u->active)
		return;
	close(u->fd);
	if (unlinkat(u->dir, u->tmp, 0) < 0 && errno != ENOENT)
		log_event("event=blob-tmp-unlink-error errno=%d", errno);
	close(u->dir);
	u->active = 0;
}

/* Open MAILDIR/postern-blobs/ (made if need be) and a new temporary
 * file in it. 0 or -1. */
static int upload_open(struct server *s, struct upload *u)
{
	static unsigned serial;
	char dir[PATH_MAX_POSTERN];
	int n = snprintf(dir, sizeof dir, "%s/%s", s->maildir, BLOB_DIR);
	if (n < 0 || (size_t)n >= sizeof dir || mkdir_p(dir, 0700) < 0)
		return -1;
	u->dir = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u->dir < 0)
		return -1;
	snprintf(u->tmp, sizeof u->tmp, ".tmp.%ld.%u", (long)getpid(),
		 serial++);
	u->fd = openat(u->dir, u->tmp, O_WRONLY | O_CREAT | O_EXCL |
		       O_NOFOLLOW | O_CLOEXEC, 0600);
	if (u->fd < 0) {
		close(u->dir);
		return -1;
	}
	sha256_init(&u->hash);
	u->active = 1;
	return 0;
}

int upload_begin(struct server *s)
{
	upload_abort(s);
	s->req.sink = upload_drop;
	s->req.sink_ctx = NULL;
	if (!upload_account_ok(s))
		return 0;
	if (upload_open(s, &s->upload) < 0) {
		log_event("event=blob-write-error errno=%d", errno);
		return -1;
	}
	s->req.sink = upload_piece;
	s->req.sink_ctx = &s->upload;
	return 0;
}

/* The temporary file committed as blob id. 0 or -1. */
static int upload_commit(struct upload *u, char id[2 * SHA256_SIZE + 2])
{
	id[0] = 'U';
	sha256_final_hex(&u->hash, id + 1);
	int rc = file_commit(u->fd, u->dir, u->tmp, u->dir, id);
	close(u->dir);
	u->active = 0;
	return rc;
}

void route_upload(struct server *s)
{
	char id[2 * SHA256_SIZE + 2];
	if (!s->upload.active) {        /* upload_begin dropped the body */
		response_problem(s, 404, "about:blank", "No such account.");
		return;
	}
	const char *type = http_field(&s->req, "Content-Type");
	if (upload_commit(&s->upload, id) < 0) {
		log_event("event=blob-write-error errno=%d", errno);
		response_problem(s, 500, "about:blank", "The blob was not kept.");
		return;
	}
	struct json_writer w;
	response_start(s, 201, "application/json");
	json_writer_init(&w, &s->resp.body);
	json_object_begin(&w);
	json_key(&w, "accountId");
	json_str(&w, s->account);
	json_key(&w, "blobId");
	json_str(&w, id);
	json_key(&w, "type");
	json_str(&w, type ? type : "application/octet-stream");
	json_key(&w, "size");
	json_int64(&w, (int64_t)s->req.received);
	json_end(&w);
}
