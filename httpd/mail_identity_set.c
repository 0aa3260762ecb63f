/* mail_identity_set.c - Identity/set (RFC 8621 §6.3, RFC 8620 §5.3):
 * the identities file read and written once, under its lock (see
 * identity.h and mail_identity.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "address.h"
#include "identity.h"
#include "log.h"
#include "mail.h"

struct identity_set {
	struct jmap_call *c;
	struct identities *ids;
	struct mail_set_result r;
	const struct json *destroy;
};

struct id_error {
	const char *type, *property, *description;
};

static int fail(struct id_error *e, const char *type, const char *property,
		const char *description)
{
	*e = (struct id_error){ type, property, description };
	return -1;
}

/* EmailAddress[]|null (RFC 8621 §4.1.2.3): objects with an "email"
 * that is a mailbox and a "name" that is a String or null. */
static int addresses_ok(const struct json *v)
{
	if (v->type == JSON_NULL)
		return 1;
	if (v->type != JSON_ARRAY)
		return 0;
	for (const struct json *a = v->child; a; a = a->next) {
		struct address parsed;
		const char *why, *email = json_string(json_get(a, "email"));
		const struct json *name = json_get(a, "name");
		if (a->type != JSON_OBJECT || !email ||
		    a->len != 1 + (name != NULL) ||
		    (name && name->type != JSON_NULL && name->type != JSON_STRING) ||
		    address_parse_mailbox(email, &parsed, ADDRESS_ALLOW_UTF8,
					  &why) < 0)
			return 0;
	}
	return 1;
}

/* Take member p of a create or a patch into i (the editable fields);
 * server-set and immutable ones only at their values. 0, or -1 with e. */
static int take(struct identity_set *m, struct identity *i,
		const struct json *p, struct id_error *e)
{
	for (int f = 0; f < IDENTITY_FIELDS; f++) {
		if (strcmp(p->key, identity_field_names[f]))
			continue;
		int addr = f == IDENTITY_REPLY_TO || f == IDENTITY_BCC;
		if (addr ? !addresses_ok(p) : p->type != JSON_STRING)
			return fail(e, "invalidProperties", p->key, addr ?
				    "not EmailAddress[] or null" : "not a String");
		i->field[f] = p;
		return 0;
	}
	if (!strcmp(p->key, "email")) {
		/* §6.3: the server may forbid an address: every Identity
		 * sends as the login address */
		if (json_string(p) && !strcasecmp(p->str, m->c->s->user))
			return 0;
		return fail(e, "forbiddenFrom", "email", "an Identity sends as "
			    "the login address");
	}
	if ((!strcmp(p->key, "id") && json_string(p) && !strcmp(p->str, i->id)) ||
	    (!strcmp(p->key, "mayDelete") && p->type ==
	     (strcmp(i->id, "I1") ? JSON_TRUE : JSON_FALSE)))
		return 0;
	if (strchr(p->key, '/'))        /* RFC 8620 §5.3: no deeper path */
		return fail(e, "invalidPatch", NULL, NULL);
	return fail(e, "invalidProperties", p->key, "not a property that "
		    "can be set to this");
}

static int create_one(struct identity_set *m, const struct json *o,
		      struct identity *made, struct id_error *e)
{
	struct identities *ids = m->ids;
	char id[IDENTITY_ID_MAX];
	snprintf(id, sizeof id, "I%llu", (unsigned long long)ids->next);
	identity_defaults(made, id);
	if (o->type != JSON_OBJECT)
		return fail(e, "invalidProperties", NULL, "not an object");
	if (!json_get(o, "email"))
		return fail(e, "invalidProperties", "email", "missing");
	for (const struct json *p = o->child; p; p = p->next) {
		if (!strcmp(p->key, "id") || !strcmp(p->key, "mayDelete"))
			return fail(e, "invalidProperties", p->key, "server-set");
		if (take(m, made, p, e) < 0)
			return -1;
	}
	if (!identity_fits(made))
		return fail(e, "tooLarge", NULL, NULL);
	if (ids->count == JMAP_IDENTITIES_MAX)
		return fail(e, "overQuota", NULL, NULL);
	ids->v[ids->count++] = *made;
	ids->next++;
	identities_note(ids, made->id, 'c');
	return 0;
}

/* "key": the server-set and defaulted properties of a new Identity. */
static void write_created(struct identity_set *m, const char *key,
			  const struct json *o, const struct identity *i)
{
	struct json_writer *w = &m->r.w[SET_CREATED];
	json_key(w, key);
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, i->id);
	json_key(w, "mayDelete");
	json_bool(w, 1);
	for (int f = 0; f < IDENTITY_FIELDS; f++)
		if (!json_get(o, identity_field_names[f])) {
			json_key(w, identity_field_names[f]);
			json_value(w, i->field[f]);
		}
	json_end(w);
}

