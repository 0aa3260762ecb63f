/* mailbox.c - a Maildir as one POP3 session sees it: see mailbox.h. */
#include "mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "fsutil.h"
#include "log.h"
#include "maildir.h"
#include "sizecache.h"
#include "stream.h"

/* The lock file in the Maildir's top directory. Maildir readers look
 * only in cur/ new/ tmp/ and at Maildir++ folders (directories whose
 * names start with '.'); a name without the dot can never clash with a
 * folder (".pop3.lock" would be the folder "pop3.lock"). Like imapd's
 * "postern-uidlist". */
#define LOCK_NAME "postern-pop3.lock"

void mailbox_init(struct mailbox *mb)
{
	memset(mb, 0, sizeof *mb);
	mb->lock_fd = -1;
	bytes_init(&mb->names, (size_t)POP3_MESSAGES_MAX * (POP3_FILE_NAME_MAX + 1));
}

const char *mailbox_file_name(const struct mailbox *mb, size_t i)
{
	return mb->names.data + mb->messages[i].name;
}

/* dir/sub/name into buf. 0, or -1 (ENAMETOOLONG). */
static int path_in(char *buf, size_t size, const char *dir, const char *sub,
		   const char *name)
{
	int n = snprintf(buf, size, "%s/%s%s%s", dir, sub, *name ? "/" : "", name);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Take the exclusive lock. MAILBOX_OK, MAILBOX_IN_USE or MAILBOX_ERROR. */
static enum mailbox_status lock_take(struct mailbox *mb)
{
	char path[PATH_MAX_POSTERN];

	if (path_in(path, sizeof path, mb->dir, LOCK_NAME, "") < 0)
		return MAILBOX_ERROR;
	mb->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (mb->lock_fd < 0)
		return MAILBOX_ERROR;
	if (flock(mb->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return MAILBOX_OK;
	return errno == EWOULDBLOCK ? MAILBOX_IN_USE : MAILBOX_ERROR;
}

/* Is the entry a message file (not ".", "..", a hidden file or a
 * directory)? */
static int message_entry(const struct dirent *de)
{
	return de->d_name[0] != '.' && strlen(de->d_name) <= POP3_FILE_NAME_MAX &&
	       (de->d_type == DT_REG || de->d_type == DT_UNKNOWN);
}

/* Move one file new/name to cur/name:2, (keeping an info part it has).
 * 1 moved, 0 gone meanwhile (another reader took it), -1 error. */
static int move_one(const char *dir, const char *name)
{
	char from[PATH_MAX_POSTERN], to[PATH_MAX_POSTERN];
	char curname[POP3_FILE_NAME_MAX + 4];
	int n = snprintf(curname, sizeof curname, "%s%s", name,
			 strchr(name, ':') ? "" : ":2,");

	if (n < 0 || n > POP3_FILE_NAME_MAX)
		return 0;       /* cannot be named in cur/: leave it */
	if (path_in(from, sizeof from, dir, "new", name) < 0 ||
	    path_in(to, sizeof to, dir, "cur", curname) < 0)
		return -1;
	if (rename(from, to) == 0)
		return 1;
	return errno == ENOENT ? 0 : -1;
}

/* Move everything in new/ into cur/, then make the moves durable. */
static int move_new(const char *dir)
{
	char path[PATH_MAX_POSTERN];
	struct dirent *de;
	DIR *d;
	int moved = 0, r = 0;

	if (path_in(path, sizeof path, dir, "new", "") < 0 ||
	    (d = opendir(path)) == NULL)
		return -1;
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		int m;

		if (!message_entry(de))
			continue;
		m = move_one(dir, de->d_name);
		if (m < 0)
			r = -1;
		moved += m > 0;
	}
	if (r == 0 && errno != 0)
		r = -1;
	if (closedir(d) < 0)
		r = -1;
	if (moved > 0) {
		char cur[PATH_MAX_POSTERN];

		if (path_in(cur, sizeof cur, dir, "cur", "") < 0 ||
		    fsync_dir(cur) < 0 || fsync_dir(path) < 0)
			r = -1;
	}
	return r;
}

/* A size cached in the name by Dovecot's convention: ",W=" is the size
 * with CRLF line ends (",S=" is the stored LF size: not what we send). */
static int cached_size(const char *name, uint64_t *size)
{
	size_t base = strcspn(name, ":");
	const char *w = strstr(name, ",W=");
	char *end;

	if (w == NULL || (size_t)(w - name) >= base || w[3] < '0' || w[3] > '9')
		return 0;
	errno = 0;
	*size = strtoull(w + 3, &end, 10);
	if (errno != 0 || (*end != ',' && *end != ':' && *end != '\0'))
		return 0;
	return 1;
}

/* Add a name to the list. 0, or -1 (ENOMEM, or E2BIG past the cap). */
static int list_add(struct mailbox *mb, const char *name)
{
	struct message *m;

	if (mb->count >= POP3_MESSAGES_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (mb->count == mb->alloc) {
		size_t alloc = mb->alloc ? mb->alloc * 2 : 64;
		struct message *p = realloc(mb->messages, alloc * sizeof *p);

		if (p == NULL)
			return -1;
		mb->messages = p;
		mb->alloc = alloc;
	}
	m = &mb->messages[mb->count];
	m->name = mb->names.len;
	m->flags = cached_size(name, &m->size) ? MESSAGE_SIZE_KNOWN : 0;
	if (bytes_append(&mb->names, name, strlen(name) + 1) < 0)
		return -1;
	mb->count++;
	return 0;
}

/* Delivery order: Maildir names start with the delivery time in seconds;
 * the whole name breaks ties. qsort has no context argument. */
static const char *sort_names;

static int by_delivery(const void *a, const void *b)
{
	const char *x = sort_names + ((const struct message *)a)->name;
	const char *y = sort_names + ((const struct message *)b)->name;
	unsigned long long tx = strtoull(x, NULL, 10);
	unsigned long long ty = strtoull(y, NULL, 10);

	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(x, y);
}

/* List cur/. 0, or -1 with errno. */
static int list_cur(struct mailbox *mb)
{
	char path[PATH_MAX_POSTERN];
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (path_in(path, sizeof path, mb->dir, "cur", "") < 0 ||
	    (d = opendir(path)) == NULL)
		return -1;
	while (r == 0 && (errno = 0, de = readdir(d)) != NULL) {
		if (!message_entry(de))
			continue;
		if (mb->count == POP3_MESSAGES_MAX) {
			/* Serve what fits; the rest comes once these are gone. */
			log_event("event=mailbox-truncated listed=%zu", mb->count);
			errno = 0;
			break;
		}
		if (list_add(mb, de->d_name) < 0)
			r = -1;
	}
	if (r == 0 && errno != 0)
		r = -1;
	if (closedir(d) < 0)
		r = -1;
	if (r == 0 && mb->count > 1) {
		sort_names = mb->names.data;
		qsort(mb->messages, mb->count, sizeof *mb->messages, by_delivery);
	}
	return r;
}

enum mailbox_status mailbox_open(struct mailbox *mb, const char *dir)
{
	enum mailbox_status st;
	int n = snprintf(mb->dir, sizeof mb->dir, "%s", dir);

	if (n < 0 || (size_t)n >= sizeof mb->dir) {
		errno = ENAMETOOLONG;
		return MAILBOX_ERROR;
	}
	if (maildir_create(mb->dir) < 0)
		return MAILBOX_ERROR;
	st = lock_take(mb);
	if (st == MAILBOX_OK && (move_new(mb->dir) < 0 || list_cur(mb) < 0))
		st = MAILBOX_ERROR;
	if (st == MAILBOX_OK)
		size_cache_load(mb);
	if (st != MAILBOX_OK) {
		int saved = errno;

		mailbox_close(mb);
		errno = saved;
	}
	return st;
}

int mailbox_relocate(struct mailbox *mb, size_t i)
{
	char path[PATH_MAX_POSTERN], found[POP3_FILE_NAME_MAX + 1] = "";
	const char *old = mailbox_file_name(mb, i);
	size_t base = strcspn(old, ":");
	struct dirent *de;
	DIR *d;

	if (path_in(path, sizeof path, mb->dir, "cur", "") < 0 ||
	    (d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, old, base) == 0 &&
		    (de->d_name[base] == ':' || de->d_name[base] == '\0') &&
		    message_entry(de)) {
			snprintf(found, sizeof found, "%s", de->d_name);
			break;
		}
	}
	if (closedir(d) < 0 || found[0] == '\0') {
		errno = found[0] ? errno : ENOENT;
		return -1;
	}
	return mailbox_file_renamed(mb, i, found);
}

int mailbox_file_renamed(struct mailbox *mb, size_t i, const char *name)
{
	size_t at = mb->names.len;

	if (bytes_append(&mb->names, name, strlen(name) + 1) < 0)
		return -1;
	mb->messages[i].name = at;
	return 0;
}

int mailbox_cur_path(const struct mailbox *mb, const char *name, char *buf,
		     size_t size)
{
	return path_in(buf, size, mb->dir, "cur", name);
}

int mailbox_message_open(struct mailbox *mb, size_t i)
{
	char path[PATH_MAX_POSTERN];
	int fd, tries;

	for (tries = 0; tries < 2; tries++) {
		if (mailbox_cur_path(mb, mailbox_file_name(mb, i), path, sizeof path) < 0)
			return -1;
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0 || errno != ENOENT || tries > 0)
			return fd;
		if (mailbox_relocate(mb, i) < 0)
			return -1;
	}
	return -1;
}

int mailbox_message_size_fd(struct mailbox *mb, size_t i, int fd,
			    uint64_t *size)
{
	struct message *m = &mb->messages[i];

	if (!(m->flags & MESSAGE_SIZE_KNOWN)) {
		if (message_stream(fd, NULL, -1, &m->size) < 0 ||
		    lseek(fd, 0, SEEK_SET) < 0)
			return -1;
		m->flags |= MESSAGE_SIZE_KNOWN;
		mb->cache_dirty = 1;
	}
	*size = m->size;
	return 0;
}

int mailbox_message_size(struct mailbox *mb, size_t i, uint64_t *size)
{
	int fd, r, saved;

	if (mb->messages[i].flags & MESSAGE_SIZE_KNOWN) {
		*size = mb->messages[i].size;
		return 0;
	}
	fd = mailbox_message_open(mb, i);
	if (fd < 0)
		return -1;
	r = mailbox_message_size_fd(mb, i, fd, size);
	saved = errno;
	if (close(fd) < 0 && r == 0)
		return -1;
	errno = saved;
	return r;
}

/* FNV-1a, 64 bits, from a given offset basis. */
static uint64_t fnv1a(const char *s, size_t n, uint64_t h)
{
	while (n-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

const char *mailbox_unique_id(const struct mailbox *mb, size_t i, char *buf)
{
	const char *name = mailbox_file_name(mb, i);
	size_t n = strcspn(name, ":"), k;
	int ok = n >= 1 && n <= POP3_UNIQUE_ID_MAX;

	for (k = 0; ok && k < n; k++)
		ok = name[k] >= 0x21 && name[k] <= 0x7e;
	if (ok) {
		memcpy(buf, name, n);
		buf[n] = '\0';
		return buf;
	}
	snprintf(buf, POP3_UNIQUE_ID_MAX + 1, "H%016" PRIx64 "%016" PRIx64,
		 fnv1a(name, n, 0xcbf29ce484222325ULL),
		 fnv1a(name, n, 0x84222325cbf29ce4ULL));
	return buf;
}

void mailbox_close(struct mailbox *mb)
{
	if (mb->lock_fd >= 0) {
		if (size_cache_save(mb) < 0)
			log_event("event=size-cache-failed errno=%d", errno);
		if (close(mb->lock_fd) < 0)     /* releases the flock */
			log_event("event=unlock-failed errno=%d", errno);
	}
	free(mb->messages);
	bytes_free(&mb->names);
	mailbox_init(mb);
}
