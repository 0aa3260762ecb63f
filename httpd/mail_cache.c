/* mail_cache.c - httpd's side of the folder cache (lib/store_cache.h,
 * which owns the file and its format): receivedAt, the size on the wire
 * and the JMAP summary of each message, so that Email/query, Threads,
 * Mailbox/get's thread counts and the list's Email/get read no message
 * file once a message is known. What a request learns is saved when
 * its account is closed (mail_close), appended to the file imapd
 * shares. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "mail.h"

enum { LEARNT_SIZE = 1, LEARNT_MTIME = 2, LEARNT_SUMMARY = 4 };

/* What is known of one message (the strings point into the mapped file,
 * or at summary_made). */
struct cached {
	uint32_t uid;
	struct store_cache_entry e;     /* size, mtime -1 / len 0: unknown */
	unsigned learnt;                /* LEARNT_*: not yet in the file */
	char *summary_made;             /* malloc'd here */
};

struct mail_cache {
	struct store_cache file;
	size_t n;
	struct cached *v;               /* by UID: the view when loaded */
	int dirty;
};

static int by_uid(const void *key, const void *x)
{
	uint32_t uid = *(const uint32_t *)key, other = ((const struct cached *)x)->uid;
	return (uid > other) - (uid < other);
}

static int take(void *ctx, uint32_t uid, const struct store_cache_entry *e)
{
	struct mail_cache *c = ctx;
	struct cached *k = bsearch(&uid, c->v, c->n, sizeof *c->v, by_uid);
	if (!k)
		return 0;
	if (e->size >= 0 && k->e.size < 0)
		k->e.size = e->size;
	if (e->mtime >= 0 && k->e.mtime < 0)
		k->e.mtime = e->mtime;
	for (int i = 0; i < STORE_CACHE_STRINGS; i++)
		if (e->len[i] && !k->e.len[i]) {
			k->e.s[i] = e->s[i];
			k->e.len[i] = e->len[i];
		}
	return 1;
}

/* The cache of b, read on first use (its view open). NULL when out of
 * memory (the callers then read the files). */
static struct mail_cache *cache_of(struct mail_box *b)
{
	struct store_folder *f = b->view;
	if (b->cache || !f)
		return b->cache;
	struct mail_cache *c = calloc(1, sizeof *c);
	if (!c || !(c->v = calloc(f->count + 1, sizeof *c->v))) {
		free(c);
		return NULL;
	}
	for (size_t i = 0; i < f->count; i++) {
		c->v[i].uid = f->msgs[i].uid;
		c->v[i].e.size = c->v[i].e.mtime = -1;
	}
	c->n = f->count;
	if (store_cache_load(&c->file, f->dirfd, f->uidvalidity, f->count,
			     take, c) < 0)
		log_event("event=cache-damaged folder=%s", b->name);
	return b->cache = c;
}

/* ref's entry, or NULL (no cache, or a message newer than it). */
static struct cached *entry_of(struct mail_ref *ref, struct mail_cache **cp)
{
	struct mail_cache *c = cache_of(ref->box);
	uint32_t uid = ref->box->view->msgs[ref->index].uid;
	*cp = c;
	if (!c)
		return NULL;
	if (ref->index < c->n && c->v[ref->index].uid == uid)
		return &c->v[ref->index];
	return bsearch(&uid, c->v, c->n, sizeof *c->v, by_uid);
}

/* Read and parse the message: its size, mtime and summary into k.
 * 0 or -1. */
static int learn(struct mail_ref *ref, struct mail_cache *c, struct cached *k)
{
	struct bytes preview, sum;
	time_t mtime;
	size_t hn = 0;
	int att = 0, rc = -1, fd;
	bytes_init(&preview, 4 * PREVIEW_MAX + 4);
	bytes_init(&sum, 2 * STORE_SUMMARY_REFERENCES + 65536);
	/* from the file through lib/mime's window: never held whole */
	struct mime_message *m = mail_parse(ref, &fd, &mtime);
	int brief = m ? mail_body_brief(m, &att, &preview) : -1;
	const char *h = m ? mime_part_header(m, m->root, &hn) : NULL;
	if (brief == 0 && store_summary_make(h, hn, att,
			       preview.data ? preview.data : "", preview.len,
			       &sum) == 0 && (k->summary_made = malloc(sum.len))) {
		memcpy(k->summary_made, sum.data, sum.len);
		k->e.s[STORE_CACHE_SUMMARY] = k->summary_made;
		k->e.len[STORE_CACHE_SUMMARY] = sum.len;
		k->learnt |= LEARNT_SUMMARY;
		if (k->e.size < 0)
			k->e.size = (long long)m->size, k->learnt |= LEARNT_SIZE;
		if (k->e.mtime < 0)
			k->e.mtime = mtime, k->learnt |= LEARNT_MTIME;
		c->dirty = 1;
		rc = 0;
	}
	mime_free(m);
	if (fd >= 0)
		close(fd);
	bytes_free(&preview);
	bytes_free(&sum);
	return rc;
}

