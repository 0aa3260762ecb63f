/* store_folder.c - the Maildir and a session's view of a folder
 * (store.h "a folder view"). */
#include "store_impl.h"
#include "fsutil.h"
#include "limits.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a view keeps of the folder as last looked at (poll). */
struct view_priv {
	struct timespec seen[5];        /* cur/ new/ index keywords log */
	int pop3_lock;                  /* -1 or the POP3 session lock */
	struct store_mark mark;         /* what the view last caught up with */
};

struct store_mark *store_view_mark(struct store_folder *f)
{
	return &((struct view_priv *)f->priv)->mark;
}

int store_open(struct store *st, const char *root)
{
	memset(&st->quota, 0, sizeof st->quota);        /* none */
	int n = snprintf(st->root, sizeof st->root, "%s", root);
	if (n < 0 || (size_t)n >= sizeof st->root) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* DESIGN.md: a missing Maildir is made on use; a symlink is not
	 * followed (a user must not point the server elsewhere) */
	struct stat ls;
	if (lstat(root, &ls) < 0 && (errno != ENOENT || mkdir_p(root, 0700) < 0))
		return -1;
	st->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->rootfd < 0)
		return -1;
	static const char *const subs[] = { "cur", "new", "tmp" };
	for (int i = 0; i < 3; i++)
		if (mkdirat(st->rootfd, subs[i], 0700) < 0 && errno != EEXIST) {
			int e = errno;
			close(st->rootfd);
			errno = e;
			return -1;
		}
	return 0;
}

void store_close(struct store *st)
{
	if (st->rootfd >= 0)
		close(st->rootfd);
	st->rootfd = -1;
}

/* cur/ new/ tmp/ of the folder at fd: made when missing (DESIGN.md),
 * refused (ELOOP) when one is a symlink or not a directory. 0 or -1. */
