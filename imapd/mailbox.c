/* mailbox.c - the selected folder over the store's view (see mailbox.h):
 * the changes the store reports become untagged responses here. */
#include "mailbox.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cache.h"
#include "imapd.h"

static const struct { unsigned flag; const char *name; } flag_names[] = {
	/* in the order of the Maildir info letters (D F R S T) */
	{ FLAG_DRAFT, "\\Draft" }, { FLAG_FLAGGED, "\\Flagged" },
	{ FLAG_ANSWERED, "\\Answered" }, { FLAG_SEEN, "\\Seen" },
	{ FLAG_DELETED, "\\Deleted" },
};
#define NFLAGS (sizeof flag_names / sizeof flag_names[0])

void write_flags(struct output *out, const struct store_keywords *kw,
		 unsigned flags, int recent)
{
	const char *sep = "";
	output_str(out, "(");
	for (size_t i = 0; i < NFLAGS; i++)
		if (flags & flag_names[i].flag) {
			output_printf(out, "%s%s", sep, flag_names[i].name);
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

void write_flag_list(struct output *out, const struct store_keywords *kw,
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

/* m as the store's message sm shows it (imapd's own fields reset). */
static void message_init(struct message *m, const struct store_message *sm)
{
	memset(m, 0, sizeof *m);
	m->uid = sm->uid;
	m->size = sm->size_crlf;
	m->recent = sm->recent;
}

/* The store's fields of sm into m. */
static void message_update(struct message *m, const struct store_message *sm)
{
	m->base = sm->unique;
	m->flags = sm->flags;
	m->modseq = sm->modseq;
	m->gone = sm->gone;
}

/* Does msgs hold the view's messages still (none left or came)? */
static int same_messages(const struct mailbox *box)
{
	if (box->count != box->f->count)
		return 0;
	for (size_t i = 0; i < box->count; i++)
		if (box->msgs[i].uid != box->f->msgs[i].uid)
			return 0;
	return 1;
}

/* Make msgs match the store's view again after messages left or came
 * (both ascending by UID): kept messages keep what imapd knows. */
static int mirror(struct mailbox *box)
{
	struct store_folder *f = box->f;
	if (box->msgs && same_messages(box)) {
		for (size_t i = 0; i < f->count; i++)
			message_update(&box->msgs[i], &f->msgs[i]);
		box->next = f->uidnext;
		box->kw = &f->kw;
		return 0;
	}
	struct message *v = calloc(f->count + 1, sizeof *v);
	if (!v)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < f->count; i++) {
		const struct store_message *sm = &f->msgs[i];
		while (j < box->count && box->msgs[j].uid < sm->uid)
			cache_message_free(&box->msgs[j++]);
		if (j < box->count && box->msgs[j].uid == sm->uid)
			v[i] = box->msgs[j++];
		else
			message_init(&v[i], sm);
		if (box->enabled & ENABLED_IMAP4REV2)
			v[i].recent = 0;        /* RFC 9051 has no \Recent */
		message_update(&v[i], sm);
	}
	for (; j < box->count; j++)
		cache_message_free(&box->msgs[j]);
	free(box->msgs);
	box->msgs = v;
	box->count = f->count;
	box->next = f->uidnext;
	box->kw = &f->kw;
	return 0;
}

struct mailbox *mailbox_open(struct store *st, const char *name,
			     int readonly)
{
	struct mailbox *box = calloc(1, sizeof *box);
	if (!box)
		return NULL;
	snprintf(box->name, sizeof box->name, "%s", name);
	int n = strcmp(name, "INBOX") ?
		snprintf(box->dir, sizeof box->dir, "%s/.%s", st->root, name) :
		snprintf(box->dir, sizeof box->dir, "%s", st->root);
	if (n < 0 || (size_t)n >= sizeof box->dir) {
		free(box);
		errno = ENAMETOOLONG;
		return NULL;
	}
	box->readonly = readonly;
	box->f = store_folder_open(st, name, readonly ? STORE_READONLY :
				   STORE_TAKE_NEW);
	if (!box->f || mirror(box) < 0) {
		int e = errno;
		store_folder_close(box->f);
		free(box);
		errno = e;
		return NULL;
	}
	box->validity = box->f->uidvalidity;
	box->modseq_told = box->f->highestmodseq;
	box->synced = time(NULL);
	return box;
}

void mailbox_free(struct mailbox *box)
{
	if (!box)
		return;
	for (size_t i = 0; i < box->count; i++)
		cache_message_free(&box->msgs[i]);
	free(box->msgs);
	cache_close(box);
	store_folder_close(box->f);
	free(box);
}

size_t mailbox_recent(const struct mailbox *box)
{
	size_t n = 0;
	for (size_t i = 0; i < box->count; i++)
		n += box->msgs[i].recent != 0;
	return n;
}

int mailbox_gone_pending(const struct mailbox *box)
{
	for (size_t i = 0; i < box->count; i++)
		if (box->msgs[i].gone)
			return 1;
	return 0;
}

static int compare_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void write_vanished(struct output *out, int earlier, uint32_t *uids,
		    size_t n)
{
	struct bytes set;
	if (!n)
		return;
	qsort(uids, n, sizeof *uids, compare_uid);
	bytes_init(&set, n * 24 + 16);  /* ",4294967295:4294967295" each */
	if (uid_set_format(&set, uids, n) == 0)
		output_printf(out, "* VANISHED %s%s\r\n",
			      earlier ? "(EARLIER) " : "", bytes_str(&set));
	bytes_free(&set);
}

void write_flags_fetch(struct output *out, const struct mailbox *box,
		       size_t i, int with_ids, int with_flags)
{
	const struct message *m = &box->msgs[i];
	const char *sep = "";
	output_printf(out, "* %zu FETCH (", i + 1);
	if (with_ids) {
		output_printf(out, "UID %lu MODSEQ (%llu)",
			      (unsigned long)m->uid,
			      (unsigned long long)m->modseq);
		sep = " ";
	} else if (box->enabled & (ENABLED_IMAP4REV2 | ENABLED_NOTIFY)) {
		/* RFC 9051 §7.5.2: every unsolicited FETCH carries the UID */
		output_printf(out, "UID %lu", (unsigned long)m->uid);
		sep = " ";
	}
	if (with_flags) {
		output_printf(out, "%sFLAGS ", sep);
		write_flags(out, box->kw, m->flags, m->recent);
	}
	output_str(out, ")\r\n");
}

/* The changes as responses (§7.4.1, §7.3.1, §7.4.2; with QRESYNC one
 * VANISHED for the expunges, RFC 7162 §3.2.10.2), after mirror(). */
static void report(struct mailbox *box, struct store_changes *ch,
		   struct output *out)
{
	if (ch->keywords_changed) {     /* §7.2.6: the list of flags changed */
		output_str(out, "* FLAGS ");
		write_flag_list(out, box->kw, 0);
		output_str(out, "\r\n");
	}
	if (ch->nexpunged && box->expunging)
		box->expunging(box->expunging_arg, ch->expunged_uids,
			       ch->expunged, ch->nexpunged);
	if (box->enabled & ENABLED_QRESYNC)
		write_vanished(out, 0, ch->expunged_uids, ch->nexpunged);
	else
		for (size_t k = 0; k < ch->nexpunged; k++)
			output_printf(out, "* %zu EXPUNGE\r\n",
				      ch->expunged[k]);
	for (size_t k = 0; k < ch->nchanged; k++)
		write_flags_fetch(out, box, ch->changed[k],
				  (box->enabled & ENABLED_CONDSTORE) != 0, 1);
	if (ch->added) {
		output_printf(out, "* %zu EXISTS\r\n", box->count);
		if (!(box->enabled & ENABLED_IMAP4REV2))        /* Appendix E.12 */
			output_printf(out, "* %zu RECENT\r\n",
				      mailbox_recent(box));
	}
}

int mailbox_refresh(struct mailbox *box, int allow_expunge, int force,
		    struct output *out)
{
	struct store_changes ch;
	if (!force && !store_folder_poll(box->f) &&
	    !(allow_expunge && mailbox_gone_pending(box)))
		return 0;
	box->synced = time(NULL);
	if (store_folder_sync(box->f, allow_expunge, &ch) < 0)
		return -1;
	int rc = mirror(box);
	if (rc == 0 && ch.added && !box->new_from)
		box->new_from = box->msgs[box->count - ch.added].uid;
	if (rc == 0 && out)
		report(box, &ch, out);
	if (rc == 0 && !mailbox_gone_pending(box))
		box->modseq_told = box->f->highestmodseq;
	store_changes_free(&ch);
	return rc;
}

int mailbox_message_open(struct mailbox *box, struct message *m)
{
	size_t i = (size_t)(m - box->msgs);
	int fd = store_message_open(box->f, i);
	message_update(m, &box->f->msgs[i]);
	return fd;
}

long mailbox_store_flags(struct mailbox *box, const size_t *idx, size_t n,
			 enum store_flag_op op, unsigned flags)
{
	return mailbox_store_flags_if(box, idx, n, op, flags, 0, NULL, NULL);
}

long mailbox_store_flags_if(struct mailbox *box, const size_t *idx,
			    size_t n, enum store_flag_op op, unsigned flags,
			    uint64_t unchangedsince, size_t **failed,
			    size_t *nfailed)
{
	long gone = store_set_flags(box->f, idx, n, op, flags, unchangedsince,
				    failed, nfailed);
	for (size_t k = 0; k < n; k++)
		message_update(&box->msgs[idx[k]], &box->f->msgs[idx[k]]);
	box->next = box->f->uidnext;
	return gone;
}

int mailbox_keywords(struct mailbox *box, char *const *names, size_t n,
		     int add, unsigned *bits, struct output *out)
{
	size_t before = box->kw->count;
	if (store_keywords_resolve(box->f, names, n, add, bits) < 0)
		return -1;
	if (box->kw->count != before && out) {
		output_str(out, "* FLAGS ");
		write_flag_list(out, box->kw, 0);
		output_str(out, "\r\n* OK [PERMANENTFLAGS ");
		write_flag_list(out, box->kw, 1);
		output_str(out, "] Flags permitted\r\n");
	}
	return 0;
}

long mailbox_expunge(struct mailbox *box, const struct seqset *uids,
		     struct output *out)
{
	struct store_changes ch;
	uint32_t *v = NULL;
	size_t n = 0;
	if (uids) {
		uint32_t star = box->count ? box->msgs[box->count - 1].uid : 0;
		if (!(v = calloc(box->count + 1, sizeof *v)))
			return -1;
		for (size_t i = 0; i < box->count; i++)
			if (seqset_contains(uids, box->msgs[i].uid, star))
				v[n++] = box->msgs[i].uid;
	}
	int rc = store_expunge(box->f, v, n, &ch);
	free(v);
	if (rc < 0)
		return -1;
	rc = mirror(box);
	if (rc == 0 && out)
		report(box, &ch, out);
	long removed = (long)ch.nexpunged;
	store_changes_free(&ch);
	return rc < 0 ? -1 : removed;
}

long mailbox_find_uid_at_least(const struct mailbox *box, uint32_t uid)
{
	size_t lo = 0, hi = box->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (box->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo;
}

long mailbox_find_uid(const struct mailbox *box, uint32_t uid)
{
	long lo = mailbox_find_uid_at_least(box, uid);
	return (size_t)lo < box->count && box->msgs[lo].uid == uid ? lo : -1;
}

int mailbox_keyword_index(const struct mailbox *box, const char *name)
{
	return store_keywords_index(box->kw, name);
}
