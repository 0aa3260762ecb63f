/* journal.c - spool/state/ID.journal (journal.h, postern-spool(5)). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fsutil.h"
#include "journal.h"
#include "state.h"

#define JOURNAL_SUFFIX ".journal"

static const char *result_name(enum result r)
{
	return r == RESULT_SENT ? "sent" : r == RESULT_BOUNCED ? "bounced" :
	       r == RESULT_RELAYED ? "relayed" : "deferred";
}

static int parse_result(const char *s, enum result *out)
{
	*out = strcmp(s, "sent") == 0 ? RESULT_SENT :
	       strcmp(s, "bounced") == 0 ? RESULT_BOUNCED :
	       strcmp(s, "deferred") == 0 ? RESULT_DEFERRED :
	       strcmp(s, "relayed") == 0 ? RESULT_RELAYED : RESULT_NONE;
	return *out == RESULT_NONE ? -1 : 0;
}

int journal_format_result(struct bytes *b, long index, int attempt,
			  enum result result, const char *address,
			  const char *relay, const char *reply)
{
	return bytes_appendf(b, "result\t%ld\t%d\t%s\t%s\t%s\t%s\n", index, attempt,
			     result_name(result), address,
			     relay && relay[0] ? relay : "-", reply);
}

int journal_format_maildir(struct bytes *b, long index, int attempt,
			   const char *address, const char *dir,
			   const char *name)
{
	return bytes_appendf(b, "maildir\t%ld\t%d\t%s\t%s\t%s\n", index, attempt,
			     address, dir, name);
}

static int parse_number(const char *s, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int journal_parse_line(char *line, struct journal_entry *e)
{
	char *f[8];
	long index, attempt;
	size_t n = state_split_tabs(line, f, 8);
	memset(e, 0, sizeof *e);
	if (n < 6 || parse_number(f[1], ALIAS_EXPANSION_MAX, &index) < 0 ||
	    parse_number(f[2], 1000000, &attempt) < 0 || attempt < 1)
		return -1;
	e->index = index;
	e->attempt = (int)attempt;
	if (strcmp(f[0], "maildir") == 0 && n == 6 && f[3][0] && f[4][0] && f[5][0]) {
		e->maildir = 1;
		e->address = f[3];
		e->dir = f[4];
		e->name = f[5];
		return strchr(e->name, '/') ? -1 : 0;
	}
	if (strcmp(f[0], "result") != 0 || n != 7 || !f[4][0] ||
	    parse_result(f[3], &e->result) < 0)
		return -1;
	e->address = f[4];
	e->relay = strcmp(f[5], "-") ? f[5] : "";
	e->reply = f[6];
	return 0;
}

static int journal_path(struct spool *sp, const char *id, char *path, size_t size)
{
	char name[SPOOL_ID_MAX + sizeof JOURNAL_SUFFIX];
	if ((size_t)snprintf(name, sizeof name, "%s%s", id, JOURNAL_SUFFIX) >= sizeof name) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return spool_path(sp, "state", name, path, size);
}

int journal_append(struct spool *sp, const char *id, const char *lines,
		   size_t len, int sync)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	if (journal_path(sp, id, path, sizeof path) < 0)
		return -1;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int fresh = fstat(fd, &st) == 0 && st.st_size == 0;
	int rc = write_all(fd, lines, len);
	if (rc == 0 && sync)
		rc = fdatasync(fd);
	int e = errno;
	if (close(fd) < 0 && rc == 0)
		return -1;
	if (rc == 0 && sync && fresh)
		rc = fsync_parent(path);
	else
		errno = e;
	return rc;
}

/* Was the maildir entry e's file delivered: DIR/new/NAME, or moved on
 * to DIR/cur/NAME:FLAGS by a reader? */
