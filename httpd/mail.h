/* mail.h - JMAP Mail (RFC 8621) over the mail store (lib/store.h).
 *
 * Ids. A Mailbox id is the folder's MAILBOXID (RFC 8474), which travels
 * with it on RENAME. An Email id is "M" and the message's Maildir unique
 * name (stable across flag changes and moves) with every octet outside
 * [A-Za-z0-9] written "_XX"; its blob is "B" and the same, a part's
 * "P", the part number with "x" for ".", "-", and the same. Threads
 * are computed (mail_threads.c), and one Email is in one Mailbox (a
 * Maildir file is in one folder).
 *
 * States. The Mailbox and Email states list each folder's MAILBOXID and
 * HIGHESTMODSEQ (the store's CONDSTORE counter), so a flag change made
 * over IMAP changes the JMAP state, and the reverse. */
#ifndef HTTPD_MAIL_H
#define HTTPD_MAIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "bytes.h"
#include "jmap.h"
#include "mail_sort.h"
#include "mail_thread.h"
#include "mime.h"
#include "store.h"
#include "store_cache.h"

#define JMAP_MAIL "urn:ietf:params:jmap:mail"
#define JMAP_SUBMISSION "urn:ietf:params:jmap:submission"

/* One folder of the account. */
struct mail_box {
	char *name;                     /* "INBOX" or the Maildir++ name */
	const char *role;               /* RFC 8621 role, or NULL */
	char role_text[16];             /* ...its text ("" none) */
	struct store_status status;
	int subscribed;
	struct store_folder *view;      /* opened when needed */
	uint32_t threads, unread_threads;       /* when Mailbox/get counts */
	struct mail_cache *cache;       /* mail_cache.c: loaded on first use */
	long maxsize;                   /* the server's: bounds a read */
};

struct mail_account {
	struct store st;
	long maxsize;                   /* the server's (control "maxsize") */
	size_t count;
	struct mail_box *box;           /* INBOX first, then by name */
};

/* One message found by id. */
struct mail_ref {
	struct mail_box *box;
	size_t index;                   /* in box->view->msgs */
};

/* mail_account.c ------------------------------------------------------ */

/* Open the user's store and list the folders with their counts.
 * 0, or -1 (the call's error set to serverFail). */
int mail_open(struct jmap_call *c, struct mail_account *a);
void mail_close(struct mail_account *a);
/* The account for a call that only reads (Email/query, Email/get,
 * Mailbox/get, Thread/get): opened once per JMAP request and shared by
 * the reading calls that follow, so its indexes and folder caches are
 * read once (a call that may write opens its own with mail_open, which
 * first closes the shared one: the calls after it see its changes).
 * NULL with the call's error set. Give it back with mail_done. */
struct mail_account *mail_use(struct jmap_call *c);
/* The end of a call's use of a (closed unless the request keeps it). */
void mail_done(struct jmap_call *c, struct mail_account *a);
/* Close the request's shared account, if any (*shared NULL after). */
void mail_shared_close(struct mail_account **shared);
/* The folder's view (opened, synced, on first use). NULL on error. */
struct store_folder *mail_view(struct mail_account *a, struct mail_box *b);
/* The RFC 8621 role of folder: its SPECIAL-USE attribute (RFC 6154: the
 * one recorded by CREATE-SPECIAL-USE or Mailbox/set, else the one its
 * name gives; lib/folder.h) in lower case, into out: 1, or 0 when it
 * has none. */
int mail_role_of(struct store *st, const char *folder, char *out,
		 size_t size);
/* The folder with Mailbox id id, or NULL. */
struct mail_box *mail_box_by_id(struct mail_account *a, const char *id);
/* The folder of a role ("sent", "drafts"...), or NULL. */
struct mail_box *mail_box_by_role(struct mail_account *a, const char *role);
/* Find the message with Email id id: 1 with *ref set, 0 none, -1 error. */
int mail_find(struct mail_account *a, const char *id, struct mail_ref *ref);
/* Parse a message from its file, never held whole (lib/mime reads it
 * through a window; sizes are those of the CRLF form): the message, with
 * the file open in *fd until after mime_free (close it then), *received
 * its mtime; NULL (fd -1) when it cannot be read. */
struct mime_message *mail_parse(struct mail_ref *ref, int *fd,
				time_t *received);
