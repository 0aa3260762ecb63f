/* identity.h - a user's JMAP Identities (RFC 8621 §6) and the file that
 * keeps them (identity_file.c is its one owner).
 *
 * ON DISK: ROOT/postern-identities in the user's Maildir, one JSON
 * object, replaced whole (file_write_atomic_at, opened O_NOFOLLOW)
 * under an flock of ROOT/postern-identities.lock:
 *   {"version": 1, "state": N, "floor": F, "next": K,
 *    "list": [{"id": "I1", "name": "", "replyTo": null, "bcc": null,
 *              "textSignature": "", "htmlSignature": ""}, ...],
 *    "log": [[STAMP, "I2", "c"], ...]}
 * N counts the changes (the Identity state is "i" and N), K numbers the
 * next Identity made ("I" K); the log holds the last
 * JMAP_IDENTITY_LOG_MAX changes (c created, u updated, d destroyed),
 * each with its own N, and F is the N of the last one dropped: changes
 * since a state below F cannot be told. A missing file is state 0 with
 * one Identity, I1, the login address's, which cannot be destroyed.
 * Every Identity's email is the login address (submission enforces
 * it), so it is not stored. */
#ifndef HTTPD_IDENTITY_H
#define HTTPD_IDENTITY_H
#include <stddef.h>
#include <stdint.h>
#include "httpd.h"
#include "json.h"
#include "limits.h"

enum { IDENTITY_NAME, IDENTITY_REPLY_TO, IDENTITY_BCC,
       IDENTITY_TEXT_SIGNATURE, IDENTITY_HTML_SIGNATURE, IDENTITY_FIELDS };
/* Their property names, in that order. */
extern const char *const identity_field_names[IDENTITY_FIELDS];

#define IDENTITY_ID_MAX 16

struct identity {
	char id[IDENTITY_ID_MAX];
	const struct json *field[IDENTITY_FIELDS];      /* in the arena */
};

struct identity_change {
	uint64_t stamp;
	char id[IDENTITY_ID_MAX];
	char kind;                      /* 'c', 'u', 'd' */
};

struct identities {
	uint64_t state, floor, next;
	size_t count;
	struct identity v[JMAP_IDENTITIES_MAX];
	size_t nlog;
	struct identity_change log[JMAP_IDENTITY_LOG_MAX];
	int rootfd, lockfd;             /* -1 when not open */
};

/* i with id and RFC 8621 §6's defaults: "" for the strings, null for
 * the addresses. */
void identity_defaults(struct identity *i, const char *id);
/* Read s's identities (values allocated from arena). With lock, the
 * file's lock is taken (exclusive) first and held until
 * identities_close. 0, or -1 with errno (and ids closed). */
int identities_load(struct server *s, struct mime_arena *arena,
		    struct identities *ids, int lock);
void identities_close(struct identities *ids);
/* The Identity with id id, or NULL. */
struct identity *identities_find(struct identities *ids, const char *id);
/* Record a change of Identity id: the state goes up by one and the log
 * takes it (dropping its oldest entry when full). */
void identities_note(struct identities *ids, const char *id, char kind);
/* Write the file whole. 0, or -1 with errno (the file as it was). */
int identities_save(struct identities *ids);
/* The state string "iN" into out. */
void identities_state(const struct identities *ids, char *out, size_t size);
/* Is text (a JSON value) within JMAP_IDENTITY_MAX once written? */
int identity_fits(const struct identity *i);

#endif