static int subdirs(int fd)
{
	static const char *const subs[] = { "cur", "new", "tmp" };
	struct stat st;
	for (int i = 0; i < 3; i++) {
		if (mkdirat(fd, subs[i], 0700) == 0)
			continue;
		if (errno != EEXIST ||
		    fstatat(fd, subs[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			return -1;
		if (!S_ISDIR(st.st_mode)) {
			errno = ELOOP;
			return -1;
		}
	}
	return 0;
}

int store_folder_dirfd(int rootfd, const char *name)
{
	char rel[PATH_MAX_POSTERN];
	int n = snprintf(rel, sizeof rel, ".%s", name);
	if (strcasecmp(name, "INBOX") && (n < 0 || (size_t)n >= sizeof rel ||
	    strchr(name, '/') || name[0] == '.' || !name[0])) {
		errno = EINVAL;
		return -1;
	}
	/* RFC 3501 §5.1: INBOX in any case is the Maildir itself */
	int fd = openat(rootfd, strcasecmp(name, "INBOX") ? rel : ".",
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && subdirs(fd) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The mtimes poll compares. */
static void note_stamps(struct store_folder *f, struct timespec t[5])
{
	static const char *const names[5] = { "cur", "new", STORE_INDEX_FILE,
		STORE_KEYWORDS_FILE, STORE_LOG_FILE };
	struct stat st;
	for (int i = 0; i < 5; i++)
		t[i] = fstatat(f->dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 ?
		       st.st_mtim : (struct timespec){ 0, 0 };
}

void store_view_note(struct store_folder *f)
{
	note_stamps(f, ((struct view_priv *)f->priv)->seen);
}

int store_folder_poll(struct store_folder *f)
{
	struct view_priv *p = f->priv;
	struct timespec t[5];
	/* a provisional listing settled: to be confirmed (store_view_fast.c) */
	if (p->mark.known && p->mark.listed_provisional &&
	    store_settled(&p->mark.listed[0]) &&
	    store_settled(&p->mark.listed[1]))
		return 1;
	note_stamps(f, t);
	for (int i = 0; i < 5; i++)
		if (t[i].tv_sec != p->seen[i].tv_sec ||
		    t[i].tv_nsec != p->seen[i].tv_nsec ||
		    (t[i].tv_sec && !store_settled(&t[i])))
			return 1;
	return 0;
}

/* m from entry e (whose strings it takes). */
static void message_take(struct store_message *m, struct store_entry *e)
{
	memset(m, 0, sizeof *m);
	m->uid = e->uid;
	m->modseq = e->modseq;
	m->created = e->created;
	m->flags = store_flags_from_name(e->file);
	m->recent = e->recent;
	m->unique = e->unique;
	m->file = e->file;
	m->size_lf = store_lf_size_from_name(e->file);
	m->size_crlf = store_size_from_name(e->file);
	if (m->size_crlf < 0)
		m->size_crlf = e->wire;
	e->unique = e->file = NULL;
}

static int sync_flags(const struct store_folder *f)
{
	return (f->mode & STORE_TAKE_NEW) && !(f->mode & STORE_READONLY) ?
	       STORE_SYNC_MOVE_NEW : 0;
}

static void take_header(struct store_folder *f, const struct store_index *ix)
{
	f->uidvalidity = ix->uidvalidity;
	f->uidnext = ix->uidnext;
	f->highestmodseq = ix->highestmodseq;
	snprintf(f->mailboxid, sizeof f->mailboxid, "%s", ix->mailboxid);
}

/* The view's first load. 0 or -1. */
static int view_load(struct store_folder *f)
{
	struct view_priv *p = f->priv;
	struct store_index ix;
	note_stamps(f, p->seen);
	if (store_keywords_read(f->dirfd, &f->kw) < 0 ||
	    store_sync(f->store->rootfd, f->dirfd, sync_flags(f), NULL, 0,
		       &ix) < 0)
		return -1;
	f->msgs = calloc(ix.count ? ix.count : 1, sizeof *f->msgs);
	if (!f->msgs) {
		store_index_free(&ix);
		return -1;
	}
	for (size_t i = 0; i < ix.count; i++)
		message_take(&f->msgs[i], &ix.v[i]);
	f->count = ix.count;
	take_header(f, &ix);
	p->mark = ix.mark;
	store_index_free(&ix);
	return 0;
}

struct store_folder *store_folder_open(struct store *st, const char *name,
				       int mode)
{
	struct store_folder *f = calloc(1, sizeof *f);
	struct view_priv *p = calloc(1, sizeof *p);
	if (!f || !p || snprintf(f->name, sizeof f->name, "%s", name) >=
	    (int)sizeof f->name) {
		free(f);
		free(p);
		errno = ENOMEM;
		return NULL;
	}
	f->store = st;
	f->mode = mode;
	f->priv = p;
	p->pop3_lock = -1;
	f->dirfd = store_folder_dirfd(st->rootfd, name);
	if (f->dirfd < 0 || ((mode & STORE_POP3) &&
	    (p->pop3_lock = store_lock(f->dirfd, STORE_LOCK_POP3)) < 0) ||
	    view_load(f) < 0) {
		int e = errno;
		store_folder_close(f);
		errno = e;
		return NULL;
	}
	return f;
}

void store_folder_close(struct store_folder *f)
{
	if (!f)
		return;
	struct view_priv *p = f->priv;
	for (size_t i = 0; i < f->count; i++) {
		free(f->msgs[i].unique);
		free(f->msgs[i].file);
	}
	free(f->msgs);
	store_keywords_free(&f->kw);
	if (p)
		store_unlock(p->pop3_lock);
	if (f->dirfd >= 0)
		close(f->dirfd);
	free(p);
	free(f);
}

void store_changes_free(struct store_changes *ch)
{
	if (!ch)
		return;
	free(ch->expunged);
	free(ch->expunged_uids);
	free(ch->expunged_client);
	free(ch->changed);
	memset(ch, 0, sizeof *ch);
}