/* mail_cache.c: what the folder cache (lib/store_cache.h) knows of a
 * message, filled in from the file (and saved at mail_close) when it
 * does not know it yet. So the second request and every later
 * connection read no message file for these. */
/* receivedAt: the file's mtime (a stat the first time). */
time_t mail_received(struct mail_ref *ref);
/* The size on the wire (CRLF octets): from the file name, the cache, or
 * by reading the message (then its summary is made too). -1 when the
 * file cannot be read. */
long long mail_size(struct mail_ref *ref);
/* The message's summary (store_cache.h): 0 with *s set (a summary made
 * now when missing: the message read and parsed), or -1 when there is
 * none usable (unreadable, or a field too long: read the file). */
int mail_summary(struct mail_ref *ref, struct store_summary *s);
/* Save what was learnt and drop the caches (mail_close does it). */
void mail_cache_close(struct mail_account *a);

/* mail_state.c: the Mailbox/Email/Thread state (one string for the
 * three types) of the account as it was opened, into out (size bytes,
 * JMAP_STATE_MAX + 1 is enough). */
void mail_state(struct mail_account *a, char *out, size_t size);

/* One folder in a state string. */
struct mail_state_folder {
	char id[STORE_MAILBOXID_MAX + 1];       /* MAILBOXID */
	uint64_t modseq;                        /* HIGHESTMODSEQ */
	uint32_t uidnext;                       /* UIDNEXT: UIDs below
						 * existed in this state */
	unsigned name;                          /* hash of name, subscription */
	int nonempty;                           /* had messages */
};
/* The entry of folder b now. */
void mail_state_of_box(const struct mail_box *b, struct mail_state_folder *out);
/* The state string of v[0..n) into out (a hash when it does not fit). */
void mail_state_format(const struct mail_state_folder *v, size_t n,
		       char *out, size_t size);
/* The folders of state s into *v (malloc'd), *n. 0, or -1 when s is not
 * a state this server can compute changes from. */
int mail_state_parse(const char *s, struct mail_state_folder **v, size_t *n);
/* The entry of MAILBOXID id in v[0..n), or NULL. */
const struct mail_state_folder *mail_state_find(const struct mail_state_folder *v,
						size_t n, const char *id);
/* A Foo/changes call's generic arguments (RFC 8620 §5.2): the account,
 * sinceState (*since), maxChanges (*max, SIZE_MAX when null). 0, or -1
 * with the error set. */
int jmap_changes_args(struct jmap_call *c, const char **since, size_t *max);
/* A Foo/changes call's arguments (RFC 8620 §5.2): the account, the
 * sinceState's folders into *old (malloc'd), maxChanges into *max
 * (SIZE_MAX when null). 0, or -1 with the error set. */
int mail_changes_args(struct jmap_call *c, struct mail_state_folder **old,
		      size_t *nold, size_t *max);
/* Begin the response: accountId, oldState, newState, hasMoreChanges;
 * the caller adds its lists and ends the object. */
void mail_changes_begin(struct jmap_call *c, const char *now, int more);

/* The created, updated and destroyed id lists of a /changes response,
 * written apart and then put in the response by mail_id_lists_write
 * (which frees them; mail_id_lists_free when not written). */
enum { MAIL_CREATED, MAIL_UPDATED, MAIL_DESTROYED };
struct mail_id_lists {
	struct bytes text[3];
	struct json_writer w[3];
};
void mail_id_lists_init(struct mail_id_lists *l);
void mail_id_lists_write(struct mail_id_lists *l, struct json_writer *w);
void mail_id_lists_free(struct mail_id_lists *l);

/* mail_threads.c: the Thread of every message of the account (see
 * there). */
struct mail_thread_msg {
	const char *unique;             /* the view's */
	struct mail_box *box;
	size_t index;                   /* in box->view->msgs */
	time_t received;
	struct mail_fields fields;
	int read;                       /* fields to free */
	char thread[18];                /* "T" and 16 hex digits */
};
struct mail_threads {
	size_t n;
	struct mail_thread_msg *v;      /* by unique name (arrival order) */
	const char **ids;               /* the distinct Thread ids, sorted */
	size_t nids;
};
/* Read every message's header and thread them. 0, or -1 (t empty). */
int mail_threads_build(struct mail_account *a, struct mail_threads *t);
/* The place of Thread id id in t->ids, or SIZE_MAX. */
size_t mail_threads_index(const struct mail_threads *t, const char *id);
/* The Thread id of the message with unique name unique, or NULL. */
const char *mail_threads_of(const struct mail_threads *t, const char *unique);
void mail_threads_free(struct mail_threads *t);
/* The Thread id of one message (the views synced first) into out.
 * 0 or -1. */
