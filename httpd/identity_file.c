/* identity_file.c - the file of a user's Identities (see identity.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "fsutil.h"
#include "identity.h"
#include "log.h"

#define IDENTITY_FILE "postern-identities"
#define IDENTITY_LOCK "postern-identities.lock"

const char *const identity_field_names[IDENTITY_FIELDS] = {
	"name", "replyTo", "bcc", "textSignature", "htmlSignature",
};

/* The defaults of RFC 8621 §6: "" for the strings, null addresses. */
static const struct json empty_string = { .type = JSON_STRING, .str = "" };
static const struct json null_value = { .type = JSON_NULL };

void identity_defaults(struct identity *i, const char *id)
{
	snprintf(i->id, sizeof i->id, "%s", id);
	for (int f = 0; f < IDENTITY_FIELDS; f++)
		i->field[f] = f == IDENTITY_REPLY_TO || f == IDENTITY_BCC
			      ? &null_value : &empty_string;
}

static int counter(const struct json *o, const char *key, uint64_t *out)
{
	int64_t v;
	if (!json_int(json_get(o, key), &v) || v < 0)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int read_list(struct identities *ids, const struct json *list)
{
	for (const struct json *e = list ? list->child : NULL; e; e = e->next) {
		const char *id = json_string(json_get(e, "id"));
		if (!id || strlen(id) >= IDENTITY_ID_MAX ||
		    ids->count == JMAP_IDENTITIES_MAX)
			return -1;
		struct identity *i = &ids->v[ids->count++];
		identity_defaults(i, id);
		for (int f = 0; f < IDENTITY_FIELDS; f++)
			if (json_get(e, identity_field_names[f]))
				i->field[f] = json_get(e, identity_field_names[f]);
	}
	return ids->count && !strcmp(ids->v[0].id, "I1") ? 0 : -1;
}

static int read_log(struct identities *ids, const struct json *log)
{
	for (const struct json *e = log ? log->child : NULL; e; e = e->next) {
		int64_t stamp;
		const char *id = e->child ? json_string(e->child->next) : NULL;
		const char *kind = id ? json_string(e->child->next->next) : NULL;
		if (!kind || !kind[0] || !strchr("cud", kind[0]) ||
		    !json_int(e->child, &stamp) || stamp < 0 ||
		    strlen(id) >= IDENTITY_ID_MAX ||
		    ids->nlog == JMAP_IDENTITY_LOG_MAX)
			return -1;
		struct identity_change *ch = &ids->log[ids->nlog++];
		ch->stamp = (uint64_t)stamp;
		snprintf(ch->id, sizeof ch->id, "%s", id);
		ch->kind = kind[0];
	}
	return 0;
}

/* The file's text into ids. 0 or -1 (EINVAL: not this format). */
static int parse(struct identities *ids, const struct bytes *text,
		 struct mime_arena *arena)
{
	const char *why;
	const struct json *j = json_parse(text->data ? text->data : "",
					  text->len, arena, &why);
	if (!j || counter(j, "state", &ids->state) < 0 ||
	    counter(j, "floor", &ids->floor) < 0 ||
	    counter(j, "next", &ids->next) < 0 ||
	    read_list(ids, json_get(j, "list")) < 0 ||
	    read_log(ids, json_get(j, "log")) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int identities_load(struct server *s, struct mime_arena *arena,
		    struct identities *ids, int lock)
{
	struct bytes text;
	memset(ids, 0, sizeof *ids);
	ids->lockfd = -1;
	ids->rootfd = open(s->maildir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			   O_CLOEXEC);
	if (ids->rootfd < 0)
		return -1;
	if (lock && ((ids->lockfd = openat(ids->rootfd, IDENTITY_LOCK,
					   O_RDWR | O_CREAT | O_NOFOLLOW |
					   O_CLOEXEC, 0600)) < 0 ||
		     flock(ids->lockfd, LOCK_EX) < 0))
		goto fail;
	int fd = openat(ids->rootfd, IDENTITY_FILE, O_RDONLY | O_NOFOLLOW |
			O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		identity_defaults(&ids->v[0], "I1");
		ids->count = 1;
		ids->next = 2;
		return 0;
	}
	if (fd < 0)
		goto fail;
	bytes_init(&text, JMAP_IDENTITY_FILE_MAX);
	int rc = fd_read_all(fd, &text);
	close(fd);
	if (rc == 0)
		rc = parse(ids, &text, arena);
	bytes_free(&text);
	if (rc == 0)
		return 0;
	log_event("event=identities-unreadable errno=%d", errno);
fail:
	identities_close(ids);
	return -1;
}

void identities_close(struct identities *ids)
{
	if (ids->lockfd >= 0)
		close(ids->lockfd);
	if (ids->rootfd >= 0)
		close(ids->rootfd);
	ids->lockfd = ids->rootfd = -1;
}

struct identity *identities_find(struct identities *ids, const char *id)
{
	for (size_t i = 0; id && i < ids->count; i++)
		if (!strcmp(ids->v[i].id, id))
			return &ids->v[i];
	return NULL;
}

void identities_note(struct identities *ids, const char *id, char kind)
{
	if (ids->nlog == JMAP_IDENTITY_LOG_MAX) {
		ids->floor = ids->log[0].stamp;
		memmove(ids->log, ids->log + 1, --ids->nlog * sizeof *ids->log);
	}
	struct identity_change *ch = &ids->log[ids->nlog++];
	ch->stamp = ++ids->state;
	snprintf(ch->id, sizeof ch->id, "%s", id);
	ch->kind = kind;
}

static void write_identity(struct json_writer *w, const struct identity *i)
{
	json_object_begin(w);
	json_key(w, "id");
	json_str(w, i->id);
	for (int f = 0; f < IDENTITY_FIELDS; f++) {
		json_key(w, identity_field_names[f]);
		json_value(w, i->field[f]);
	}
	json_end(w);
}

int identity_fits(const struct identity *i)
{
	struct bytes b;
	struct json_writer w;
	bytes_init(&b, JMAP_IDENTITY_MAX);
	json_writer_init(&w, &b);
	write_identity(&w, i);
	int ok = !w.error;
	bytes_free(&b);
	return ok;
}

int identities_save(struct identities *ids)
{
	struct bytes b;
	struct json_writer w;
	bytes_init(&b, JMAP_IDENTITY_FILE_MAX);
	json_writer_init(&w, &b);
	json_object_begin(&w);
	const char *keys[] = { "version", "state", "floor", "next" };
	const uint64_t values[] = { 1, ids->state, ids->floor, ids->next };
	for (int k = 0; k < 4; k++) {
		json_key(&w, keys[k]);
		json_int64(&w, (int64_t)values[k]);
	}
	json_key(&w, "list");
	json_array_begin(&w);
	for (size_t i = 0; i < ids->count; i++)
		write_identity(&w, &ids->v[i]);
	json_end(&w);
	json_key(&w, "log");
	json_array_begin(&w);
	for (size_t i = 0; i < ids->nlog; i++) {
		char kind[2] = { ids->log[i].kind, '\0' };
		json_array_begin(&w);
		json_int64(&w, (int64_t)ids->log[i].stamp);
		json_str(&w, ids->log[i].id);
		json_str(&w, kind);
		json_end(&w);
	}
	json_end(&w);
	json_end(&w);
	int rc = w.error ? (errno = E2BIG, -1)
		 : file_write_atomic_at(ids->rootfd, IDENTITY_FILE, b.data,
					b.len, 0600);
	bytes_free(&b);
	return rc;
}

void identities_state(const struct identities *ids, char *out, size_t size)
{
	snprintf(out, size, "i%llu", (unsigned long long)ids->state);
}