static int delivered(const struct journal_entry *e)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	size_t n = strlen(e->name);
	if ((size_t)snprintf(path, sizeof path, "%s/new/%s", e->dir, e->name) < sizeof path &&
	    lstat(path, &st) == 0)
		return 1;
	if ((size_t)snprintf(path, sizeof path, "%s/cur", e->dir) >= sizeof path)
		return 0;
	DIR *d = opendir(path);
	struct dirent *de;
	int found = 0;
	while (d && !found && (de = readdir(d)))
		found = strncmp(de->d_name, e->name, n) == 0 && de->d_name[n] == ':';
	if (d)
		closedir(d);
	return found;
}

/* Is maildir entry m answered by a result entry after it? */
static int answered(const struct journal_entry *e, size_t count, size_t m)
{
	for (size_t i = m + 1; i < count; i++)
		if (!e[i].maildir && e[i].index == e[m].index &&
		    e[i].attempt == e[m].attempt)
			return 1;
	return 0;
}

/* Give fn the result entries in order, then a made-up result for each
 * maildir entry that no result answers but whose file was delivered. */
static void replay_entries(struct journal_entry *e, size_t count, journal_fn *fn,
			   void *ctx)
{
	char reply[STATE_REPLY_MAX];
	for (size_t i = 0; i < count; i++)
		if (!e[i].maildir)
			fn(ctx, &e[i]);
	for (size_t i = 0; i < count; i++) {
		if (!e[i].maildir || answered(e, count, i) || !delivered(&e[i]))
			continue;
		snprintf(reply, sizeof reply, "250 2.0.0 delivered to Maildir as %s "
			 "(found after a crash)", e[i].name);
		struct journal_entry found = e[i];
		found.maildir = 0;
		found.result = RESULT_SENT;
		found.relay = "local";
		found.reply = reply;
		fn(ctx, &found);
	}
}

/* Parse b's lines in place into *out. A cut last line (a write that
 * never finished) is dropped. Returns the count, or -1 (EINVAL: a line
 * that is not a journal line; ENOMEM). */
static long parse_all(struct bytes *b, struct journal_entry **out)
{
	size_t n = 0;
	for (size_t i = 0; i < b->len; i++)
		n += b->data[i] == '\n';
	struct journal_entry *e = calloc(n + 1, sizeof *e);
	*out = e;
	if (!e)
		return -1;
	char *p = b->data;
	for (size_t k = 0; k < n; k++) {
		char *nl = memchr(p, '\n', b->len - (size_t)(p - b->data));
		*nl = '\0';
		if (journal_parse_line(p, &e[k]) < 0) {
			errno = EINVAL;
			return -1;
		}
		p = nl + 1;
	}
	return (long)n;
}

int journal_replay(struct spool *sp, const char *id, journal_fn *fn, void *ctx)
{
	char path[PATH_MAX_POSTERN];
	struct bytes b;
	struct journal_entry *e = NULL;
	if (journal_path(sp, id, path, sizeof path) < 0)
		return -1;
	bytes_init(&b, JOURNAL_FILE_MAX);
	if (file_read_all(path, &b) < 0) {
		int err = errno;
		bytes_free(&b);
		errno = err;
		return err == ENOENT ? 0 : -1;
	}
	long count = b.len ? parse_all(&b, &e) : 0;
	int err = errno;
	if (count > 0)
		replay_entries(e, (size_t)count, fn, ctx);
	free(e);
	bytes_free(&b);
	errno = err;
	return count < 0 ? -1 : 0;
}

int journal_remove(struct spool *sp, const char *id)
{
	char path[PATH_MAX_POSTERN];
	if (journal_path(sp, id, path, sizeof path) < 0)
		return -1;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

int journal_file_id(const char *file, char *id, size_t size)
{
	size_t n = strlen(file), s = strlen(JOURNAL_SUFFIX);
	if (n <= s || strcmp(file + n - s, JOURNAL_SUFFIX) != 0 || n - s >= size)
		return 0;
	memcpy(id, file, n - s);
	id[n - s] = '\0';
	return 1;
}