int mail_thread_id(struct mail_account *a, const char *unique, char *out,
		   size_t size);

/* mail_blob.c: a message's or a part's blob (see above), a piece at a
 * time, never the whole blob in memory. */
struct mail_blob {
	struct jmap_call c;
	struct mail_account a;
	int opened;                     /* a is open */
	int fd;                         /* the message file, or -1 */
	struct mime_message *m;         /* parsed from fd */
	const struct mime_part *part;   /* a part's blob; NULL: the message */
};
/* Find blob id (of a message or part; not an upload): 1 found, 0 no
 * such blob, -1 error. Call mail_blob_close whatever it returns. */
int mail_blob_open(struct server *s, const char *id, struct mail_blob *b);
/* Hand the blob's octets to fn in pieces: fn's first non-zero result,
 * 0, or -1 (read error). May be called again (a counting pass, then a
 * sending one). */
int mail_blob_each(struct mail_blob *b, mime_sink *fn, void *ctx);
void mail_blob_close(struct mail_blob *b);

/* mail_ids.c ---------------------------------------------------------- */

/* prefix and the escaped unique name into out (size bytes). 0 or -1. */
int mail_id(char prefix, const char *unique, char *out, size_t size);
/* The unique name of an id with that prefix into out. 0 or -1. */
int mail_id_unique(char prefix, const char *id, char *out, size_t size);
/* An instant as RFC 3339 UTCDate ("2020-01-01T00:00:00Z"). */
void mail_utc_date(time_t t, char out[32]);
/* Parse a UTCDate. 0 or -1. */
int mail_parse_date(const char *s, time_t *out);
/* Keyword names <-> store flags: the system ones. */
const char *mail_keyword_of_flag(unsigned flag);
unsigned mail_flag_of_keyword(const char *keyword);

/* mail_query.c: the results of an Email/query or queryChanges call's
 * filter, sort and collapseThreads (RFC 8621 §4.4): the unique names in
 * order into *out (malloc'd array of pointers into a's views), *count.
 * 0, or -1 with the error set. */
int mail_query_run(struct jmap_call *c, struct mail_account *a,
		   const char ***out, size_t *count);
/* mail_query_changes.c: the /query answer (RFC 8620 §5.5: limit,
 * position, anchor, anchorOffset, calculateTotal) over the results
 * r[0..n) of a query of account a: Email unique names made ids when kind
 * is 'M', ids as they are when 0. The error instead when an argument is
 * wrong. */
void mail_query_answer(struct jmap_call *c, struct mail_account *a,
		       const char *const *r, size_t n, char kind,
		       int can_calculate);
/* Where Email id id is in r[0..n), or SIZE_MAX. */
size_t mail_query_index(const char *const *r, size_t n, const char *id);
/* Can queryChanges tell this query's changes (no collapseThreads, no
 * condition on other messages of a Thread)? 1 / 0. */
int mail_query_can_calculate(struct jmap_call *c);
/* Does the filter use a property a message changes (folder,
 * keywords)? 1 / 0. */
int mail_query_mutable(struct jmap_call *c);

/* mail_changes.c: every Email created, updated or destroyed since the
 * Email state since, as unique names into *out (malloc'd, each
 * malloc'd), *n; the state they lead to into now. 0, or -1 with the
 * error set (cannotCalculateChanges when they cannot be told). */
int mail_changed_since(struct jmap_call *c, struct mail_account *a,
		       const char *since, char ***out, size_t *n, char *now,
		       size_t size);

/* mail_mailbox.c: is property name asked for (properties absent or
 * null: all)? The "ids" argument: 1 with *ids (NULL when null), 0 with
 * the error set. */