static int will_destroy(struct identity_set *m, const char *id)
{
	for (const struct json *d = m->destroy ? m->destroy->child : NULL; d;
	     d = d->next)
		if (json_string(d) && !strcmp(d->str, id))
			return 1;
	return 0;
}

static int update_one(struct identity_set *m, const char *id,
		      const struct json *patch, struct id_error *e)
{
	struct identity *i = identities_find(m->ids, id), changed;
	if (!i)
		return fail(e, "notFound", NULL, NULL);
	if (will_destroy(m, id))
		return fail(e, "willDestroy", NULL, NULL);
	if (patch->type != JSON_OBJECT)
		return fail(e, "invalidPatch", NULL, "not an object");
	changed = *i;
	for (const struct json *p = patch->child; p; p = p->next)
		if (take(m, &changed, p, e) < 0)
			return -1;
	if (!identity_fits(&changed))
		return fail(e, "tooLarge", NULL, NULL);
	*i = changed;
	identities_note(m->ids, id, 'u');
	return 0;
}

static int destroy_one(struct identity_set *m, const char *id,
		       struct id_error *e)
{
	struct identity *i = identities_find(m->ids, id);
	if (!i)
		return fail(e, "notFound", NULL, NULL);
	if (!strcmp(id, "I1"))
		return fail(e, "forbidden", NULL, "the login address's "
			    "Identity (mayDelete: false)");
	size_t k = (size_t)(i - m->ids->v);
	memmove(i, i + 1, (m->ids->count - k - 1) * sizeof *i);
	m->ids->count--;
	identities_note(m->ids, id, 'd');
	return 0;
}

static void run(struct identity_set *m, const struct json *create,
		const struct json *update)
{
	struct jmap_call *c = m->c;
	for (const struct json *o = create ? create->child : NULL; o; o = o->next) {
		struct id_error e;
		struct identity made;
		if (create_one(m, o, &made, &e) < 0) {
			mail_set_error_property(&m->r.w[SET_NOT_CREATED], o->key,
						e.type, e.description, e.property);
			continue;
		}
		write_created(m, o->key, o, &made);
		jmap_created(c, o->key, made.id);
	}
	for (const struct json *u = update ? update->child : NULL; u; u = u->next) {
		struct id_error e;
		const char *id = jmap_id(c, u->key);
		if (!id ? fail(&e, "notFound", NULL, NULL) < 0
		    : update_one(m, id, u, &e) < 0) {
			mail_set_error_property(&m->r.w[SET_NOT_UPDATED], u->key,
						e.type, e.description, e.property);
			continue;
		}
		json_key(&m->r.w[SET_UPDATED], u->key);
		json_null(&m->r.w[SET_UPDATED]);
	}
	for (const struct json *d = m->destroy ? m->destroy->child : NULL; d;
	     d = d->next) {
		struct id_error e;
		const char *id = jmap_id(c, json_string(d));
		if (!id ? fail(&e, "notFound", NULL, NULL) < 0
		    : destroy_one(m, id, &e) < 0)
			mail_set_error_property(&m->r.w[SET_NOT_DESTROYED],
						json_string(d) ? d->str : "?",
						e.type, e.description, e.property);
		else
			json_str(&m->r.w[SET_DESTROYED], id);
	}
}

void method_identity_set(struct jmap_call *c)
{
	const struct json *create, *update;
	const char *if_in = json_string(json_get(c->args, "ifInState"));
	char old[32], now[32];
	struct identity_set m;
	memset(&m, 0, sizeof m);
	m.c = c;
	m.ids = malloc(sizeof *m.ids);
	if (!m.ids) {
		jmap_error(c, "serverFail", "out of memory");
		return;
	}
	if (mail_set_args(c, &create, &update, &m.destroy) < 0 ||
	    identities_load(c->s, c->arena, m.ids, 1) < 0) {
		if (!c->error)
			jmap_error(c, "serverFail", "the identities cannot be read");
		free(m.ids);
		return;
	}
	identities_state(m.ids, old, sizeof old);
	if (if_in && strcmp(if_in, old)) {
		jmap_error(c, "stateMismatch", NULL);
	} else {
		mail_set_result_init(&m.r);
		run(&m, create, update);
		identities_state(m.ids, now, sizeof now);
		if (strcmp(now, old) && identities_save(m.ids) < 0) {
			log_event("event=identities-write-error errno=%d", errno);
			jmap_error(c, "serverFail", "the identities cannot be written");
			mail_set_result_free(&m.r);
		} else {
			mail_set_result_write(c, &m.r, old, now);
		}
	}
	identities_close(m.ids);
	free(m.ids);
}
