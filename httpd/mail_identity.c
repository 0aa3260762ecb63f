/* mail_identity.c - Identity/get, Identity/changes and Identity/set
 * (RFC 8621 §6) over the user's identities file (identity.h).
 *
 * Every Identity sends as the login address, which submission enforces:
 * one made with another email is forbiddenFrom (§6.3), and email is
 * immutable. name, replyTo, bcc, textSignature and htmlSignature are the
 * user's to change; I1, the login address's own, has mayDelete false. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "address.h"
#include "identity.h"
#include "log.h"
#include "mail.h"

static void write_one(struct jmap_call *c, const struct identity *i,
		      const struct json *props)
{
	struct json_writer *w = &c->w;
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, i->id);
	if (mail_wants(props, "email")) {
		json_key(w, "email");
		json_str(w, c->s->user);
	}
	for (int f = 0; f < IDENTITY_FIELDS; f++)
		if (mail_wants(props, identity_field_names[f])) {
			json_key(w, identity_field_names[f]);
			json_value(w, i->field[f]);
		}
	if (mail_wants(props, "mayDelete")) {
		json_key(w, "mayDelete");
		json_bool(w, strcmp(i->id, "I1") != 0);
	}
	json_end(w);
}

static int load(struct jmap_call *c, struct identities *ids, int lock)
{
	if (identities_load(c->s, c->arena, ids, lock) == 0)
		return 0;
	jmap_error(c, "serverFail", "the identities cannot be read");
	return -1;
}

void method_identity_get(struct jmap_call *c)
{
	struct identities *ids = malloc(sizeof *ids);
	const struct json *want, *props = json_get(c->args, "properties");
	char state[32];
	if (!ids) {
		jmap_error(c, "serverFail", "out of memory");
		return;
	}
	if (!jmap_account(c) || !mail_ids_arg(c, &want) || load(c, ids, 0) < 0) {
		free(ids);
		return;
	}
	identities_state(ids, state, sizeof state);
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "state");
	json_str(&c->w, state);
	json_key(&c->w, "list");
	json_array_begin(&c->w);
	for (size_t i = 0; !want && i < ids->count; i++)
		write_one(c, &ids->v[i], props);
	for (const struct json *id = want ? want->child : NULL; id; id = id->next)
		if (identities_find(ids, json_string(id)))
			write_one(c, identities_find(ids, id->str), props);
	json_end(&c->w);
	json_key(&c->w, "notFound");
	json_array_begin(&c->w);
	for (const struct json *id = want ? want->child : NULL; id; id = id->next)
		if (!identities_find(ids, json_string(id)))
			json_value(&c->w, id);
	json_end(&c->w);
	json_end(&c->w);
	identities_close(ids);
	free(ids);
}

/* The net change of one Identity over the log entries taken. */
struct net {
	const char *id;
	char first, last;
};

/* The changes since state since, at most max Identities (RFC 8620
 * §5.2): the log's entries after since, in order, while they name at
 * most max Identities; *cut gets the stamp of the last taken. */
static size_t net_changes(const struct identities *ids, uint64_t since,
			  size_t max, struct net *v, uint64_t *cut)
{
	size_t n = 0;
	*cut = since;
	for (size_t i = 0; i < ids->nlog; i++) {
		const struct identity_change *ch = &ids->log[i];
		size_t k;
		if (ch->stamp <= since)
			continue;
		for (k = 0; k < n && strcmp(v[k].id, ch->id); k++);
		if (k == n && n == max)
			break;
		if (k == n)
			v[n++] = (struct net){ ch->id, ch->kind, ch->kind };
		v[k].last = ch->kind;
		*cut = ch->stamp;
	}
	return n;
}

void method_identity_changes(struct jmap_call *c)
{
	struct identities *ids = malloc(sizeof *ids);
	struct net *v = calloc(JMAP_IDENTITY_LOG_MAX, sizeof *v);
	struct mail_id_lists l;
	const char *since;
	char *end, now[32];
	size_t max;
	if (!ids || !v) {
		jmap_error(c, "serverFail", "out of memory");
	} else if (jmap_changes_args(c, &since, &max) == 0 && load(c, ids, 0) == 0) {
		unsigned long long n = since[0] == 'i' && since[1] >= '0' &&
				       since[1] <= '9' ? strtoull(since + 1, &end, 10) : 0;
		uint64_t cut;
		if (since[0] != 'i' || since[1] < '0' || since[1] > '9' || *end ||
		    n > ids->state || n < ids->floor) {
			jmap_error(c, "cannotCalculateChanges", "not a state of "
				   "these Identities, or too old");
		} else {
			size_t count = net_changes(ids, n, max, v, &cut);
			int more = cut < ids->state;
			snprintf(now, sizeof now, "i%llu", (unsigned long long)cut);
			mail_id_lists_init(&l);
			for (size_t k = 0; k < count; k++)
				if (!(v[k].first == 'c' && v[k].last == 'd'))
					json_str(&l.w[v[k].first == 'c' ? MAIL_CREATED
						      : v[k].last == 'd' ? MAIL_DESTROYED
						      : MAIL_UPDATED], v[k].id);
			mail_changes_begin(c, now, more);
			mail_id_lists_write(&l, &c->w);
			json_end(&c->w);
		}
		identities_close(ids);
	}
	free(v);
	free(ids);
}

int mail_identity_exists(struct jmap_call *c, const char *id)
{
	struct identities *ids = malloc(sizeof *ids);
	int found = ids && identities_load(c->s, c->arena, ids, 0) == 0 &&
		    identities_find(ids, id) != NULL;
	if (ids)
		identities_close(ids);
	free(ids);
	return found;
}

void mail_identity_type_state(struct server *s, struct json_writer *w)
{
	struct identities *ids = malloc(sizeof *ids);
	struct mime_arena arena;
	char state[32];
	mime_arena_init(&arena);
	if (ids && identities_load(s, &arena, ids, 0) == 0) {
		identities_state(ids, state, sizeof state);
		identities_close(ids);
		json_key(w, "Identity");
		json_str(w, state);
	}
	free(ids);
	mime_arena_free(&arena);
}