int mail_wants(const struct json *properties, const char *name);
int mail_ids_arg(struct jmap_call *c, const struct json **ids);
/* The "list" and "notFound" of a /get answer (RFC 8620 §5.1) into the
 * response object the caller has begun: one(c, arg, id) writes the
 * object of each id and returns 1, or 0 when there is none (the id then
 * goes to notFound, as does an id that is not a string). */
typedef int mail_get_one(struct jmap_call *c, void *arg, const char *id);
void mail_get_list(struct jmap_call *c, const struct json *ids,
		   mail_get_one *one, void *arg);
/* The Mailbox object of b with the properties asked (NULL: all). */
void mail_box_write(struct json_writer *w, struct mail_account *a,
		    struct mail_box *b, const struct json *props);
/* b's name as JMAP shows it (RFC 8621 §2: the last part, Unicode;
 * INBOX is "Inbox"), in u or a constant. Its sortOrder (0 for a folder
 * with a role, else 10: not stored). */
const char *mail_box_name(const struct mail_box *b, struct bytes *u);
int mail_box_sort_order(const struct mail_box *b);
/* The folder that is b's parent in JMAP (the name before b's last '.'),
 * or NULL (top level, or a parent only implied by Maildir++). */
struct mail_box *mail_box_parent(struct mail_account *a,
				 const struct mail_box *b);
/* Fill every folder's threads and unread_threads. 0, or -1. */
int mail_thread_counts(struct mail_account *a);

/* The account's capabilities for the session resource, and the states
 * push compares (Mailbox, Email, Thread). */
void mail_account_capabilities(struct server *s, struct json_writer *w);
void mail_type_states(struct server *s, struct json_writer *w);

/* mail_mailbox.c, mail_email.c, mail_query.c, mail_set.c,
 * mail_submit.c: the methods. */
void method_mailbox_get(struct jmap_call *c);
void method_mailbox_changes(struct jmap_call *c);
void method_mailbox_query_changes(struct jmap_call *c);
void method_email_changes(struct jmap_call *c);
void method_email_query_changes(struct jmap_call *c);
void method_thread_changes(struct jmap_call *c);
void method_mailbox_query(struct jmap_call *c);
void method_mailbox_set(struct jmap_call *c);
void method_email_get(struct jmap_call *c);
void method_email_query(struct jmap_call *c);
void method_email_set(struct jmap_call *c);
void method_email_import(struct jmap_call *c);
void method_snippet_get(struct jmap_call *c);
void method_email_parse(struct jmap_call *c);
void method_thread_get(struct jmap_call *c);
/* mail_identity.c: is id one of the user's Identities? 1 / 0. */
int mail_identity_exists(struct jmap_call *c, const char *id);
/* "Identity": its state, for push (jmap_type_states). */
void mail_identity_type_state(struct server *s, struct json_writer *w);
void method_identity_get(struct jmap_call *c);
void method_identity_set(struct jmap_call *c);
void method_identity_changes(struct jmap_call *c);
void method_submission_set(struct jmap_call *c);

/* mail_body.c: Email body properties from a parsed message. */
struct mail_body_options {
	int text_values, html_values, all_values;
	size_t max_value_bytes;         /* 0: no limit */
	const char *unique;             /* for part blob ids */
};
/* Write "bodyStructure", "textBody", "htmlBody", "attachments",
 * "bodyValues", "preview", "hasAttachment" members as asked by want
 * (a bit per name, MAIL_BODY_*). */
enum {
	MAIL_BODY_STRUCTURE = 1, MAIL_BODY_TEXT = 2, MAIL_BODY_HTML = 4,
	MAIL_BODY_ATTACHMENTS = 8, MAIL_BODY_VALUES = 16, MAIL_BODY_PREVIEW = 32,
	MAIL_BODY_HAS_ATTACHMENT = 64,
};
void mail_body_write(struct json_writer *w, const struct mime_message *m,
		     int want, const struct mail_body_options *o);
/* hasAttachment and the preview of m (RFC 8621 §4.1.4, what
 * mail_body_write writes), the preview appended to preview. 0 or -1. */
int mail_body_brief(const struct mime_message *m, int *has_attachment,
		    struct bytes *preview);
/* The part of m named by part number "1.2" ("" or "1" of a non-multipart:
 * the root), or NULL. */
const struct mime_part *mail_part_find(const struct mime_message *m,
				       const char *number);

