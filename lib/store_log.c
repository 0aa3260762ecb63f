/* store_log.c - a folder's change log "postern-changes" beside its index
 * (store.h "THE CHANGE LOG"): flag changes and expunges are appended
 * there, one short fsynced write, instead of rewriting the whole index;
 * the log is folded into the index when it grows. */
#include "store_impl.h"
#include "bytes.h"
#include "fsutil.h"
#include "limits.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove entry i (an expunge replayed); the array stays in UID order. */
static void drop_entry(struct store_index *ix, struct store_entry *e)
{
	size_t i = (size_t)(e - ix->v);
	free(e->unique);
	free(e->file);
	memmove(e, e + 1, (ix->count - i - 1) * sizeof *e);
	ix->count--;
}

/* One record of the log; records at or below floor (the index's
 * HIGHESTMODSEQ) are in the index already. 0, or -1 (damaged). */
static int replay_line(struct store_index *ix, const char *line,
		       uint64_t floor)
{
	struct store_record r;
	if (store_record_parse(line, &r) < 0)
		return -1;
	struct store_entry *e = r.uid ? store_index_find(ix, r.uid) : NULL;
	switch (r.kind) {
	case 'w':       /* a size: true for as long as the file is */
		if (e)
			e->wire = r.octets;     /* none: expunged since */
		return 0;
	case 'l':       /* a listing: its mtimes tell if it holds */
	case 'L':
		ix->listed[0] = r.t[0];
		ix->listed[1] = r.t[1];
		ix->listed_provisional = r.kind == 'L';
		return 0;
	case 'x':
		if (r.uid >= ix->uidnext)
			return -1;
		if (r.modseq <= floor)
			return 0;
		if (e)
			drop_entry(ix, e);
		if (r.modseq > ix->highestmodseq)
			ix->highestmodseq = r.modseq;
		return store_index_push_expunge(ix, r.uid, r.modseq, r.unique);
	}
	if (r.modseq <= floor || !e)
		return 0;       /* folded, or expunged since */
	char *file = strdup(r.file);
	if (!file)
		return -1;
	free(e->file);
	e->file = file;
	e->modseq = r.modseq;
	if (r.modseq > ix->highestmodseq)
		ix->highestmodseq = r.modseq;
	return 0;
}

