/* websession.c - login sessions on disk (see websession.h). */
#include "websession.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "control.h"
#include "fsutil.h"
#include "limits.h"
#include "sha256.h"

#define SESSION_DIR ".postern-http-sessions"

/* The file for cookie value into path. 0 or -1. */
static int session_path(const char *value, char *path, size_t size)
{
	char root[PATH_MAX_POSTERN], hash[2 * SHA256_SIZE + 1];
	if (control_value("mailroot", root, sizeof root, "/var/vmail") < 0)
		return -1;
	sha256_hex(value, strlen(value), hash);
	int n = snprintf(path, size, "%s/%s/%s", root, SESSION_DIR, hash);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

static int valid_value(const char *v)
{
	return strlen(v) == 64 && strspn(v, "0123456789abcdef") == 64;
}

int websession_create(const char *user, char value[WEBSESSION_TEXT_MAX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[32];
	char path[PATH_MAX_POSTERN];
	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
		return -1;
	for (size_t i = 0; i < sizeof r; i++) {
		value[2 * i] = hex[r[i] >> 4];
		value[2 * i + 1] = hex[r[i] & 15];
	}
	value[64] = '\0';
	if (session_path(value, path, sizeof path) < 0)
		return -1;
	char *slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir_p(path, 0700) < 0)
		return -1;
	*slash = '/';
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	int rc = write_all(fd, user, strlen(user));
	if (close(fd) < 0 || rc < 0) {
		unlink(path);
		return -1;
	}
	return 0;
}

int websession_check(const char *value, char *user, size_t size)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	if (!valid_value(value))
		return 0;
	if (session_path(value, path, sizeof path) < 0)
		return -1;
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, user, size - 1);
	close(fd);
	if (n <= 0)
		return 0;
	user[n] = '\0';
	time_t now = time(NULL);
	if (now - st.st_mtime > HTTP_SESSION_LIFETIME) {
		unlink(path);
		return 0;
	}
	if (now - st.st_mtime > 60 && utimensat(AT_FDCWD, path, NULL,
						AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return 1;
}

int websession_end(const char *value)
{
	char path[PATH_MAX_POSTERN];
	if (!valid_value(value))
		return 0;
	if (session_path(value, path, sizeof path) < 0)
		return -1;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int websession_from_header(const char *cookies,
			   char value[WEBSESSION_TEXT_MAX])
{
	size_t name_len = strlen(WEBSESSION_COOKIE);
	const char *p = cookies;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t n = strcspn(p, ";");
		if (n > name_len && !strncmp(p, WEBSESSION_COOKIE, name_len) &&
		    p[name_len] == '=' && n - name_len - 1 < WEBSESSION_TEXT_MAX) {
			memcpy(value, p + name_len + 1, n - name_len - 1);
			value[n - name_len - 1] = '\0';
			return 1;
		}
		p += n;
	}
	return 0;
}
