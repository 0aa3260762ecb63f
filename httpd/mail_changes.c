/* mail_changes.c - Email/changes and Thread/changes (RFC 8621 §4.3,
 * §3.2, RFC 8620 §5.2) from the store's changes since a MODSEQ, and
 * the same changes for Email/queryChanges (mail_query_changes.c).
 *
 * Each folder of the state (mail_state.c) says its HIGHESTMODSEQ and
 * UIDNEXT then. The store lists, per folder, the UIDs created, updated
 * and expunged since that MODSEQ (with the expunged messages' unique
 * names); these are events. A message moved keeps its unique name, so
 * its Email id: expunged from one folder (a UID below the old UIDNEXT:
 * it existed) and created in another is "updated"; created and expunged
 * since is nothing. With maxChanges, events are taken folder by folder
 * in MODSEQ order and the new state is where the taking stopped; a move
 * across that cut shows as destroyed now and created next time. */
#include <stdlib.h>
#include <string.h>
#include "mail.h"

enum event_kind { EV_CREATED, EV_UPDATED, EV_GONE_OLD, EV_GONE_NEW };

struct event {
	uint64_t modseq;
	uint32_t uid;
	enum event_kind kind;
	int taken;
	char *unique;                   /* malloc'd */
};

struct folder_events {
	struct event *v;
	size_t n;
	const struct mail_state_folder *old;    /* NULL: not in the state */
	struct mail_state_folder next;          /* the entry after the cut */
	int all_taken;
};

struct changes {
	struct jmap_call *c;
	struct mail_account *a;
	struct folder_events *f;        /* one per folder of a */
	const char *fail;               /* set: cannotCalculateChanges */
};

static const struct store_message *by_uid(const struct store_folder *f,
					  uint32_t uid)
{
	size_t lo = 0, hi = f->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->count && f->msgs[lo].uid == uid && !f->msgs[lo].gone
	       ? &f->msgs[lo] : NULL;
}

static int push(struct folder_events *fe, size_t cap, enum event_kind kind,
		uint32_t uid, uint64_t modseq, const char *unique)
{
	if (fe->n >= cap || !(fe->v[fe->n].unique = strdup(unique)))
		return -1;
	fe->v[fe->n].kind = kind;
	fe->v[fe->n].uid = uid;
	fe->v[fe->n].modseq = modseq;
	fe->v[fe->n++].taken = 0;
	return 0;
}

/* The events of folder b since its state entry (none: since it was
 * made). 0, or -1 (q->fail set, or out of memory). */
static int folder_events(struct changes *q, struct mail_box *b,
			 struct folder_events *fe)
{
	struct store_since s;
	struct store_folder *f = mail_view(q->a, b);
	uint64_t since = fe->old ? fe->old->modseq : 0;
	if (!f || store_changes_since(f, since, &s) < 0)
		return -1;
	int rc = store_folder_sync(f, 0, NULL);
	size_t cap = s.ncreated + s.nupdated + s.nexpunged;
	if (rc == 0 && !(fe->v = calloc(cap + 1, sizeof *fe->v)))
		rc = -1;
	if (rc == 0 && fe->old && (s.too_old || since > s.highestmodseq))
		q->fail = "changes too old to tell", rc = -1;
	for (size_t i = 0; rc == 0 && i < s.ncreated + s.nupdated; i++) {
		int created = i < s.ncreated;
		uint32_t uid = created ? s.created[i] : s.updated[i - s.ncreated];
		const struct store_message *m = by_uid(f, uid);
		/* the view may be newer than s: a later MODSEQ counts as
		 * the state's, the change is told again next time */
		uint64_t ms = !m ? 0 : created ? m->created : m->modseq;
		if (m)
			rc = push(fe, cap, created ? EV_CREATED : EV_UPDATED, uid,
				  ms < s.highestmodseq ? ms : s.highestmodseq,
				  m->unique);
	}
	for (size_t i = 0; rc == 0 && fe->old && i < s.nexpunged; i++) {
		int existed = s.expunged[i] < fe->old->uidnext;
		if (!s.expunged_unique[i] && existed)
			q->fail = "an expunge the index did not name", rc = -1;
		else if (s.expunged_unique[i])
			rc = push(fe, cap, existed ? EV_GONE_OLD : EV_GONE_NEW,
				  s.expunged[i], s.expunged_modseq[i],
				  s.expunged_unique[i]);
	}
	mail_state_of_box(b, &fe->next);
	fe->next.modseq = s.highestmodseq;
	fe->next.uidnext = s.uidnext;
	store_since_free(&s);
	return rc;
}

static int by_modseq(const void *x, const void *y)
{
	const struct event *a = x, *b = y;
	return (a->modseq > b->modseq) - (a->modseq < b->modseq);
}

