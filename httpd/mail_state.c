/* mail_state.c - the Mailbox/Email/Thread state string (see mail.h) and
 * Mailbox/changes (RFC 8621 §2.2, RFC 8620 §5.2).
 *
 * A state is "s" and, for each folder, "MAILBOXID.MODSEQ.UIDNEXT.NAME.E"
 * (hexadecimal numbers; NAME a hash of the folder's name and
 * subscription, E 0 when the folder was empty), joined by "-". So the
 * changes since a state are computed, not remembered: the store tells
 * what changed in a folder since a MODSEQ (store_changes_since). An
 * account whose state would pass JMAP_STATE_MAX gets "h" and a hash,
 * which /changes cannot use (cannotCalculateChanges). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mail.h"
#include "sha256.h"

static unsigned name_hash(const struct mail_box *b)
{
	unsigned char d[SHA256_SIZE];
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, b->name, strlen(b->name) + 1);
	sha256_update(&h, b->subscribed ? "1" : "0", 1);
	sha256_final(&h, d);
	return (unsigned)d[0] << 24 | (unsigned)d[1] << 16 |
	       (unsigned)d[2] << 8 | d[3];
}

void mail_state_of_box(const struct mail_box *b, struct mail_state_folder *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->id, sizeof out->id, "%s", b->status.mailboxid);
	out->modseq = b->status.highestmodseq;
	out->uidnext = b->status.uidnext;
	out->name = name_hash(b);
	out->nonempty = b->status.messages > 0;
}

void mail_state_format(const struct mail_state_folder *v, size_t n,
		       char *out, size_t size)
{
	size_t len = 1;
	snprintf(out, size, "s");
	for (size_t i = 0; i < n; i++) {
		int k = snprintf(out + len, size - len, "%s%s.%llx.%lx.%x.%d",
				 i ? "-" : "", v[i].id,
				 (unsigned long long)v[i].modseq,
				 (unsigned long)v[i].uidnext, v[i].name,
				 v[i].nonempty);
		if (k < 0 || (size_t)k >= size - len) {
			/* too many folders to spell out */
			char hex[2 * SHA256_SIZE + 1];
			sha256_hex(v, n * sizeof *v, hex);
			snprintf(out, size, "h%.32s", hex);
			return;
		}
		len += (size_t)k;
	}
}

void mail_state(struct mail_account *a, char *out, size_t size)
{
	struct mail_state_folder *v = calloc(a->count + 1, sizeof *v);
	if (!v) {
		snprintf(out, size, "h");
		return;
	}
	for (size_t i = 0; i < a->count; i++)
		mail_state_of_box(&a->box[i], &v[i]);
	mail_state_format(v, a->count, out, size);
	free(v);
}

/* One "ID.MODSEQ.UIDNEXT.NAME.E" of length len. 0 or -1. */
static int parse_folder(const char *s, size_t len, struct mail_state_folder *f)
{
	char text[128], *p, *end;
	if (len >= sizeof text)
		return -1;
	memcpy(text, s, len);
	text[len] = '\0';
	if (!(p = strchr(text, '.')) || p == text ||
	    (size_t)(p - text) > STORE_MAILBOXID_MAX)
		return -1;
	memset(f, 0, sizeof *f);
	memcpy(f->id, text, (size_t)(p - text));
	unsigned long long n[4];
	for (int i = 0; i < 4; i++) {
		if (*p != '.' || p[1] < '0' || (p[1] > '9' && p[1] < 'a') ||
		    p[1] > 'f')
			return -1;
		n[i] = strtoull(p + 1, &end, 16);
		p = end;
	}
	if (*p || n[1] > UINT32_MAX || n[2] > UINT32_MAX || n[3] > 1)
		return -1;
	f->modseq = n[0];
	f->uidnext = (uint32_t)n[1];
	f->name = (unsigned)n[2];
	f->nonempty = (int)n[3];
	return 0;
}

int mail_state_parse(const char *s, struct mail_state_folder **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (!s || s[0] != 's' || strlen(s) > JMAP_STATE_MAX)
		return -1;
	size_t count = 1;
	for (const char *p = s; *p; p++)
		count += *p == '-';
	if (!(*v = calloc(count, sizeof **v)))
		return -1;
	for (const char *p = s + 1; *p && *n < count; ) {
		size_t len = strcspn(p, "-");
		if (parse_folder(p, len, &(*v)[*n]) < 0) {
			free(*v);
			*v = NULL;
			*n = 0;
			return -1;
		}
		(*n)++;
		p += len + (p[len] == '-');
	}
	if (*n == 0) {          /* INBOX is always there */
		free(*v);
		*v = NULL;
		return -1;
	}
	return 0;
}

const struct mail_state_folder *mail_state_find(const struct mail_state_folder *v,
						size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	return NULL;
}

int jmap_changes_args(struct jmap_call *c, const char **since, size_t *max)
{
	const struct json *m = json_get(c->args, "maxChanges");
	int64_t v = 0;
	*max = SIZE_MAX;
	if (!jmap_account(c))
		return -1;
	if (!(*since = json_string(json_get(c->args, "sinceState")))) {
		jmap_invalid(c, "sinceState", "not a String");
		return -1;
	}
	if (m && m->type != JSON_NULL) {
		/* RFC 8620 §5.2: 0 is invalidArguments */
		if (!json_int(m, &v) || v <= 0) {
			jmap_invalid(c, "maxChanges", "not a positive Int");
			return -1;
		}
		*max = (size_t)v;
	}
	return 0;
}

