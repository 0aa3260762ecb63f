/* maildir.c - Maildir paths, names and delivery. */
#include "maildir.h"
#include "control.h"
#include "fsutil.h"
#include "limits.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

/* A path component that cannot climb out of its parent. */
static int safe_component(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < ' ' || s[i] == '/' || s[i] == 127)
			return 0;
	return 1;
}

static void lower_copy(char *dst, const char *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[n] = '\0';
}

int maildir_path(char *buf, size_t size, const char *mailroot,
		 const char *address)
{
	char root[PATH_MAX_POSTERN];
	char local[ADDRESS_LOCAL_MAX + 1], domain[ADDRESS_DOMAIN_MAX + 1];
	const char *at = strrchr(address, '@');
	if (!mailroot) {
		if (control_value("mailroot", root, sizeof root, "/var/vmail") < 0)
			return -1;
		mailroot = root;
	}
	size_t llen = at ? (size_t)(at - address) : 0;
	size_t dlen = at ? strlen(at + 1) : 0;
	if (!at || llen >= sizeof local || dlen >= sizeof domain ||
	    !safe_component(address, llen) || !safe_component(at + 1, dlen)) {
		errno = EINVAL;
		return -1;
	}
	lower_copy(local, address, llen);
	lower_copy(domain, at + 1, dlen);
	int n = snprintf(buf, size, "%s/%s/%s", mailroot, domain, local);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int maildir_create(const char *dir)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	char path[PATH_MAX_POSTERN];
	for (size_t i = 0; i < 3; i++) {
		int n = snprintf(path, sizeof path, "%s/%s", dir, subs[i]);
		if (n < 0 || (size_t)n >= sizeof path) {
			errno = ENAMETOOLONG;
			return -1;
		}
		if (mkdir(path, 0700) < 0 && errno != EEXIST && mkdir_p(path, 0700) < 0)
			return -1;
	}
	return 0;
}

/* This host's name with '/' and ':' encoded as the Maildir spec asks. */
static const char *maildir_host(void)
{
	static char host[256];
	if (host[0])
		return host;
	char raw[128];
	if (gethostname(raw, sizeof raw) < 0)
		snprintf(raw, sizeof raw, "localhost");
	raw[sizeof raw - 1] = '\0';
	size_t o = 0;
	for (const char *p = raw; *p && o + 5 < sizeof host; p++) {
		if (*p == '/' || *p == ':')
			o += (size_t)snprintf(host + o, sizeof host - o, "\\%03o", *p);
		else
			host[o++] = *p;
	}
	host[o] = '\0';
	return host;
}

int maildir_unique_name(char *buf, size_t size)
{
	static unsigned counter;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	int n = snprintf(buf, size, "%lld.M%06ldP%ld_%u.%s", (long long)tv.tv_sec,
			 (long)tv.tv_usec, (long)getpid(), counter++, maildir_host());
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* Copy fd from offset to its end into out. */
static int copy_from(int out, int fd, off_t offset)
{
	char buf[65536];
	for (;;) {
		ssize_t r = pread(fd, buf, sizeof buf, offset);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		if (write_all(out, buf, (size_t)r) < 0)
			return -1;
		offset += r;
	}
}

int maildir_deliver(const char *dir, const char *header, size_t header_len,
		    int fd, off_t offset, char *name, size_t size)
{
	char tmp[PATH_MAX_POSTERN], dst[PATH_MAX_POSTERN];
	if (maildir_unique_name(name, size) < 0 ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/tmp/%s", dir, name) >= sizeof tmp ||
	    (size_t)snprintf(dst, sizeof dst, "%s/new/%s", dir, name) >= sizeof dst) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int out = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		       0600);
	if (out < 0)
		return -1;
	if ((header && write_all(out, header, header_len) < 0) ||
	    copy_from(out, fd, offset) < 0) {
		int saved = errno;
		close(out);
		unlink(tmp);
		errno = saved;
		return -1;
	}
	return file_commit(out, AT_FDCWD, tmp, AT_FDCWD, dst);
}