/* Take the events of fe in MODSEQ order, whole MODSEQs at a time, while
 * *taken stays within max (at least one MODSEQ when nothing is taken
 * yet, so that a client always moves on); set fe->next to the cut. */
static void take(struct folder_events *fe, size_t max, size_t *taken)
{
	size_t i = 0;
	qsort(fe->v, fe->n, sizeof *fe->v, by_modseq);
	while (i < fe->n) {
		size_t j = i;
		while (j < fe->n && fe->v[j].modseq == fe->v[i].modseq)
			j++;
		if (*taken + (j - i) > max && *taken > 0)
			break;
		*taken += j - i;
		for (; i < j; i++)
			fe->v[i].taken = 1;
		if (*taken >= max)
			break;
	}
	fe->all_taken = i == fe->n;
	if (fe->all_taken)
		return;
	/* the state is where taking stopped: the last MODSEQ taken, and
	 * the UIDs created after it did not exist yet */
	fe->next.modseq = i ? fe->v[i - 1].modseq
			    : fe->old ? fe->old->modseq : 0;
	fe->next.nonempty = 1;
	for (size_t k = i; k < fe->n; k++)
		if (fe->v[k].kind == EV_CREATED && fe->v[k].uid < fe->next.uidnext)
			fe->next.uidnext = fe->v[k].uid;
}

static int by_unique(const void *x, const void *y)
{
	const struct event *const *a = x, *const *b = y;
	return strcmp((*a)->unique, (*b)->unique);
}

/* One Email's net change (see the top). */
struct email_change {
	const char *unique;
	int list;                       /* MAIL_CREATED... */
};

/* The taken events as Email changes into *out (malloc'd), *n. 0 or -1. */
static int classify(struct changes *q, struct email_change **out, size_t *nout)
{
	size_t n = 0, total = 0;
	for (size_t b = 0; b < q->a->count; b++)
		total += q->f[b].n;
	const struct event **v = calloc(total + 1, sizeof *v);
	*out = calloc(total + 1, sizeof **out);
	*nout = 0;
	if (!v || !*out) {
		free(v);
		free(*out);
		*out = NULL;
		return -1;
	}
	for (size_t b = 0; b < q->a->count; b++)
		for (size_t i = 0; i < q->f[b].n; i++)
			if (q->f[b].v[i].taken)
				v[n++] = &q->f[b].v[i];
	qsort(v, n, sizeof *v, by_unique);
	for (size_t i = 0, j; i < n; i = j) {
		int has[4] = { 0, 0, 0, 0 };
		for (j = i; j < n && !strcmp(v[j]->unique, v[i]->unique); j++)
			has[v[j]->kind] = 1;
		int list = has[EV_CREATED] ? (has[EV_GONE_OLD] ? MAIL_UPDATED
							       : MAIL_CREATED)
			 : has[EV_UPDATED] ? MAIL_UPDATED
			 : has[EV_GONE_OLD] ? MAIL_DESTROYED : -1;
		if (list >= 0)
			(*out)[(*nout)++] = (struct email_change){ v[i]->unique, list };
	}
	free(v);
	return 0;
}

static void write_emails(const struct email_change *e, size_t n,
			 struct mail_id_lists *l)
{
	char id[600];
	for (size_t i = 0; i < n; i++)
		if (mail_id('M', e[i].unique, id, sizeof id) == 0)
			json_str(&l->w[e[i].list], id);
}

static int by_change_unique(const void *x, const void *y)
{
	const struct email_change *a = x, *b = y;
	return strcmp(a->unique, b->unique);
}

/* Thread changes from Email changes e[0..n) (by unique name): the
 * Thread of each Email created or updated is updated, or created when
 * all its Emails were. The Thread a destroyed Email was in cannot be
 * told (its header is gone): then cannotCalculateChanges (q->fail).
 * 0 or -1. */
static int write_threads(struct changes *q, const struct email_change *e,
			 size_t n, struct mail_id_lists *l)
{
	struct mail_threads th;
	for (size_t i = 0; i < n; i++)
		if (e[i].list == MAIL_DESTROYED) {
			q->fail = "an Email was destroyed: its Thread is unknown";
			return -1;
		}
	if (mail_threads_build(q->a, &th) < 0)
		return -1;
	/* per Thread: 1 touched, 2 has an Email not created */
	unsigned char *mark = calloc(th.nids + 1, 1);
	for (size_t m = 0; mark && m < th.n; m++) {
		struct email_change key = { th.v[m].unique, 0 };
		const struct email_change *c = bsearch(&key, e, n, sizeof *e,
						       by_change_unique);
		size_t t = mail_threads_index(&th, th.v[m].thread);
		mark[t] |= (c ? 1 : 0) | (!c || c->list != MAIL_CREATED ? 2 : 0);
	}
	for (size_t t = 0; mark && t < th.nids; t++)
		if (mark[t] & 1)
			json_str(&l->w[mark[t] & 2 ? MAIL_UPDATED : MAIL_CREATED],
				 th.ids[t]);
	int rc = mark ? 0 : -1;
	free(mark);
	mail_threads_free(&th);
	return rc;
}

