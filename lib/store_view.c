/* store_view.c - catching a view up with its folder, reading messages,
 * and the changes since a MODSEQ (store.h). */
#include "store_impl.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int store_changes_alloc(struct store_changes *ch, size_t n)
{
	memset(ch, 0, sizeof *ch);
	ch->expunged = calloc(n + 1, sizeof *ch->expunged);
	ch->expunged_uids = calloc(n + 1, sizeof *ch->expunged_uids);
	ch->expunged_client = calloc(n + 1, sizeof *ch->expunged_client);
	ch->changed = calloc(n + 1, sizeof *ch->changed);
	if (ch->expunged && ch->expunged_uids && ch->expunged_client &&
	    ch->changed)
		return 0;
	store_changes_free(ch);
	return -1;
}

/* Is the keyword list of fresh another than old's? */
static int keywords_differ(const struct store_keywords *a,
			   const struct store_keywords *b)
{
	if (a->count != b->count)
		return 1;
	for (size_t i = 0; i < a->count; i++)
		if (!a->name[i] != !b->name[i] ||
		    (a->name[i] && strcmp(a->name[i], b->name[i])))
			return 1;
	return 0;
}

void store_view_expunge_one(struct store_changes *ch, size_t seq,
			    struct store_message *m)
{
	ch->expunged[ch->nexpunged] = seq;
	ch->expunged_uids[ch->nexpunged] = m->uid;
	ch->expunged_client[ch->nexpunged++] = m->client;
	free(m->unique);
	free(m->file);
}

/* Merge the fresh index into the view (both ascending by UID). */
static void merge(struct store_folder *f, struct store_index *ix,
		  struct store_message *v, int allow_expunge,
		  struct store_changes *ch)
{
	size_t w = 0, j = 0;
	for (size_t i = 0; i < f->count; i++) {
		struct store_message *m = &f->msgs[i];
		while (j < ix->count && ix->v[j].uid < m->uid)
			j++;    /* an unknown older UID: cannot be shown */
		if (j < ix->count && ix->v[j].uid == m->uid) {
			struct store_entry *e = &ix->v[j++];
			unsigned fl = store_flags_from_name(e->file);
			if (fl != m->flags || e->modseq != m->modseq)
				ch->changed[ch->nchanged++] = w;
			free(m->file);
			m->file = e->file;
			e->file = NULL;
			m->flags = fl;
			m->modseq = e->modseq;
			m->gone = 0;
		} else if (allow_expunge) {
			store_view_expunge_one(ch, w + 1, m);
			continue;
		} else {
			m->gone = 1;
		}
		v[w++] = *m;
	}
	uint32_t last = w ? v[w - 1].uid : 0;
	for (; j < ix->count; j++) {
		if (ix->v[j].uid <= last || !ix->v[j].file)
			continue;
		struct store_message *m = &v[w++];
		memset(m, 0, sizeof *m);
		m->uid = ix->v[j].uid;
		m->modseq = ix->v[j].modseq;
		m->created = ix->v[j].created;
		m->flags = store_flags_from_name(ix->v[j].file);
		m->recent = ix->v[j].recent;
		m->unique = ix->v[j].unique;
		m->file = ix->v[j].file;
		m->size_lf = store_lf_size_from_name(m->file);
		m->size_crlf = store_size_from_name(m->file);
		if (m->size_crlf < 0)
			m->size_crlf = ix->v[j].wire;
		ix->v[j].unique = ix->v[j].file = NULL;
		ch->added++;
	}
	f->count = w;
}

int store_folder_sync(struct store_folder *f, int allow_expunge,
		      struct store_changes *out)
{
	struct store_changes local;
	struct store_changes *ch = out ? out : &local;
	struct store_keywords kw;
	struct store_index ix;
	store_view_note(f);
	if (store_keywords_read(f->dirfd, &kw) < 0)
		return -1;
	int fast = store_view_catch_up(f, store_view_mark(f), allow_expunge,
				       ch);
	if (fast < 0) {
		store_keywords_free(&kw);
		return -1;
	}
	if (fast == 1) {
		ch->keywords_changed = keywords_differ(&kw, &f->kw);
		store_keywords_free(&f->kw);
		f->kw = kw;
		if (!out)
			store_changes_free(&local);
		return 0;
	}
	int mode = (f->mode & STORE_TAKE_NEW) && !(f->mode & STORE_READONLY) ?
		   STORE_SYNC_MOVE_NEW : 0;
	if (fast == 2)
		mode |= STORE_SYNC_EXCLUSIVE;
	if (store_sync(f->store->rootfd, f->dirfd, mode, NULL, 0, &ix) < 0) {
		store_keywords_free(&kw);
		return -1;
	}
	struct store_message *v = calloc(f->count + ix.count + 1, sizeof *v);
	if (!v || store_changes_alloc(ch, f->count + ix.count) < 0) {
		free(v);
		store_keywords_free(&kw);
		store_index_free(&ix);
		return -1;
	}
	ch->keywords_changed = keywords_differ(&kw, &f->kw);
	store_keywords_free(&f->kw);
	f->kw = kw;
	merge(f, &ix, v, allow_expunge, ch);
	free(f->msgs);
	f->msgs = v;
	f->uidnext = ix.uidnext;
	f->highestmodseq = ix.highestmodseq;
	*store_view_mark(f) = ix.mark;
	store_index_free(&ix);
	if (!out)
		store_changes_free(&local);
	return 0;
}

