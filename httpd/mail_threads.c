/* mail_threads.c - JMAP Threads (RFC 8621 §3) by lib/mail_thread.h's
 * REFERENCES algorithm (RFC 5256 §3, the one IMAP THREAD=REFERENCES
 * uses) over every message of the account, in arrival order, from the
 * messages' summaries in the folder caches (mail_cache.c).
 *
 * A Thread id is "T" and a hash of the thread's key (top_key). It
 * changes only when a message arrives that becomes the parent of a
 * thread's top, or joins two threads (by References or by subject):
 * then the later thread's Emails take the earlier one's id (RFC 8621
 * §4.1.1 wants threadId immutable; postern does not remember threads). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "mail.h"
#include "mime_header.h"
#include "sha256.h"

/* The header section of message k of folder f into out: 0, or -1 (gone
 * or unreadable: it then threads as a message without fields). */
static int read_header(struct store_folder *f, size_t k, struct bytes *out,
		       time_t *mtime)
{
	struct stat st;
	char buf[16384];
	ssize_t n;
	int fd = store_message_open(f, k);
	if (fd < 0)
		return -1;
	int rc = fstat(fd, &st);
	if (rc == 0)
		*mtime = st.st_mtime;
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) > 0) {
		if (bytes_append(out, buf, (size_t)n) < 0)
			break;          /* a header past the cap: what was read */
		if (mime_header_length(out->data, out->len) < out->len)
			break;
	}
	close(fd);
	return rc;
}

static int by_unique(const void *x, const void *y)
{
	const struct mail_thread_msg *a = x, *b = y;
	return strcmp(a->unique, b->unique);
}

/* Every message of the account, in arrival (unique name) order. */
static int gather(struct mail_account *a, struct mail_threads *t)
{
	size_t cap = 0;
	for (size_t b = 0; b < a->count; b++) {
		struct store_folder *f = mail_view(a, &a->box[b]);
		if (!f)
			return -1;
		cap += f->count;
	}
	if (!(t->v = calloc(cap + 1, sizeof *t->v)))
		return -1;
	for (size_t b = 0; b < a->count; b++) {
		struct store_folder *f = a->box[b].view;
		for (size_t k = 0; k < f->count; k++)
			if (!f->msgs[k].gone) {
				t->v[t->n].unique = f->msgs[k].unique;
				t->v[t->n].box = &a->box[b];
				t->v[t->n++].index = k;
			}
	}
	qsort(t->v, t->n, sizeof *t->v, by_unique);
	return 0;
}

/* The thread fields of every message: from its summary in the folder
 * cache (made now when missing), else from the file's header. */
static int read_fields(struct mail_threads *t)
{
	const unsigned want = MAIL_FIELDS_SUBJECT | MAIL_FIELDS_DATE |
			      MAIL_FIELDS_THREAD;
	struct bytes h;
	bytes_init(&h, LOCAL_HEADER_MAX);
	for (size_t i = 0; i < t->n; i++) {
		struct mail_thread_msg *m = &t->v[i];
		struct mail_ref ref = { m->box, m->index };
		struct store_summary sum;
		int rc;
		if (mail_summary(&ref, &sum) == 0) {
			m->received = mail_received(&ref);
			rc = mail_fields_read(sum.header, sum.header_len, want,
					      &m->fields);
		} else {
			bytes_clear(&h);
			int ok = read_header(m->box->view, m->index, &h,
					     &m->received) == 0;
			size_t len = ok && h.data ? mime_header_length(h.data, h.len) : 0;
			rc = mail_fields_read(ok && h.data ? h.data : "", len,
					      want, &m->fields);
		}
		if (rc < 0) {
			bytes_free(&h);
			return -1;
		}
		m->fields.arrival = m->received;
		m->fields.order = (uint32_t)(i + 1);
		m->read = 1;
	}
	bytes_free(&h);
	return 0;
}

/* The key of a thread (see the top): its first message, found down the
 * first children, gives the first id of its References (the thread's
 * start, RFC 5322 §3.6.4; or In-Reply-To's), else its own Message-ID,
 * else its unique name. A deleted first message leaves the key as it
 * was: its replies name it. */
