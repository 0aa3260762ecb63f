/* blob.c - binary data (RFC 8620 §6): download (GET
 * /jmap/download/ACCOUNT/BLOB/NAME?accept=TYPE) and reading blobs; the
 * upload is upload.c's. An upload is kept in MAILDIR/postern-blobs/
 * under the SHA-256 of its content, so its blobId is "U" and that hash;
 * the same bytes uploaded twice are one blob. Blobs of messages and
 * their parts come from the mail store (mail_blob_open). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "httpd.h"
#include "jmap.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "mime.h"

int blob_path(struct server *s, const char *id, char *path, size_t size)
{
	if (id[0] != 'U' || strlen(id) != 65 ||
	    strspn(id + 1, "0123456789abcdef") != 64)
		return -1;
	int n = snprintf(path, size, "%s/%s/%s", s->maildir, BLOB_DIR, id);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* A media type safe to send back: "type/subtype" of token characters. */
static int safe_type(const char *t)
{
	size_t n = strlen(t), slash = strcspn(t, "/");
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789!#$&^_.+-";
	return n > 0 && n < 128 && slash > 0 && slash < n - 1 &&
	       strspn(t, ok) == slash && strspn(t + slash + 1, ok) == n - slash - 1;
}

/* The path's three segments after /jmap/download/: 0 or -1. */
static int split_download(const char *p, char *account, char *blob,
			  struct bytes *name)
{
	p += strlen("/jmap/download/");
	const char *s1 = strchr(p, '/'), *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	if (!s2 || s1 - p >= 64 || s2 - s1 - 1 >= 256 || strchr(s2 + 1, '/'))
		return -1;
	snprintf(account, 64, "%.*s", (int)(s1 - p), p);
	snprintf(blob, 256, "%.*s", (int)(s2 - s1 - 1), s1 + 1);
	return http_unescape(s2 + 1, strlen(s2 + 1), 0, name);
}

/* RFC 6266 / RFC 5987: filename*=UTF-8''percent-encoded. */
static void disposition(struct server *s, const char *name)
{
	struct bytes h;
	bytes_init(&h, 4096);
	bytes_append_str(&h, "attachment; filename*=UTF-8''");
	for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("!#$&+-.^_`|~", *c))
			bytes_append_char(&h, (char)*c);
		else
			bytes_appendf(&h, "%%%02X", *c);
	}
	response_header(s, "Content-Disposition: %s", bytes_str(&h));
	bytes_free(&h);
}

/* A download's octets, counted or sent. */
struct download {
	struct server *s;
	size_t count;
	int send;
};

static int download_piece(void *ctx, const char *p, size_t n)
{
	struct download *d = ctx;
	d->count += n;
	return d->send && output_write(&d->s->out, p, n) < 0 ? -1 : 0;
}

/* An upload's file, in pieces to fn: 1, 0 no such blob, -1 error. */
static int upload_each(struct server *s, const char *id, mime_sink *fn,
		       void *ctx)
{
	char path[PATH_MAX_POSTERN], buf[16384];
	if (blob_path(s, id, path, sizeof path) < 0)
		return 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ssize_t n;
	int rc = 0;
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) != 0)
		rc = n < 0 && errno == EINTR ? 0 : n < 0 ? -1
		     : fn(ctx, buf, (size_t)n);
	close(fd);
	return rc < 0 ? -1 : 1;
}

int blob_each(struct server *s, const char *id, mime_sink *fn, void *ctx)
{
	if (id[0] == 'U')
		return upload_each(s, id, fn, ctx);
	struct mail_blob b;
	int found = mail_blob_open(s, id, &b);
	if (found == 1 && mail_blob_each(&b, fn, ctx) < 0)
		found = -1;
	mail_blob_close(&b);
	return found;
}

/* The blob's octets to d: a counting pass, then a sending one. */
static int download_each(struct server *s, const char *id,
			 struct mail_blob *b, struct download *d)
{
	if (id[0] == 'U')
		return upload_each(s, id, download_piece, d);
	return mail_blob_each(b, download_piece, d) < 0 ? -1 : 1;
}

/* Send blob id (found: b open) with its headers, read from its file
 * twice (its length, then its octets): never held whole. */
static void send_blob(struct server *s, const char *id, struct mail_blob *b,
		      const char *type, const char *name)
{
	struct download d = { s, 0, 0 };
	int found = download_each(s, id, b, &d);
	if (found <= 0) {
		response_problem(s, found < 0 ? 500 : 404, "about:blank",
				 found < 0 ? "The blob could not be read."
					   : "No such blob.");
		return;
	}
	response_header(s, "Content-Type: %s", type);
	response_header(s, "Cache-Control: private, immutable, max-age=86400");
	disposition(s, name);
	size_t length = d.count;
	response_send_sized(s, length);
	if (!strcmp(s->req.method, "HEAD"))
		return;
	d.count = 0;
	d.send = 1;
	if (download_each(s, id, b, &d) <= 0 || d.count != length) {
		log_event("event=blob-read-error");
		s->close = 1;   /* the length promised was not kept */
	}
}

void route_download(struct server *s)
{
	char account[64], blob[256];
	struct bytes name, accept;
	struct mail_blob b;
	bytes_init(&name, 1024);
	bytes_init(&accept, 256);
	if (split_download(s->req.path, account, blob, &name) < 0 ||
	    strcmp(account, s->account)) {
		response_problem(s, 404, "about:blank", "No such blob.");
		goto done;
	}
	if (!s->req.query || http_param(s->req.query, strlen(s->req.query),
					"accept", &accept) != 1 ||
	    !safe_type(bytes_str(&accept)))
		bytes_set(&accept, "application/octet-stream", 24);
	response_start(s, 200, NULL);
	int found = blob[0] == 'U' ? 1 : mail_blob_open(s, blob, &b);
	if (found == 1)
		send_blob(s, blob, &b, bytes_str(&accept), bytes_str(&name));
	else
		response_problem(s, found < 0 ? 500 : 404, "about:blank",
				 found < 0 ? "The blob could not be read."
					   : "No such blob.");
	if (blob[0] != 'U')
		mail_blob_close(&b);
done:
	bytes_free(&name);
	bytes_free(&accept);
}