time_t mail_received(struct mail_ref *ref)
{
	struct mail_cache *c;
	struct cached *k = entry_of(ref, &c);
	const struct store_message *msg = &ref->box->view->msgs[ref->index];
	struct stat st;
	if (k && k->e.mtime >= 0)
		return (time_t)k->e.mtime;
	if (fstatat(ref->box->view->dirfd, msg->file, &st,
		    AT_SYMLINK_NOFOLLOW) < 0)
		/* renamed meanwhile: the delivery time of its name */
		return (time_t)strtoll(msg->unique, NULL, 10);
	if (k && st.st_mtime >= 0) {
		k->e.mtime = st.st_mtime;
		k->learnt |= LEARNT_MTIME;
		c->dirty = 1;
	}
	return st.st_mtime;
}

long long mail_size(struct mail_ref *ref)
{
	struct mail_cache *c;
	struct cached *k = entry_of(ref, &c);
	const struct store_message *msg = &ref->box->view->msgs[ref->index];
	if (msg->size_crlf >= 0)
		return msg->size_crlf;
	if (k && (k->e.size >= 0 || (!k->summary_made && learn(ref, c, k) == 0)))
		return k->e.size;
	int fd;                 /* no cache: read it to count */
	struct mime_message *m = mail_parse(ref, &fd, NULL);
	long long n = m ? (long long)m->size : -1;
	mime_free(m);
	if (fd >= 0)
		close(fd);
	return n;
}

int mail_summary(struct mail_ref *ref, struct store_summary *s)
{
	struct mail_cache *c;
	struct cached *k = entry_of(ref, &c);
	if (!k || (!k->e.len[STORE_CACHE_SUMMARY] &&
		   (k->summary_made || learn(ref, c, k) < 0)))
		return -1;
	if (store_summary_parse(k->e.s[STORE_CACHE_SUMMARY],
				k->e.len[STORE_CACHE_SUMMARY], s) < 0)
		return -1;
	return s->usable ? 0 : -1;
}

/* Write what c learnt (or all it knows, when the file is made anew). */
static int save(struct mail_cache *c, struct store_folder *f)
{
	struct store_cache_writer w;
	c->file.dirfd = f->dirfd;
	c->file.validity = f->uidvalidity;
	if (store_cache_save_begin(&c->file, &w) < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++) {
		const struct cached *k = &c->v[i];
		struct store_cache_entry e = k->e;
		if (!w.all) {
			if (!(k->learnt & LEARNT_SIZE))
				e.size = -1;
			if (!(k->learnt & LEARNT_MTIME))
				e.mtime = -1;
			for (int s = 0; s < STORE_CACHE_STRINGS; s++)
				if (s != STORE_CACHE_SUMMARY ||
				    !(k->learnt & LEARNT_SUMMARY))
					e.len[s] = 0;
		}
		store_cache_save_put(&w, k->uid, &e);
	}
	return store_cache_save_end(&w);
}

void mail_cache_close(struct mail_account *a)
{
	for (size_t b = 0; b < a->count; b++) {
		struct mail_cache *c = a->box[b].cache;
		if (!c)
			continue;
		if (c->dirty && a->box[b].view && save(c, a->box[b].view) < 0)
			log_event("event=cache-error folder=%s errno=%d",
				  a->box[b].name, errno);
		store_cache_close(&c->file);
		for (size_t i = 0; i < c->n; i++)
			free(c->v[i].summary_made);
		free(c->v);
		free(c);
		a->box[b].cache = NULL;
	}
}
