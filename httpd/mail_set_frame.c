/* mail_set_frame.c - what every Foo/set of RFC 8620 §5.3 shares: the
 * arguments' shape, ifInState, the six result maps and the response
 * around them, and SetError objects. Email/set and Mailbox/set fill in
 * the maps. */
#include <string.h>
#include "mail.h"

static const char *const result_names[] = { "created", "notCreated",
					    "updated", "notUpdated",
					    "destroyed", "notDestroyed" };

int mail_set_args(struct jmap_call *c, const struct json **create,
		  const struct json **update, const struct json **destroy)
{
	*create = json_get(c->args, "create");
	*update = json_get(c->args, "update");
	*destroy = json_get(c->args, "destroy");
	if (!jmap_account(c))
		return -1;
	if ((*create && (*create)->type != JSON_OBJECT &&
	     (*create)->type != JSON_NULL) ||
	    (*update && (*update)->type != JSON_OBJECT &&
	     (*update)->type != JSON_NULL) ||
	    (*destroy && (*destroy)->type != JSON_ARRAY &&
	     (*destroy)->type != JSON_NULL)) {
		jmap_invalid(c, "create/update/destroy", "wrong type");
		return -1;
	}
	size_t n = (*create ? (*create)->len : 0) + (*update ? (*update)->len : 0) +
		   (*destroy ? (*destroy)->len : 0);
	if (n > JMAP_OBJECTS_MAX) {
		jmap_error(c, "requestTooLarge", NULL);
		return -1;
	}
	const struct json *if_in = json_get(c->args, "ifInState");
	if (if_in && if_in->type != JSON_NULL && if_in->type != JSON_STRING) {
		jmap_invalid(c, "ifInState", "not a String");
		return -1;
	}
	return 0;
}

int mail_set_open(struct jmap_call *c, struct mail_account *a, char *old,
		  size_t size)
{
	const char *if_in = json_string(json_get(c->args, "ifInState"));
	if (mail_open(c, a) < 0)
		return -1;
	mail_state(a, old, size);
	if (if_in && strcmp(if_in, old)) {
		jmap_error(c, "stateMismatch", NULL);
		mail_close(a);
		return -1;
	}
	return 0;
}

void mail_set_result_init(struct mail_set_result *r)
{
	for (int i = 0; i < 6; i++) {
		bytes_init(&r->text[i], JMAP_REQUEST_MAX);
		json_writer_init(&r->w[i], &r->text[i]);
		if (i == SET_DESTROYED)
			json_array_begin(&r->w[i]);
		else
			json_object_begin(&r->w[i]);
	}
}

void mail_set_result_write(struct jmap_call *c, struct mail_set_result *r,
			   const char *old, const char *now)
{
	json_object_begin(&c->w);
	json_key(&c->w, "accountId");
	json_str(&c->w, c->s->account);
	json_key(&c->w, "oldState");
	json_str(&c->w, old);
	json_key(&c->w, "newState");
	json_str(&c->w, now);
	for (int i = 0; i < 6; i++) {
		json_end(&r->w[i]);
		json_key(&c->w, result_names[i]);
		json_raw(&c->w, r->text[i].data, r->text[i].len);
	}
	json_end(&c->w);
	mail_set_result_free(r);
}

void mail_set_result_end(struct jmap_call *c, struct mail_set_result *r,
			 const char *old)
{
	struct mail_account a;
	char now[JMAP_STATE_MAX + 1];
	if (mail_open(c, &a) < 0) {
		mail_set_result_free(r);
		return;
	}
	mail_state(&a, now, sizeof now);
	mail_close(&a);
	mail_set_result_write(c, r, old, now);
}

void mail_set_result_free(struct mail_set_result *r)
{
	for (int i = 0; i < 6; i++)
		bytes_free(&r->text[i]);
}

void mail_set_error_property(struct json_writer *w, const char *key,
			     const char *type, const char *description,
			     const char *property)
{
	json_key(w, key);
	json_object_begin(w);
	json_key(w, "type");
	json_str(w, type);
	if (description) {
		json_key(w, "description");
		json_str(w, description);
	}
	if (property) {         /* §5.3: invalidProperties names them */
		json_key(w, "properties");
		json_array_begin(w);
		json_str(w, property);
		json_end(w);
	}
	json_end(w);
}

void mail_set_error(struct json_writer *w, const char *key,
		    const char *type, const char *description)
{
	mail_set_error_property(w, key, type, description, NULL);
}