static void free_changes(struct changes *q)
{
	for (size_t b = 0; q->f && b < q->a->count; b++) {
		for (size_t i = 0; i < q->f[b].n; i++)
			free(q->f[b].v[i].unique);
		free(q->f[b].v);
	}
	free(q->f);
}

/* Gather and cut the events since old (see the top); the new state
 * into now. 0, 1 when more remain, or -1 with the error set. */
static int gather(struct changes *q, const struct mail_state_folder *old,
		  size_t nold, size_t max, char *now, size_t size)
{
	size_t taken = 0, nnext = 0;
	int more = 0;
	for (size_t i = 0; i < nold && !q->fail; i++)
		if (old[i].nonempty && !mail_box_by_id(q->a, old[i].id))
			q->fail = "a folder with messages was deleted";
	struct mail_state_folder *next = calloc(q->a->count + 1, sizeof *next);
	q->f = calloc(q->a->count + 1, sizeof *q->f);
	int rc = next && q->f && !q->fail ? 0 : -1;
	for (size_t b = 0; rc == 0 && b < q->a->count; b++) {
		struct folder_events *fe = &q->f[b];
		fe->old = mail_state_find(old, nold,
					  q->a->box[b].status.mailboxid);
		if ((rc = folder_events(q, &q->a->box[b], fe)) < 0)
			break;
		take(fe, max, &taken);
		more |= !fe->all_taken;
		next[nnext++] = fe->next;       /* as mail_state has it */
	}
	if (rc == 0)
		mail_state_format(next, nnext, now, size);
	free(next);
	if (rc < 0)
		jmap_error(q->c, q->fail ? "cannotCalculateChanges" : "serverFail",
			   "%s", q->fail ? q->fail : "the mail store failed");
	return rc < 0 ? -1 : more;
}

/* Email/changes and Thread/changes: as_threads maps Email ids to their
 * threads (see method_thread_changes). */
static void changes(struct jmap_call *c, int as_threads)
{
	struct mail_account a;
	struct mail_state_folder *old;
	struct mail_id_lists l;
	size_t nold, max;
	char now[JMAP_STATE_MAX + 1];
	if (mail_changes_args(c, &old, &nold, &max) < 0)
		return;
	if (mail_open(c, &a) < 0) {
		free(old);
		return;
	}
	struct changes q = { c, &a, NULL, NULL };
	int more = gather(&q, old, nold, max, now, sizeof now);
	if (more >= 0) {
		struct email_change *e = NULL;
		size_t n = 0;
		int rc = classify(&q, &e, &n);
		mail_id_lists_init(&l);
		if (rc == 0 && !as_threads)
			write_emails(e, n, &l);
		else if (rc == 0)
			rc = write_threads(&q, e, n, &l);
		free(e);
		if (rc < 0) {
			mail_id_lists_free(&l);
			jmap_error(c, q.fail ? "cannotCalculateChanges" : "serverFail",
				   "%s", q.fail ? q.fail : "out of memory");
		} else {
			mail_changes_begin(c, now, more);
			mail_id_lists_write(&l, &c->w);
			json_end(&c->w);
		}
	}
	free_changes(&q);
	free(old);
	mail_close(&a);
}

void method_email_changes(struct jmap_call *c)
{
	changes(c, 0);
}

void method_thread_changes(struct jmap_call *c)
{
	changes(c, 1);
}

int mail_changed_since(struct jmap_call *c, struct mail_account *a,
		       const char *since, char ***out, size_t *n, char *now,
		       size_t size)
{
	struct mail_state_folder *old;
	struct email_change *e = NULL;
	size_t nold, ne = 0;
	*out = NULL;
	*n = 0;
	if (mail_state_parse(since, &old, &nold) < 0) {
		jmap_error(c, "cannotCalculateChanges", "not a state of this server");
		return -1;
	}
	struct changes q = { c, a, NULL, NULL };
	int rc = gather(&q, old, nold, SIZE_MAX, now, size) < 0 ? -1 : 0;
	if (rc == 0 && (classify(&q, &e, &ne) < 0 ||
			!(*out = calloc(ne + 1, sizeof **out))))
		rc = -1;
	for (size_t i = 0; rc == 0 && i < ne; i++)
		if (!((*out)[(*n)++] = strdup(e[i].unique)))
			rc = -1;
	if (rc < 0 && !c->error)
		jmap_error(c, "serverFail", "out of memory");
	if (rc < 0) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	free(e);
	free_changes(&q);
	free(old);
	return rc;
}
