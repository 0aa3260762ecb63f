/* upload.c - POST /jmap/upload/ACCOUNT/ (RFC 8620 §6.1), streamed: the
 * body goes, piece by piece as it is read, into a temporary file in
 * MAILDIR/postern-blobs/ while it is hashed (SHA-256); at its end the
 * file is committed (lib/fsutil file_commit: fsync, rename, fsync of the
 * directory) under "U" and the hash, so the same bytes uploaded twice are
 * one blob. Memory does not grow with the upload. A body over maxsize,
 * cut short or failing to be written leaves nothing behind; an upload to
 * another user's account is read and dropped (the connection can go on),
 * then refused with 404.
 *
 * A crash in the middle leaves the temporary file, ".tmp.PID.N". Its
 * writer holds an exclusive flock(2) on it as long as it has it open, so
 * the first upload of each connection removes the stale ones (before
 * making its own): a name of that form, a regular file, unchanged for
 * BLOB_TMP_STALE seconds, PID not a live process, and no lock on it. A
 * live upload holds its lock (whichever pid namespace it runs in), and is
 * younger than that for the instant between its creation and its lock. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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

/* The pid of a temporary file's name ".tmp.PID.N", or 0 when name is
 * not one. */
static long tmp_pid(const char *name)
{
	char *end;
	if (strncmp(name, ".tmp.", 5) != 0 || name[5] < '1' || name[5] > '9')
		return 0;
	long pid = strtol(name + 5, &end, 10);
	if (*end != '.' || !end[1] || strspn(end + 1, "0123456789") != strlen(end + 1))
		return 0;
	return pid;
}

/* Remove the temporary file name in dir if it is stale (see above). */
static void remove_if_stale(int dir, const char *name, time_t now)
{
	struct stat st;
	long pid = tmp_pid(name);
	if (pid <= 0 || pid == (long)getpid() ||
	    fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || now - st.st_mtime < BLOB_TMP_STALE ||
	    kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
		if (unlinkat(dir, name, 0) == 0)
			log_event("event=blob-tmp-removed name=%s", name);
		else if (errno != ENOENT)
			log_event("event=blob-tmp-unlink-error errno=%d", errno);
	}
	close(fd);
}

/* Remove the stale temporary files of dir, once per process. */
static void sweep_stale(int dir)
{
	static int swept;
	if (swept)
		return;
	swept = 1;
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	time_t now = time(NULL);
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		remove_if_stale(dir, e->d_name, now);
	closedir(d);
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
	sweep_stale(u->dir);
	snprintf(u->tmp, sizeof u->tmp, ".tmp.%ld.%u", (long)getpid(),
		 serial++);
	u->fd = openat(u->dir, u->tmp, O_WRONLY | O_CREAT | O_EXCL |
		       O_NOFOLLOW | O_CLOEXEC, 0600);
	if (u->fd >= 0 && flock(u->fd, LOCK_EX) < 0) {      /* it is live */
		close(u->fd);
		unlinkat(u->dir, u->tmp, 0);
		u->fd = -1;
	}
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
