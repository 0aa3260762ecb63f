/* mailbox.c - the selected folder's message list. See mailbox.h. */
#include "mailbox.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cache.h"
#include "fsutil.h"
#include "uidlist.h"

static const struct { unsigned flag; char letter; const char *name; }
flag_table[] = {
	/* Maildir info letters, in ASCII order (the order a name keeps) */
	{ FLAG_DRAFT, 'D', "\\Draft" },
	{ FLAG_FLAGGED, 'F', "\\Flagged" },
	{ FLAG_ANSWERED, 'R', "\\Answered" },
	{ FLAG_SEEN, 'S', "\\Seen" },
	{ FLAG_DELETED, 'T', "\\Deleted" },
};
#define NFLAGS (sizeof flag_table / sizeof flag_table[0])

unsigned flags_from_file(const char *file)
{
	const char *info = strstr(file, ":2,");
	unsigned flags = 0;
	if (!info)
		return 0;
	for (info += 3; *info; info++) {
		if (*info >= 'a' && *info <= 'z')
			flags |= FLAG_KEYWORD(*info - 'a');
		for (size_t i = 0; i < NFLAGS; i++)
			if (*info == flag_table[i].letter)
				flags |= flag_table[i].flag;
	}
	return flags;
}

void write_flags(struct output *out, const struct keywords *kw,
		 unsigned flags, int recent)
{
	const char *sep = "";
	output_str(out, "(");
	for (size_t i = 0; i < NFLAGS; i++)
		if (flags & flag_table[i].flag) {
			output_printf(out, "%s%s", sep, flag_table[i].name);
			sep = " ";
		}
	for (size_t i = 0; i < kw->count; i++)
		if ((flags & FLAG_KEYWORD(i)) && kw->name[i]) {
			output_printf(out, "%s%s", sep, kw->name[i]);
			sep = " ";
		}
	if (recent)
		output_printf(out, "%s\\Recent", sep);
	output_str(out, ")");
}

void write_flag_list(struct output *out, const struct keywords *kw,
		     int permanent)
{
	static const char *const order[] = { "\\Answered", "\\Flagged",
		"\\Deleted", "\\Seen", "\\Draft" };
	output_str(out, "(");
	for (size_t i = 0; i < NFLAGS; i++)
		output_printf(out, "%s%s", i ? " " : "", order[i]);
	size_t used = 0;
	for (size_t i = 0; i < kw->count; i++)
		if (kw->name[i]) {
			output_printf(out, " %s", kw->name[i]);
			used++;
		}
	if (permanent && used < KEYWORDS_MAX)
		output_str(out, " \\*");
	output_str(out, ")");
}

static void message_take(struct message *m, struct uid_entry *e)
{
	m->uid = e->uid;
	m->base = e->base;
	m->file = e->file;
	m->flags = flags_from_file(e->file);
	m->recent = e->recent;
	m->size = -1;
	m->gone = 0;
	m->cached = m->owned = 0;
	m->envelope = m->structure = m->body = NULL;
	e->base = e->file = NULL;
}

static int may_have_changed(struct mailbox *box);

/* Note the UID file as it is before a sync reads it (mailbox_rescan
 * trusts the messages only while it stays so). */
static void note_uidlist(struct mailbox *box)
{
	char path[PATH_MAX_POSTERN];
	struct stat st;
	box->uidlist_ino = 0;
	if (snprintf(path, sizeof path, "%s/postern-uidlist", box->dir) <
	    (int)sizeof path && stat(path, &st) == 0) {
		box->uidlist_ino = st.st_ino;
		box->uidlist_size = st.st_size;
		box->uidlist_mtime = st.st_mtim;
	}
}

struct mailbox *mailbox_open(const char *dir, const char *name,
			     int readonly)
{
	struct uidlist l;
	struct mailbox *box = calloc(1, sizeof *box);
	if (!box)
		return NULL;
	snprintf(box->dir, sizeof box->dir, "%s", dir);
	snprintf(box->name, sizeof box->name, "%s", name);
	box->readonly = readonly;
	may_have_changed(box);  /* the mtimes before the sync, for refresh */
	note_uidlist(box);
	if (keywords_read(dir, &box->kw) < 0 ||
	    uidlist_sync(dir, !readonly, NULL, 0, &l) < 0) {
		keywords_free(&box->kw);
		free(box);
		return NULL;
	}
	box->validity = l.validity;
	box->next = l.next;
	box->synced = time(NULL);
	box->msgs = calloc(l.count ? l.count : 1, sizeof *box->msgs);
	if (!box->msgs) {
		uidlist_free(&l);
		free(box);
		return NULL;
	}
	for (size_t i = 0; i < l.count; i++)
		message_take(&box->msgs[i], &l.v[i]);
	box->count = l.count;
	uidlist_free(&l);
	return box;
}