int mail_changes_args(struct jmap_call *c, struct mail_state_folder **old,
		      size_t *nold, size_t *max)
{
	const char *since;
	if (jmap_changes_args(c, &since, max) < 0)
		return -1;
	if (mail_state_parse(since, old, nold) < 0) {
		jmap_error(c, "cannotCalculateChanges", "not a state of this server");
		return -1;
	}
	return 0;
}

void mail_changes_begin(struct jmap_call *c, const char *now, int more)
{
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "oldState");
	json_str(&c->w, json_string(json_get(c->args, "sinceState")));
	json_key(&c->w, "newState");
	json_str(&c->w, now);
	json_key(&c->w, "hasMoreChanges");
	json_bool(&c->w, more);
}

enum box_change { BOX_SAME, BOX_CREATED, BOX_UPDATED, BOX_COUNTS,
		  BOX_DESTROYED };

static enum box_change box_change(const struct mail_state_folder *was,
				  const struct mail_state_folder *is)
{
	if (!was)
		return BOX_CREATED;
	if (was->name != is->name)
		return BOX_UPDATED;
	if (was->modseq != is->modseq || was->uidnext != is->uidnext ||
	    was->nonempty != is->nonempty)
		return BOX_COUNTS;
	return BOX_SAME;
}

void mail_id_lists_init(struct mail_id_lists *l)
{
	for (int i = 0; i < 3; i++) {
		bytes_init(&l->text[i], JMAP_REQUEST_MAX);
		json_writer_init(&l->w[i], &l->text[i]);
		json_array_begin(&l->w[i]);
	}
}

void mail_id_lists_write(struct mail_id_lists *l, struct json_writer *w)
{
	static const char *const names[] = { "created", "updated", "destroyed" };
	for (int i = 0; i < 3; i++) {
		json_end(&l->w[i]);
		json_key(w, names[i]);
		json_raw(w, l->text[i].data, l->text[i].len);
		bytes_free(&l->text[i]);
	}
}

void mail_id_lists_free(struct mail_id_lists *l)
{
	for (int i = 0; i < 3; i++)
		bytes_free(&l->text[i]);
}

/* The lists of Mailbox/changes, at most max entries; the state after
 * them into now (the current one when all fit). Returns 1 when more
 * changes remain, plus 2 when every update taken is of counts only. */
static int mailbox_lists(struct mail_id_lists *l,
			 const struct mail_state_folder *old, size_t nold,
			 const struct mail_state_folder *cur, size_t ncur,
			 size_t max, char *now, size_t size)
{
	struct mail_state_folder *next = calloc(ncur + nold + 1, sizeof *next);
	size_t taken = 0, nnext = 0;
	int more = 0, counts_only = 1;
	if (!next)
		return -1;
	for (size_t i = 0; i < ncur + nold; i++) {
		const struct mail_state_folder *was = i < ncur
			? mail_state_find(old, nold, cur[i].id) : &old[i - ncur];
		if (i >= ncur && mail_state_find(cur, ncur, was->id))
			continue;
		enum box_change k = i < ncur ? box_change(was, &cur[i])
					     : BOX_DESTROYED;
		int take = k != BOX_SAME && taken < max;
		more |= k != BOX_SAME && !take;
		if (take) {
			taken++;
			counts_only &= k != BOX_UPDATED;
			json_str(&l->w[k == BOX_CREATED ? MAIL_CREATED :
				       k == BOX_DESTROYED ? MAIL_DESTROYED :
				       MAIL_UPDATED], was ? was->id : cur[i].id);
		}
		if (i < ncur && (k == BOX_SAME || take))
			next[nnext++] = cur[i];
		else if (!take && was)
			next[nnext++] = *was;
	}
	mail_state_format(next, nnext, now, size);
	free(next);
	return more | (counts_only ? 2 : 0);
}

/* RFC 8621 §2.2: updatedProperties lists the counts when only they
 * changed. */
static void updated_properties(struct json_writer *w, int counts_only)
{
	static const char *const counts[] = { "totalEmails", "unreadEmails",
					      "totalThreads", "unreadThreads" };
	json_key(w, "updatedProperties");
	if (!counts_only) {
		json_null(w);
		return;
	}
	json_array_begin(w);
	for (size_t i = 0; i < 4; i++)
		json_str(w, counts[i]);
	json_end(w);
}

void method_mailbox_changes(struct jmap_call *c)
{
	struct mail_account a;
	struct mail_state_folder *old, *cur;
	struct mail_id_lists l;
	size_t nold, max;
	char now[JMAP_STATE_MAX + 1];
	if (mail_changes_args(c, &old, &nold, &max) < 0)
		return;
	if (mail_open(c, &a) < 0) {
		free(old);
		return;
	}
	int r = -1;
	if ((cur = calloc(a.count + 1, sizeof *cur))) {
		for (size_t i = 0; i < a.count; i++)
			mail_state_of_box(&a.box[i], &cur[i]);
		mail_id_lists_init(&l);
		r = mailbox_lists(&l, old, nold, cur, a.count, max, now,
				  sizeof now);
	}
	if (r < 0) {
		jmap_error(c, "serverFail", "out of memory");
	} else {
		mail_changes_begin(c, now, r & 1);
		mail_id_lists_write(&l, &c->w);
		updated_properties(&c->w, r & 2);
		json_end(&c->w);
	}
	free(cur);
	free(old);
	mail_close(&a);
}
