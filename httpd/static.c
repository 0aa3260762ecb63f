/* static.c - the page's files from the web root. A path is decoded
 * once (RFC 3986 §2.1); a NUL (%00), a backslash, an empty, "." or ".."
 * segment, or any segment starting with '.' is refused, so no path can
 * leave the root, and files are opened without following a symlink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "control.h"
#include "fsutil.h"
#include "httpd.h"
#include "log.h"

static const struct { const char *ext, *type; } types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".json", "application/json" },
};

static const char *type_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static int exists_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

void static_find_root(struct server *s)
{
	char exe[PATH_MAX_POSTERN - 64];
	if (control_value("webroot", s->webroot, sizeof s->webroot, NULL) == 1)
		return;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	*slash = '\0';
	snprintf(s->webroot, sizeof s->webroot, "%s/www", exe);
	if (!exists_dir(s->webroot))
		snprintf(s->webroot, sizeof s->webroot,
			 "%s/../share/postern/www", exe);
}

/* The decoded path checked segment by segment. 0, or -1. */
static int safe_path(const char *path, struct bytes *out)
{
	if (http_unescape(path, strlen(path), 0, out) < 0 || !out->data ||
	    out->data[0] != '/' || strchr(out->data, '\\'))
		return -1;
	if (!strcmp(out->data, "/"))
		return bytes_set(out, "/index.html", 11);
	for (const char *seg = out->data; seg; seg = strchr(seg + 1, '/'))
		if (seg[1] == '/' || seg[1] == '.' || seg[1] == '\0')
			return -1;
	return 0;
}

void route_static(struct server *s)
{
	struct bytes rel;
	char path[PATH_MAX_POSTERN];
	struct stat st;
	bytes_init(&rel, HTTP_LINE_MAX);
	if (safe_path(s->req.path, &rel) < 0) {
		bytes_free(&rel);
		response_error(s, 404, "No such page.");
		return;
	}
	int n = snprintf(path, sizeof path, "%s%s", s->webroot, rel.data);
	bytes_free(&rel);
	int fd = n > 0 && (size_t)n < sizeof path
		 ? open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK) : -1;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > HTTP_STATIC_MAX) {
		if (fd >= 0)
			close(fd);
		response_error(s, 404, "No such page.");
		return;
	}
	response_start(s, 200, type_of(path));
	s->resp.csp_page = 1;
	response_header(s, "Cache-Control: no-cache");
	char buf[16384];
	ssize_t got;
	while ((got = read(fd, buf, sizeof buf)) > 0)
		bytes_append(&s->resp.body, buf, (size_t)got);
	close(fd);
	if (got < 0) {
		log_event("event=read-error path=%s", path);
		response_error(s, 500, "The file could not be read.");
	}
}