static const char *top_key(const struct mail_threads *t,
			   const struct mail_thread_node *n)
{
	for (; n; n = n->child)
		if (n->msg) {
			if (n->msg->nreferences)
				return n->msg->references[0];
			if (n->msg->message_id)
				return n->msg->message_id;
			return t->v[n->msg->order - 1].unique;
		}
	return "";
}

/* Give thread id id to every message under node n. */
static void mark(struct mail_threads *t, const struct mail_thread_node *n,
		 const char *id)
{
	for (; n; n = n->next) {
		if (n->msg)
			memcpy(t->v[n->msg->order - 1].thread, id,
			       sizeof t->v[0].thread);
		mark(t, n->child, id);
	}
}

static int by_text(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* t->ids: the distinct Thread ids, sorted. 0 or -1. */
static int index_threads(struct mail_threads *t)
{
	if (!(t->ids = calloc(t->n + 1, sizeof *t->ids)))
		return -1;
	for (size_t i = 0; i < t->n; i++)
		t->ids[i] = t->v[i].thread;
	qsort(t->ids, t->n, sizeof *t->ids, by_text);
	for (size_t i = 0; i < t->n; i++)
		if (!t->nids || strcmp(t->ids[t->nids - 1], t->ids[i]))
			t->ids[t->nids++] = t->ids[i];
	return 0;
}

size_t mail_threads_index(const struct mail_threads *t, const char *id)
{
	const char **at = id ? bsearch(&id, t->ids, t->nids, sizeof *t->ids,
				       by_text) : NULL;
	return at ? (size_t)(at - t->ids) : SIZE_MAX;
}

int mail_threads_build(struct mail_account *a, struct mail_threads *t)
{
	struct mail_thread tree;
	struct mail_fields **p = NULL;
	memset(t, 0, sizeof *t);
	if (gather(a, t) < 0 || read_fields(t) < 0 ||
	    !(p = calloc(t->n + 1, sizeof *p)))
		goto fail;
	for (size_t i = 0; i < t->n; i++)
		p[i] = &t->v[i].fields;
	if (mail_thread_build(&tree, MAIL_THREAD_REFERENCES, p, t->n) < 0)
		goto fail;
	for (const struct mail_thread_node *r = tree.roots; r; r = r->next) {
		char id[sizeof t->v[0].thread], hex[2 * SHA256_SIZE + 1];
		const char *key = top_key(t, r);
		sha256_hex(key, strlen(key), hex);
		snprintf(id, sizeof id, "T%.16s", hex);
		if (r->msg)
			memcpy(t->v[r->msg->order - 1].thread, id, sizeof id);
		mark(t, r->child, id);
	}
	mail_thread_free(&tree);
	free(p);
	if (index_threads(t) < 0)
		goto fail_built;
	return 0;
fail:
	free(p);
fail_built:
	mail_threads_free(t);
	return -1;
}

const char *mail_threads_of(const struct mail_threads *t, const char *unique)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(t->v[mid].unique, unique);
		if (r == 0)
			return t->v[mid].thread;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int mail_thread_id(struct mail_account *a, const char *unique, char *out,
		   size_t size)
{
	struct mail_threads t;
	for (size_t b = 0; b < a->count; b++)
		if (a->box[b].view && store_folder_sync(a->box[b].view, 0, NULL) < 0)
			return -1;
	if (mail_threads_build(a, &t) < 0)
		return -1;
	const char *id = mail_threads_of(&t, unique);
	int rc = id && snprintf(out, size, "%s", id) < (int)size ? 0 : -1;
	mail_threads_free(&t);
	return rc;
}

void mail_threads_free(struct mail_threads *t)
{
	for (size_t i = 0; t->v && i < t->n; i++)
		if (t->v[i].read)
			mail_fields_free(&t->v[i].fields);
	free(t->v);
	free(t->ids);
	memset(t, 0, sizeof *t);
}