static void message_free(struct message *m)
{
	free(m->base);
	free(m->file);
	cache_message_free(m);
}

void mailbox_free(struct mailbox *box)
{
	if (!box)
		return;
	for (size_t i = 0; i < box->count; i++)
		message_free(&box->msgs[i]);
	free(box->msgs);
	keywords_free(&box->kw);
	cache_close(box);
	free(box);
}

size_t mailbox_recent(const struct mailbox *box)
{
	size_t n = 0;
	for (size_t i = 0; i < box->count; i++)
		n += box->msgs[i].recent != 0;
	return n;
}

/* Merge the fresh list into box; see mailbox_refresh. Returns how many
 * messages are new. */
static size_t merge(struct mailbox *box, struct uidlist *l, struct message *v,
		  int allow_expunge, struct output *out)
{
	size_t w = 0, j = 0;
	for (size_t i = 0; i < box->count; i++) {
		struct message *m = &box->msgs[i];
		while (j < l->count && l->v[j].uid < m->uid)
			j++;    /* unknown older UID: cannot be shown */
		if (j < l->count && l->v[j].uid == m->uid) {
			unsigned f = flags_from_file(l->v[j].file);
			free(m->file);
			m->file = l->v[j].file;
			l->v[j++].file = NULL;
			m->gone = 0;
			if (f != m->flags && out) {
				m->flags = f;
				output_printf(out, "* %zu FETCH (FLAGS ", w + 1);
				write_flags(out, &box->kw, f, m->recent);
				output_str(out, ")\r\n");
			}
			m->flags = f;
		} else if (allow_expunge) {
			if (out)
				output_printf(out, "* %zu EXPUNGE\r\n", w + 1);
			message_free(m);
			continue;
		} else {
			m->gone = 1;
		}
		v[w++] = *m;
	}
	size_t added = 0;
	for (; j < l->count; j++)
		if (l->v[j].file) {
			message_take(&v[w++], &l->v[j]);
			added++;
		}
	box->count = w;
	return added;
}

/* Can the folder have changed since the last look? Every change (a
 * delivery, a rename, an unlink, a new keyword) touches the mtime of
 * cur/, new/ or the keyword file; mtimes not yet settled are not
 * trusted, the clock behind them being coarse (uidlist_settled). */
static int may_have_changed(struct mailbox *box)
{
	static const char *const names[3] = { "cur", "new",
		"dovecot-keywords" };
	char path[PATH_MAX_POSTERN];
	struct stat st;
	int changed = 0;
	for (int i = 0; i < 3; i++) {
		struct timespec t = { 0, 0 };
		if (snprintf(path, sizeof path, "%s/%s", box->dir, names[i]) <
		    (int)sizeof path && stat(path, &st) == 0)
			t = st.st_mtim;
		if (t.tv_sec != box->seen[i].tv_sec ||
		    t.tv_nsec != box->seen[i].tv_nsec ||
		    (t.tv_sec && !uidlist_settled(&t)))
			changed = 1;
		box->seen[i] = t;
	}
	return changed;
}

/* Is a known message still in new/ (to be moved by a sync)? */
static int any_in_new(const struct mailbox *box)
{
	for (size_t i = 0; i < box->count; i++)
		if (!strncmp(box->msgs[i].file, "new/", 4))
			return 1;
	return 0;
}

static int gone_pending(const struct mailbox *box)
{
	for (size_t i = 0; i < box->count; i++)
		if (box->msgs[i].gone)
			return 1;
	return 0;
}

int mailbox_refresh(struct mailbox *box, int allow_expunge,
		    struct output *out)
{
	if (!may_have_changed(box) && !(allow_expunge && gone_pending(box)))
		return 0;
	box->synced = time(NULL);
	struct uidlist l;
	struct keywords kw;
	if (keywords_read(box->dir, &kw) == 0) {
		int grew = kw.count != box->kw.count;
		for (size_t i = 0; !grew && i < kw.count; i++)
			grew = !kw.name[i] != !box->kw.name[i];
		keywords_free(&box->kw);
		box->kw = kw;
		if (grew && out) {      /* §7.2.6: the list of flags changed */
			output_str(out, "* FLAGS ");
			write_flag_list(out, &box->kw, 0);
			output_str(out, "\r\n");
		}
	}
	int quick = box->readonly || !any_in_new(box) ?
		    mailbox_rescan(box, out) : 1;
	if (quick <= 0)
		return quick;
	note_uidlist(box);
	if (uidlist_sync(box->dir, !box->readonly, NULL, 0, &l) < 0)
		return -1;
	struct message *v = calloc(box->count + l.count + 1, sizeof *v);
	if (!v) {
		uidlist_free(&l);
		return -1;
	}
	size_t added = merge(box, &l, v, allow_expunge, out);
	free(box->msgs);
	box->msgs = v;
	box->next = l.next;
	uidlist_free(&l);
	if (out && added) {
		output_printf(out, "* %zu EXISTS\r\n", box->count);
		output_printf(out, "* %zu RECENT\r\n", mailbox_recent(box));
	}
	return 0;
}

