/* maildirsize.c - the Maildir++ quota file (maildirsize.h). */
#include "maildirsize.h"
#include "bytes.h"
#include "fsutil.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int maildir_quota_equal(const struct maildir_quota *a,
			const struct maildir_quota *b)
{
	return a->octets == b->octets && a->messages == b->messages;
}

/* The definition "NNNS,MMMC" (either part may be missing; Courier's
 * other letters are not ours to enforce and make it damaged). 0 or -1. */
static int parse_definition(const char *p, const char *end,
			    struct maildir_quota *q)
{
	memset(q, 0, sizeof *q);
	while (p < end) {
		char *stop;
		if (*p < '0' || *p > '9')
			return -1;
		errno = 0;
		unsigned long long v = strtoull(p, &stop, 10);
		if (errno || stop >= end || (*stop != 'S' && *stop != 'C'))
			return -1;
		*(*stop == 'S' ? &q->octets : &q->messages) = v;
		p = stop + 1;
		if (p < end && *p++ != ',')
			return -1;
	}
	return 0;
}

/* A line "OCTETS MESSAGES" (signed, blank-padded) added to m. 0 or -1. */
static int parse_change(const char *p, const char *end,
			struct maildirsize *m)
{
	char line[128], *stop;
	if ((size_t)(end - p) >= sizeof line)
		return -1;
	memcpy(line, p, (size_t)(end - p));
	line[end - p] = '\0';
	errno = 0;
	long long octets = strtoll(line, &stop, 10);
	if (stop == line || errno)
		return -1;
	char *second = stop;
	long long messages = strtoll(second, &stop, 10);
	if (stop == second || errno || stop[strspn(stop, " \t")])
		return -1;
	m->octets += octets;
	m->messages += messages;
	return 0;
}

static void parse_file(const struct bytes *b, struct maildirsize *m)
{
	const char *p = b->data, *end = b->data + b->len;
	int first = 1;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl) {
			m->damaged = 1;         /* a torn last line */
			return;
		}
		if (first ? parse_definition(p, nl, &m->quota) < 0 :
		    parse_change(p, nl, m) < 0)
			m->damaged = 1;
		first = 0;
		p = nl + 1;
	}
	if (first)
		m->damaged = 1;                 /* empty */
}

int maildirsize_read(int rootfd, struct maildirsize *m)
{
	struct stat st;
	struct bytes b;
	memset(m, 0, sizeof *m);
	int fd = openat(rootfd, MAILDIRSIZE_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &st) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	m->file_size = (long long)st.st_size;
	m->mtime = st.st_mtime;
	/* a file past the limit is recalculated: its lines are not needed */
	bytes_init(&b, 4 * MAILDIRSIZE_MAX);
	int rc = fd_read_all(fd, &b);
	int e = errno;
	close(fd);
	if (rc == 0)
		parse_file(&b, m);
	else if (e == E2BIG)
		m->damaged = 1;
	bytes_free(&b);
	if (rc < 0 && e != E2BIG) {
		errno = e;
		return -1;
	}
	return 1;
}

int maildirsize_stale(const struct maildirsize *m,
		      const struct maildir_quota *q, time_t now)
{
	if (m->damaged || m->file_size > MAILDIRSIZE_MAX ||
	    !maildir_quota_equal(&m->quota, q) || m->octets < 0 ||
	    m->messages < 0)
		return 1;
	int over = (q->octets && (uint64_t)m->octets > q->octets) ||
		   (q->messages && (uint64_t)m->messages > q->messages);
	return over && now - m->mtime >= MAILDIRSIZE_RECHECK;
}

/* The definition line of q into b. */
static int format_definition(struct bytes *b, const struct maildir_quota *q)
{
	int rc = 0;
	if (q->octets)
		rc = bytes_appendf(b, "%" PRIu64 "S", q->octets);
	if (rc == 0 && q->messages)
		rc = bytes_appendf(b, "%s%" PRIu64 "C", q->octets ? "," : "",
				   q->messages);
	if (rc == 0 && !q->octets && !q->messages)
		rc = bytes_append_str(b, "0S");  /* 0: no limit (Courier) */
	return rc;
}

int maildirsize_write(int rootfd, const struct maildir_quota *q,
		      int64_t octets, int64_t messages)
{
	struct bytes b;
	bytes_init(&b, 256);
	int rc = format_definition(&b, q) < 0 ||
		 bytes_appendf(&b, "\n%" PRId64 " %" PRId64 "\n", octets,
			       messages) < 0 ? -1 :
		 file_write_atomic_at(rootfd, MAILDIRSIZE_FILE, b.data, b.len,
				      0600);
	int e = errno;
	bytes_free(&b);
	errno = e;
	return rc;
}

int maildirsize_append(int rootfd, int64_t octets, int64_t messages)
{
	char line[64];
	int n = snprintf(line, sizeof line, "%" PRId64 " %" PRId64 "\n",
			 octets, messages);
	int fd = openat(rootfd, MAILDIRSIZE_FILE, O_WRONLY | O_APPEND |
			O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	/* one write: O_APPEND keeps concurrent lines whole */
	ssize_t w = write(fd, line, (size_t)n);
	int e = errno;
	close(fd);
	if (w != n) {
		errno = w < 0 ? e : EIO;
		return -1;
	}
	return 0;
}
