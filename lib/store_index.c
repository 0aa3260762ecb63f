#define _GNU_SOURCE     /* F_OFD_SETLK */
/* store_index.c - a folder's index file, its lock, and UIDVALIDITY
 * (store.h "THE INDEX", "LOCKING"). */
#include "store_impl.h"
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

int store_lock(int dirfd, enum store_lock_kind kind)
{
	int fd = openat(dirfd, STORE_LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW |
			O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	struct flock fl = {
		.l_type = kind == STORE_LOCK_SHARED ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
		/* byte 0 the folder, 1 POP3, 2 (ROOT only) UIDVALIDITY,
		 * 3 (ROOT only) maildirsize */
		.l_start = kind == STORE_LOCK_POP3 ? 1 :
			   kind == STORE_LOCK_VALIDITY ? 2 :
			   kind == STORE_LOCK_QUOTA ? 3 : 0,
		.l_len = 1,
	};
	int cmd = kind == STORE_LOCK_POP3 ? F_OFD_SETLK : F_OFD_SETLKW;
	while (fcntl(fd, cmd, &fl) < 0) {
		if (errno == EINTR)
			continue;
		int e = errno == EACCES ? EWOULDBLOCK : errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

void store_unlock(int fd)
{
	if (fd >= 0)
		close(fd);      /* an OFD lock goes with its descriptor */
}

void store_index_free(struct store_index *ix)
{
	for (size_t i = 0; i < ix->count; i++) {
		free(ix->v[i].unique);
		free(ix->v[i].file);
	}
	free(ix->v);
	for (size_t i = 0; i < ix->nexpunged; i++)
		free(ix->x[i].unique);
	free(ix->x);
	memset(ix, 0, sizeof *ix);
}

int store_index_push(struct store_index *ix, uint32_t uid, uint64_t modseq,
		     uint64_t created, const char *unique, char *file)
{
	if (ix->count == ix->cap) {
		size_t c = ix->cap ? ix->cap * 2 : 64;
		struct store_entry *v = realloc(ix->v, c * sizeof *v);
		if (!v)
			return -1;
		ix->v = v;
		ix->cap = c;
	}
	char *u = strdup(unique);
	if (!u)
		return -1;
	ix->v[ix->count++] = (struct store_entry){ uid, modseq, created, u,
						   file, 0, -1 };
	return 0;
}

void store_index_compact(struct store_index *ix)
{
	size_t w = 0;
	for (size_t i = 0; i < ix->count; i++) {
		if (ix->v[i].file)
			ix->v[w++] = ix->v[i];
		else
			free(ix->v[i].unique);
	}
	ix->count = w;
}

int store_index_push_expunge(struct store_index *ix, uint32_t uid,
			     uint64_t modseq, const char *unique)
{
	char *u = NULL;
	if (unique && !(u = strdup(unique)))
		return -1;
	if (ix->nexpunged == STORE_EXPUNGED_MAX) {
		/* forget the oldest; changes since before it are unknown */
		ix->floor = ix->x[0].modseq;
		free(ix->x[0].unique);
		memmove(ix->x, ix->x + 1, --ix->nexpunged * sizeof *ix->x);
	}
	if (ix->nexpunged == ix->capexpunged) {
		size_t c = ix->capexpunged ? ix->capexpunged * 2 : 16;
		struct store_expunge *x = realloc(ix->x, c * sizeof *x);
		if (!x) {
			free(u);
			return -1;
		}
		ix->x = x;
		ix->capexpunged = c;
	}
	ix->x[ix->nexpunged++] = (struct store_expunge){ uid, modseq, u };
	return 0;
}

int store_index_expunged(struct store_index *ix, uint32_t uid,
			 const char *unique)
{
	return store_index_push_expunge(ix, uid, ++ix->highestmodseq, unique);
}

/* A unique name as an "x" line may carry it: no '/', no blank, not
 * empty, not "." or "..". */
int store_index_good_unique(const char *u)
{
	return *u && *u != '.' && !strpbrk(u, "/ \t") &&
	       strlen(u) <= STORE_UNIQUE_MAX;
}

struct store_entry *store_index_find(const struct store_index *ix,
				     uint32_t uid)
{
	size_t lo = 0, hi = ix->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->count && ix->v[lo].uid == uid ? &ix->v[lo] : NULL;
}

int store_index_wire_record(struct bytes *b, const struct store_entry *e)
{
	if (e->wire < 0 || store_size_from_name(e->file) >= 0)
		return 0;
	return bytes_appendf(b, "w %lu %lld\n", (unsigned long)e->uid, e->wire);
}

/* A file name as the index may hold it: "cur/..." or "new/...", no
 * further '/', not empty. */
int store_index_good_file(const char *f)
{
	return (!strncmp(f, "cur/", 4) || !strncmp(f, "new/", 4)) && f[4] &&
	       f[4] != '.' && !strchr(f + 4, '/');
}

/* One "m", "x" or "w" line of the index. 0, or -1 (damaged). */
static int parse_line(struct store_index *ix, const char *line,
		      uint32_t *last)
{
	struct store_record r;
	if (store_record_parse(line, &r) < 0)
		return -1;
	if (r.kind == 'w') {
		struct store_entry *e = store_index_find(ix, r.uid);
		if (e)
			e->wire = r.octets;
		return 0;
	}
	if (r.kind == 'x' && r.uid < ix->uidnext &&
	    r.modseq <= ix->highestmodseq)
		return store_index_push_expunge(ix, r.uid, r.modseq, r.unique);
	if (r.kind != 'm' || r.uid <= *last || r.uid >= ix->uidnext ||
	    r.modseq > ix->highestmodseq || r.created > r.modseq)
		return -1;
	char unique[STORE_FILE_NAME_MAX + 1];
	size_t ulen = strcspn(r.file + 4, ":");
	if (ulen >= sizeof unique)
		return -1;
	memcpy(unique, r.file + 4, ulen);
	unique[ulen] = '\0';
	char *file = strdup(r.file);
	if (!file || store_index_push(ix, r.uid, r.modseq, r.created, unique,
				      file) < 0) {
		free(file);
		return -1;
	}
	*last = r.uid;
	return 0;
}

/* The header; *n set after it. 0, or -1 (damaged). */
static int parse_header(struct store_index *ix, const char *t, int *n)
{
	unsigned long validity, next;
	unsigned long long high, floor;
	char id[STORE_MAILBOXID_MAX + 1];
	if (sscanf(t, "postern-index 2 %lu %lu %llu %24s %llu%n", &validity,
		   &next, &high, id, &floor, n) != 5 || validity == 0 ||
	    validity > UINT32_MAX || next == 0 || next > UINT32_MAX ||
	    floor > high)
		return -1;
	ix->uidvalidity = (uint32_t)validity;
	ix->uidnext = (uint32_t)next;
	ix->highestmodseq = high;
	ix->floor = floor;
	snprintf(ix->mailboxid, sizeof ix->mailboxid, "%s", id);
	const char *p = t + *n;
	if (*p == ' ' && store_record_stamps(&p, ix->listed) == 0)
		*n = (int)(p - t);
	return t[(*n)++] == '\n' ? 0 : -1;
}

/* imapd's old "postern-uidlist 1 VALIDITY NEXT ...": its UIDs are kept
 * (the files are matched by the sync). 0 taken over, -1 none. */
static int take_over_old(int dirfd, struct store_index *ix)
{
	struct bytes b;
	unsigned long validity, next;
	int n = 0, rc = -1;
	bytes_init(&b, STORE_INDEX_MAX);
	int fd = openat(dirfd, STORE_OLD_INDEX_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0 || fd_read_all(fd, &b) < 0 || !b.data ||
	    sscanf(b.data, "postern-uidlist 1 %lu %lu%n", &validity, &next,
		   &n) != 2 || validity == 0 || validity > UINT32_MAX ||
	    next == 0 || next > UINT32_MAX)
		goto out;
	ix->uidvalidity = (uint32_t)validity;
	ix->uidnext = (uint32_t)next;
	ix->highestmodseq = 1;
	store_new_mailboxid(ix->uidvalidity, ix->mailboxid);
	char *save, *line, *body = strchr(b.data, '\n');
	uint32_t last = 0;
	for (line = body ? strtok_r(body, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *end, *sp;
		unsigned long uid = strtoul(line, &end, 10);
		if (*end != ' ' || uid <= last || uid >= next)
			continue;
		if ((sp = strchr(end + 1, ' ')))
			*sp = '\0';
		if (!end[1] || strchr(end + 1, '/') || strchr(end + 1, ':'))
			continue;
		if (store_index_push(ix, (uint32_t)uid, 1, 1, end + 1, NULL) < 0)
			goto out;
		last = (uint32_t)uid;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	bytes_free(&b);
	return rc;
}

int store_index_read(int dirfd, struct store_index *ix)
{
	struct bytes b;
	int n = 0;
	memset(ix, 0, sizeof *ix);
	bytes_init(&b, STORE_INDEX_MAX);
	int fd = openat(dirfd, STORE_INDEX_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	/* ELOOP: a symlink in its place is not followed; a new index
	 * replaces it (the rename takes the link's name, not its target) */
	if (fd < 0 && errno != ENOENT && errno != ELOOP) {
		bytes_free(&b);
		return -1;
	}
	int ok = fd >= 0 && fd_read_all(fd, &b) == 0 && b.data &&
		 parse_header(ix, b.data, &n) == 0;
	if (fd >= 0)
		close(fd);
	uint32_t last = 0;
	char *save;
	for (char *line = ok ? strtok_r(b.data + n, "\n", &save) : NULL;
	     ok && line; line = strtok_r(NULL, "\n", &save))
		ok = parse_line(ix, line, &last) == 0;
	ix->index_len = b.len;
	bytes_free(&b);
	if (ok && store_log_replay(dirfd, ix) < 0) {
		store_index_free(ix);
		return -1;
	}
	ix->read_modseq = ix->highestmodseq;
	if (ok)
		return 0;
	store_index_free(ix);
	if (take_over_old(dirfd, ix) == 0)
		return 1;
	store_index_free(ix);
	ix->uidnext = 1;        /* a new index: uidvalidity 0 to be given */
	return 1;
}

int store_index_write(int dirfd, struct store_index *ix,
		      const struct timespec *stamps)
{
	struct bytes b;
	bytes_init(&b, STORE_INDEX_MAX);
	int rc = bytes_appendf(&b, "postern-index 2 %lu %lu %llu %s %llu",
			       (unsigned long)ix->uidvalidity,
			       (unsigned long)ix->uidnext,
			       (unsigned long long)ix->highestmodseq,
			       ix->mailboxid, (unsigned long long)ix->floor);
	if (rc == 0 && stamps)
		rc = bytes_appendf(&b, " %lld.%09ld %lld.%09ld",
				   (long long)stamps[0].tv_sec, stamps[0].tv_nsec,
				   (long long)stamps[1].tv_sec, stamps[1].tv_nsec);
	if (rc == 0)
		rc = bytes_append_char(&b, '\n');
	for (size_t i = 0; rc == 0 && i < ix->count; i++) {
		rc = bytes_appendf(&b, "m %lu %llu %llu %s\n",
				   (unsigned long)ix->v[i].uid,
				   (unsigned long long)ix->v[i].modseq,
				   (unsigned long long)ix->v[i].created,
				   ix->v[i].file);
		if (rc == 0)
			rc = store_index_wire_record(&b, &ix->v[i]);
	}
	for (size_t i = 0; rc == 0 && i < ix->nexpunged; i++)
		rc = bytes_appendf(&b, "x %lu %llu%s%s\n",
				   (unsigned long)ix->x[i].uid,
				   (unsigned long long)ix->x[i].modseq,
				   ix->x[i].unique ? " " : "",
				   ix->x[i].unique ? ix->x[i].unique : "");
	if (rc == 0)
		rc = file_write_atomic_at(dirfd, STORE_INDEX_FILE, b.data,
					  b.len, 0600);
	if (rc == 0) {
		store_log_remove(dirfd);
		ix->listed[0] = stamps ? stamps[0] : (struct timespec){ 0, 0 };
		ix->listed[1] = stamps ? stamps[1] : (struct timespec){ 0, 0 };
		ix->listed_provisional = 0;
		ix->listed_new = 0;
		ix->read_modseq = ix->highestmodseq;
		ix->index_len = b.len;
		ix->log_len = 0;
	}
	bytes_free(&b);
	return rc;
}

uint32_t store_new_uidvalidity(int rootfd)
{
	char buf[32];
	unsigned long last = 0;
	int lock = store_lock(rootfd, STORE_LOCK_VALIDITY);
	if (lock < 0)
		return 0;
	int fd = openat(rootfd, STORE_VALIDITY_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd >= 0) {
		ssize_t r = read(fd, buf, sizeof buf - 1);
		buf[r > 0 ? r : 0] = '\0';
		last = strtoul(buf, NULL, 10);
		close(fd);
	}
	/* RFC 3501 §2.3.1.1: never the same value for a name again, even
	 * for a folder deleted and made again within one second */
	unsigned long now = (unsigned long)time(NULL);
	unsigned long v = now > last ? now : last + 1;
	if (v > UINT32_MAX || v == 0)
		v = 1;
	int n = snprintf(buf, sizeof buf, "%lu\n", v);
	if (file_write_atomic_at(rootfd, STORE_VALIDITY_FILE, buf, (size_t)n,
				 0600) < 0)
		v = 0;
	store_unlock(lock);
	return (uint32_t)v;
}

void store_new_mailboxid(uint32_t uidvalidity, char *buf)
{
	static unsigned counter;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	/* RFC 8474 objectid: unique for the Maildir's life, made of the
	 * UIDVALIDITY (unique per Maildir), the time and the process */
	snprintf(buf, STORE_MAILBOXID_MAX + 1, "F%08lx%06lx%04x%x",
		 (unsigned long)uidvalidity,
		 (unsigned long)(t.tv_nsec / 1000) & 0xffffff,
		 (unsigned)getpid() & 0xffff, counter++ & 0xf);
}

int store_dir_stamps(int dirfd, struct timespec t[2])
{
	struct stat st;
	for (int i = 0; i < 2; i++) {
		if (fstatat(dirfd, i ? "new" : "cur", &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -1;
		t[i] = st.st_mtim;
	}
	return 0;
}

int store_stamps_equal(const struct timespec *a, const struct timespec *b)
{
	return a[0].tv_sec == b[0].tv_sec && a[0].tv_nsec == b[0].tv_nsec &&
	       a[1].tv_sec == b[1].tv_sec && a[1].tv_nsec == b[1].tv_nsec;
}

/* STORE_SETTLE_MS; test builds (POSTERN_FAULTS) take $POSTERN_SETTLE_MS,
 * so that a test can hold a provisional listing or see it settle. */
static long long settle_ms(void)
{
#ifdef POSTERN_FAULTS
	const char *v = getenv("POSTERN_SETTLE_MS");
	if (v && *v)
		return atoll(v);
#endif
	return STORE_SETTLE_MS;
}

int store_settled(const struct timespec *t)
{
	struct timespec now;
	if (clock_gettime(CLOCK_REALTIME, &now) < 0)
		return 0;
	long long ms = (long long)(now.tv_sec - t->tv_sec) * 1000 +
		       (now.tv_nsec - t->tv_nsec) / 1000000;
	/* whole seconds: a file system with 1 s times (or a touch) */
	return ms > (t->tv_nsec == 0 ? 2000 : settle_ms());
}

int store_listing_holds(const struct timespec t[2], int provisional,
			const struct timespec now[2])
{
	if (!t[0].tv_sec || !store_stamps_equal(t, now))
		return 0;
	/* a provisional listing may miss a change made in the same clock
	 * tick after it was taken: it holds only until the mtimes settle */
	return !provisional || !store_settled(&now[0]) ||
	       !store_settled(&now[1]);
}