/* Look in cur/ for BASE:2,... (another process changed its flags). */
static int locate(struct mailbox *box, struct message *m)
{
	char path[PATH_MAX_POSTERN];
	if (snprintf(path, sizeof path, "%s/cur", box->dir) >=
	    (int)sizeof path)
		return -1;
	DIR *d = opendir(path);
	if (!d)
		return -1;
	size_t n = strlen(m->base);
	struct dirent *e;
	int rc = -1;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, m->base, n) || e->d_name[n] != ':')
			continue;
		size_t len = strlen(e->d_name) + 5;
		char *file = malloc(len);
		if (file) {
			snprintf(file, len, "cur/%s", e->d_name);
			free(m->file);
			m->file = file;
			m->flags = flags_from_file(file);
			rc = 0;
		}
		break;
	}
	closedir(d);
	return rc;
}

int mailbox_path(struct mailbox *box, struct message *m, char *buf,
		 size_t size)
{
	if (m->gone)
		return -1;
	snprintf(buf, size, "%s/%s", box->dir, m->file);
	if (access(buf, F_OK) == 0)
		return 0;
	if (locate(box, m) < 0) {
		m->gone = 1;
		return -1;
	}
	snprintf(buf, size, "%s/%s", box->dir, m->file);
	return 0;
}

/* The info part for flags, keeping letters postern does not know. */
static void make_info(const char *file, unsigned flags, char *info,
		      size_t size)
{
	const char *old = strstr(file, ":2,");
	size_t n = 0;
	char letters[128] = { 0 };
	for (old = old ? old + 3 : ""; *old; old++)
		if ((unsigned char)*old < 128)
			letters[(unsigned char)*old] = 1;
	for (size_t i = 0; i < NFLAGS; i++)
		letters[(unsigned char)flag_table[i].letter] =
			(flags & flag_table[i].flag) != 0;
	for (int i = 0; i < KEYWORDS_MAX; i++)
		letters['a' + i] = (flags & FLAG_KEYWORD(i)) != 0;
	for (int c = 33; c < 127 && n + 1 < size; c++)
		if (letters[c] && c != ',')
			info[n++] = (char)c;
	info[n] = '\0';
}

int mailbox_set_flags(struct mailbox *box, struct message *m,
		      unsigned flags)
{
	char from[PATH_MAX_POSTERN], to[PATH_MAX_POSTERN], info[64];
	if (mailbox_path(box, m, from, sizeof from) < 0)
		return -1;
	if (flags_from_file(m->file) == flags) {
		m->flags = flags;
		return 0;
	}
	make_info(m->file, flags, info, sizeof info);
	size_t len = strlen(m->base) + strlen(info) + 8;
	char *file = malloc(len);
	if (!file)
		return -1;
	snprintf(file, len, "cur/%s:2,%s", m->base, info);
	if (snprintf(to, sizeof to, "%s/%s", box->dir, file) >=
	    (int)sizeof to || rename(from, to) < 0) {
		free(file);
		return -1;
	}
	free(m->file);
	m->file = file;
	m->flags = flags;
	return 0;
}

int mailbox_sync_flags(struct mailbox *box)
{
	char path[PATH_MAX_POSTERN];
	if (snprintf(path, sizeof path, "%s/cur", box->dir) >= (int)sizeof path)
		return -1;
	return fsync_dir(path);
}

long mailbox_expunge(struct mailbox *box, const struct seqset *uids,
		     struct output *out)
{
	char path[PATH_MAX_POSTERN];
	int fd = uidlist_lock(box->dir);
	if (fd < 0)
		return -1;
	uint32_t star = box->count ? box->msgs[box->count - 1].uid : 0;
	size_t w = 0;
	long removed = 0;
	for (size_t i = 0; i < box->count; i++) {
		struct message *m = &box->msgs[i];
		int go = (m->flags & FLAG_DELETED) &&
			 (!uids || seqset_contains(uids, m->uid, star));
		if (go && mailbox_path(box, m, path, sizeof path) == 0 &&
		    unlink(path) < 0 && errno != ENOENT)
			go = 0;
		if (!go) {
			box->msgs[w++] = *m;
			continue;
		}
		if (out)
			output_printf(out, "* %zu EXPUNGE\r\n", w + 1);
		message_free(m);
		removed++;
	}
	box->count = w;
	uidlist_unlock(fd);
	return removed;
}

long mailbox_find_uid(const struct mailbox *box, uint32_t uid)
{
	size_t lo = 0, hi = box->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (box->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < box->count && box->msgs[lo].uid == uid ? (long)lo : -1;
}

int mailbox_keyword_index(const struct mailbox *box, const char *name)
{
	return keywords_index(&box->kw, name);
}