int store_log_replay(int dirfd, struct store_index *ix)
{
	struct bytes b;
	unsigned long validity;
	int n = 0;
	bytes_init(&b, STORE_INDEX_MAX);
	int fd = openat(dirfd, STORE_LOG_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ELOOP ? 0 : -1;
	int rc = fd_read_all(fd, &b);
	close(fd);
	/* a log of another index (one made anew: another UIDVALIDITY) or
	 * damaged at its start is not this index's: it goes at the next
	 * write */
	if (rc < 0 || !b.data || sscanf(b.data, "postern-changes 1 %lu\n%n",
					&validity, &n) != 1 || n == 0 ||
	    validity != ix->uidvalidity) {
		bytes_free(&b);
		return rc < 0 ? -1 : 0;
	}
	uint64_t floor = ix->highestmodseq;
	size_t at = (size_t)n;
	/* only whole lines: a crash in an append leaves a torn last line,
	 * which the next append cuts off (log_len) */
	for (char *nl; at < b.len && (nl = memchr(b.data + at, '\n',
						    b.len - at)); ) {
		*nl = '\0';
		if (replay_line(ix, b.data + at, floor) < 0)
			break;
		at = (size_t)(nl - b.data) + 1;
	}
	ix->log_len = at;
	bytes_free(&b);
	return 0;
}

/* The log's first line, when it has none yet. */
static int log_header(const struct store_index *ix, struct bytes *b)
{
	return ix->log_len ? 0 : bytes_appendf(b, "postern-changes 1 %lu\n",
					       (unsigned long)ix->uidvalidity);
}

/* "l SEC.NSEC SEC.NSEC", or "L" when provisional. */
static int listed_record(struct bytes *b, const struct timespec t[2],
			 int provisional)
{
	return bytes_appendf(b, "%c %lld.%09ld %lld.%09ld\n",
			     provisional ? 'L' : 'l',
			     (long long)t[0].tv_sec, t[0].tv_nsec,
			     (long long)t[1].tv_sec, t[1].tv_nsec);
}

/* The records of every change made since the index was read (and the
 * listing it left, when listed_new). */
static int records(const struct store_index *ix, struct bytes *b)
{
	int rc = log_header(ix, b);
	for (size_t i = 0; rc == 0 && i < ix->count; i++)
		if (ix->v[i].modseq > ix->read_modseq)
			rc = bytes_appendf(b, "m %lu %llu %llu %s\n",
					   (unsigned long)ix->v[i].uid,
					   (unsigned long long)ix->v[i].modseq,
					   (unsigned long long)ix->v[i].created,
					   ix->v[i].file);
	for (size_t i = 0; rc == 0 && i < ix->nexpunged; i++)
		if (ix->x[i].modseq > ix->read_modseq)
			rc = bytes_appendf(b, "x %lu %llu%s%s\n",
					   (unsigned long)ix->x[i].uid,
					   (unsigned long long)ix->x[i].modseq,
					   ix->x[i].unique ? " " : "",
					   ix->x[i].unique ? ix->x[i].unique : "");
	if (rc == 0 && ix->listed_new)
		rc = listed_record(b, ix->listed, ix->listed_provisional);
	return rc;
}

/* Append b to the log after its valid part (a torn tail is cut off),
 * durably when durable. 0 or -1. */
static int append(int dirfd, const struct store_index *ix,
		  const struct bytes *b, int durable)
{
	int fd = openat(dirfd, STORE_LOG_FILE, O_WRONLY | O_CREAT | O_NOFOLLOW |
			O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int rc = ftruncate(fd, (off_t)ix->log_len);
	if (durable)    /* a change's records, not a size or listing noted */
		store_kill_point("log-append");
	for (size_t done = 0; rc == 0 && done < b->len; ) {
		ssize_t w = pwrite(fd, b->data + done, b->len - done,
				   (off_t)(ix->log_len + done));
		if (w < 0 && errno != EINTR)
			rc = -1;
		done += w > 0 ? (size_t)w : 0;
	}
	if (rc == 0 && durable)
		rc = fdatasync(fd);
	if (close(fd) < 0)
		rc = -1;
	/* a new log's name must last too */
	if (rc == 0 && durable && ix->log_len == 0)
		rc = fsync(dirfd);
	return rc;
}

int store_log_commit(int dirfd, struct store_index *ix)
{
	struct bytes b;
	bytes_init(&b, STORE_INDEX_MAX);
	int rc = records(ix, &b);
	/* fold when the log outgrows a quarter of the index (replaying it
	 * then costs a quarter of a read) and its floor; a partial index
	 * (store_partial.c) is not the index: it only appends */
	if (rc == 0 && !ix->partial && ix->log_len + b.len > STORE_LOG_MIN &&
	    ix->log_len + b.len > ix->index_len / 4)
		rc = store_index_write(dirfd, ix, NULL);
	else if (rc == 0)
		rc = append(dirfd, ix, &b, 1);
	bytes_free(&b);
	return rc;
}

void store_log_remove(int dirfd)
{
	/* not synced: a log left behind holds only records the index
	 * has (all at or below its HIGHESTMODSEQ), which replay skips */
	unlinkat(dirfd, STORE_LOG_FILE, 0);
}

/* "w" records of sizes[k] for msgs[idx[k]] whose entry lacks one. */
static int wire_records(struct store_folder *f, struct store_index *ix,
			const size_t *idx, const long long *sizes, size_t n,
			struct bytes *b)
{
	size_t header = b->len;
	int rc = log_header(ix, b);
	size_t start = b->len;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		struct store_message *m = &f->msgs[idx[k]];
		struct store_entry *e = store_index_find(ix, m->uid);
		if (sizes[k] < 0 || !e || e->wire == sizes[k])
			continue;
		e->wire = sizes[k];
		m->size_crlf = sizes[k];
		rc = store_index_wire_record(b, e);
	}
	if (b->len == start)
		bytes_truncate(b, header);      /* nothing to say */
	return rc;
}

int store_set_sizes(struct store_folder *f, const size_t *idx,
		    const long long *sizes, size_t n)
{
	struct store_index ix;
	struct bytes b;
	if (f->mode & STORE_READONLY)
		return 0;
	int lock = store_lock(f->dirfd, STORE_LOCK_EXCLUSIVE);
	if (lock < 0)
		return -1;
	bytes_init(&b, STORE_INDEX_MAX);
	int rc = store_index_read(f->dirfd, &ix);
	if (rc == 0)
		rc = wire_records(f, &ix, idx, sizes, n, &b);
	/* a cache: not synced, and not written to a new index (r == 1) */
	if (rc == 0 && b.len)
		rc = append(f->dirfd, &ix, &b, 0);
	int e = errno;
	if (rc >= 0)
		store_index_free(&ix);
	bytes_free(&b);
	store_unlock(lock);
	errno = e;
	return rc < 0 ? -1 : 0;
}

int store_log_listed(int dirfd, struct store_index *ix,
		     const struct timespec t[2], int provisional)
{
	struct bytes b;
	bytes_init(&b, STORE_INDEX_MAX);
	int rc = log_header(ix, &b);
	if (rc == 0)
		rc = listed_record(&b, t, provisional);
	if (rc == 0)
		rc = append(dirfd, ix, &b, 0);
	if (rc == 0) {
		ix->listed[0] = t[0];
		ix->listed[1] = t[1];
		ix->listed_provisional = provisional;
		ix->log_len += b.len;
	}
	bytes_free(&b);
	return rc;
}