/* mail_set.c: a SetError (RFC 8620 §5.3). */
struct set_error {
	const char *type;
	const char *description;
};
/* Store message data[0..len) (CRLF), or upload (lib/store: a message
 * already streamed into tmp/, committed by this or left for
 * store_upload_abort) when it is not NULL, as the Email/set create or
 * Email/import object obj says (mailboxIds, keywords), with date as its
 * receivedAt (0: now); its Email id into id. 0, or -1 with e set. */
int mail_store_new(struct jmap_call *c, struct mail_account *a,
		   const struct json *obj, const char *data, size_t len,
		   struct store_upload *upload, time_t date, char *id,
		   size_t size, struct set_error *e);

/* mail_import.c: blob id (upload or message) streamed into u (begun by
 * store_upload_begin; ended here), its line ends made LF, at most
 * maxsize octets as CRLF: what Email/import and Email/parse read
 * instead of the blob in memory. 0, or -1 with e set (blobNotFound,
 * tooLarge, serverFail); u is the caller's to abort. */
int mail_blob_to_tmp(struct jmap_call *c, const char *id,
		     struct store_upload *u, struct set_error *e);

/* mail_set_frame.c: what every Foo/set shares (RFC 8620 §5.3). */
/* The create, update and destroy arguments (each NULL when absent or
 * null), their types and count checked, and ifInState's type. 0, or -1
 * with the error set. */
int mail_set_args(struct jmap_call *c, const struct json **create,
		  const struct json **update, const struct json **destroy);
/* Open the account and take its state into old (size bytes): 0, or -1
 * with the error set (stateMismatch when ifInState is not it). */
int mail_set_open(struct jmap_call *c, struct mail_account *a, char *old,
		  size_t size);
/* The six maps of the response, written apart while the changes run. */
enum { SET_CREATED, SET_NOT_CREATED, SET_UPDATED, SET_NOT_UPDATED,
       SET_DESTROYED, SET_NOT_DESTROYED };
struct mail_set_result {
	struct bytes text[6];
	struct json_writer w[6];
};
void mail_set_result_init(struct mail_set_result *r);
/* Write the response: accountId, oldState old, newState now, the six
 * maps. Frees r. */
void mail_set_result_write(struct jmap_call *c, struct mail_set_result *r,
			   const char *old, const char *now);
/* The same with the Mailbox/Email state now as newState (the account
 * opened again; on failure the call's error is set). Frees r. */
void mail_set_result_end(struct jmap_call *c, struct mail_set_result *r,
			 const char *old);
void mail_set_result_free(struct mail_set_result *r);
/* Write "key": SetError into w (a notCreated... object being written);
 * description may be NULL; property, when not NULL, is listed in
 * "properties" (invalidProperties). */
void mail_set_error(struct json_writer *w, const char *key,
		    const char *type, const char *description);
void mail_set_error_property(struct json_writer *w, const char *key,
			     const char *type, const char *description,
			     const char *property);
/* Write "key": { id, blobId, threadId, size } of a created Email. */
void mail_created_write(struct json_writer *w, struct mail_account *a,
			const char *key, const char *id, long long size);

/* mail_set.c: apply an Email/set update patch to Email id. 0, or -1
 * with *error the SetError type. (Also onSuccessUpdateEmail.) */
int mail_email_update(struct jmap_call *c, struct mail_account *a,
		      const char *id, const struct json *patch,
		      const char **error);

/* mail_compose.c: the message (CRLF) an Email/set create object
 * describes, written into u (begun by store_upload_begin; ended here)
 * as it is made, its attachments copied from their blobs a piece at a
 * time. 0, or -1 with errno: EINVAL when the object is not one postern
 * can write (a bad address, a missing body value or blob), E2BIG when
 * the message passes maxsize, else the write's; u is the caller's to
 * abort. */
int mail_compose(struct server *s, const struct json *e,
		 struct store_upload *u);

/* mail_header.c: header values in their JMAP forms (RFC 8621 §4.1.2). */
void mail_header_value(struct json_writer *w, const struct mime_message *m,
		       const char *name, const char *form, int all);
/* Addresses of field name as EmailAddress[] (null when absent). */
void mail_addresses(struct json_writer *w, const struct mime_message *m,
		    const char *name);

#endif