char *store_find_file(int dirfd, const char *unique)
{
	int fd = openat(dirfd, "cur", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t n = strlen(unique);
	struct dirent *e;
	char *file = NULL;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, unique, n) || e->d_name[n] != ':')
			continue;
		size_t len = strlen(e->d_name) + 5;
		if ((file = malloc(len)))
			snprintf(file, len, "cur/%s", e->d_name);
		break;
	}
	closedir(d);
	return file;
}

/* Look in cur/ for UNIQUE:2,... (renamed by another program). */
static int locate(struct store_folder *f, struct store_message *m)
{
	char *file = store_find_file(f->dirfd, m->unique);
	if (!file)
		return -1;
	free(m->file);
	m->file = file;
	m->flags = store_flags_from_name(file);
	return 0;
}

int store_message_open(struct store_folder *f, size_t i)
{
	struct store_message *m = &f->msgs[i];
	if (m->gone) {
		errno = ENOENT;
		return -1;
	}
	for (int tries = 0; tries < 2; tries++) {
		int fd = openat(f->dirfd, m->file, O_RDONLY | O_NOFOLLOW |
				O_CLOEXEC);
		if (fd >= 0 || errno != ENOENT)
			return fd;
		if (tries == 0 && locate(f, m) < 0)
			break;
	}
	m->gone = 1;
	errno = ENOENT;
	return -1;
}

int store_changes_since(struct store_folder *f, uint64_t since,
			struct store_since *out)
{
	struct store_index ix;
	memset(out, 0, sizeof *out);
	if (store_sync(f->store->rootfd, f->dirfd, 0, NULL, 0, &ix) < 0)
		return -1;
	out->created = calloc(ix.count + 1, sizeof *out->created);
	out->updated = calloc(ix.count + 1, sizeof *out->updated);
	out->expunged = calloc(ix.nexpunged + 1, sizeof *out->expunged);
	out->expunged_unique = calloc(ix.nexpunged + 1,
				      sizeof *out->expunged_unique);
	out->expunged_modseq = calloc(ix.nexpunged + 1,
				      sizeof *out->expunged_modseq);
	if (!out->created || !out->updated || !out->expunged ||
	    !out->expunged_unique || !out->expunged_modseq) {
		store_index_free(&ix);
		store_since_free(out);
		return -1;
	}
	out->too_old = since < ix.floor;
	for (size_t i = 0; i < ix.count; i++) {
		if (ix.v[i].created > since)
			out->created[out->ncreated++] = ix.v[i].uid;
		else if (ix.v[i].modseq > since)
			out->updated[out->nupdated++] = ix.v[i].uid;
	}
	for (size_t i = 0; i < ix.nexpunged; i++)
		if (ix.x[i].modseq > since) {
			out->expunged_unique[out->nexpunged] = ix.x[i].unique;
			ix.x[i].unique = NULL;  /* now out's */
			out->expunged_modseq[out->nexpunged] = ix.x[i].modseq;
			out->expunged[out->nexpunged++] = ix.x[i].uid;
		}
	out->uidnext = ix.uidnext;
	out->highestmodseq = ix.highestmodseq;
	store_index_free(&ix);
	return 0;
}

void store_since_free(struct store_since *s)
{
	free(s->created);
	free(s->updated);
	free(s->expunged);
	for (size_t i = 0; s->expunged_unique && i < s->nexpunged; i++)
		free(s->expunged_unique[i]);
	free(s->expunged_unique);
	free(s->expunged_modseq);
	memset(s, 0, sizeof *s);
}
