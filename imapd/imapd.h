/* imapd.h - the IMAP session: its state, the command table, replies.
 *
 * One process serves one connection on stdin/stdout. The state machine of
 * RFC 3501 §3 is the enum below; the table in main.c says in which states
 * each command is valid, and main.c's loop is the only place that moves a
 * session from one state to the next (handlers ask for it by return code
 * or by calling session_select/session_unselect). */
#ifndef IMAPD_IMAPD_H
#define IMAPD_IMAPD_H
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "input.h"
#include "output.h"
#include "limits.h"
#include "parse.h"
#include "store.h"

/* RFC 3501 §3: the four states, as bits so a command lists several. */
enum imap_state {
	STATE_NOT_AUTH = 1,     /* §3.1 */
	STATE_AUTH = 2,         /* §3.2 */
	STATE_SELECTED = 4,     /* §3.3 */
	STATE_LOGOUT = 8,       /* §3.4 */
};
#define STATES_ANY (STATE_NOT_AUTH | STATE_AUTH | STATE_SELECTED)
#define STATES_AUTHED (STATE_AUTH | STATE_SELECTED)

/* What a handler returns; the loop writes the tagged reply. */
enum reply {
	REPLY_OK,               /* tag OK [s->code] s->text or "NAME completed" */
	REPLY_NO,               /* tag NO ... */
	REPLY_BAD,              /* tag BAD ..., text from the parser if unset */
	REPLY_LOGOUT,           /* OK, then the session ends */
	REPLY_FATAL,            /* no reply: the link is gone, exit 111 */
	REPLY_SENT,             /* the handler wrote its tagged reply (STARTTLS) */
};

struct mailbox;
struct search_context;
struct session_watch;

struct session {
	enum imap_state state;
	struct input in;
	struct output out;
	int encrypted;                  /* -T, $SSL_PROTOCOL or STARTTLS */
	char peer[64];
	char tag[IMAP_TAG_MAX + 1];     /* of the command being run */
	const char *name;               /* its canonical name */
	int after;                      /* its enum after (main.c) */
	int uid;                        /* run as "UID name" */
	char user[ADDRESS_PATH_MAX + 1];        /* after login: local@domain */
	char maildir[PATH_MAX_POSTERN]; /* the user's Maildir root */
	struct store store;             /* it, opened at login (rootfd -1
					 * before) */
	int auth_failures;
	int bad_commands;               /* BAD replies in a row */
	struct mailbox *box;            /* in STATE_SELECTED */
	struct notify *notify;          /* NOTIFY SET in effect (notify.h) */
	struct session_watch *watch;    /* what wakes IDLE, NOTIFY (watch.h) */
	unsigned enabled;               /* ENABLED_* (mailbox.h): CONDSTORE,
					 * QRESYNC (RFC 7162) */
	int search_modseq;              /* the last search had a MODSEQ key */
	uint32_t *saved;                /* "$" (RFC 5182): UIDs, ascending */
	size_t nsaved;
	const struct store_added *own_added;    /* during the catch-up after
					 * its own APPEND or COPY into the
					 * selected folder: those messages
					 * (no NOTIFY FETCH, RFC 5465 §5.2) */
	struct search_context *contexts[IMAP_CONTEXTS_MAX];
	size_t ncontexts;               /* updating searches (RFC 5267 §4.3,
					 * search_context.h) */
	long maxsize;                   /* control "maxsize", read when needed */
	int plaintext;                  /* -1 unknown, else plaintext_ok */
	struct parse_upload *uploads;   /* the command's streamed literals */
	size_t nuploads, capuploads;    /* (command.c) */
	struct bytes code;              /* response code for the tagged reply */
	char text[256];                 /* text for the tagged reply */
};

typedef enum reply (*command_handler)(struct session *s, struct parse *p);

/* reply.c --------------------------------------------------------------- */

/* Set the tagged reply's response code ("TRYCREATE", "COPYUID 1 2 3"...)
 * and/or text; either may be NULL to keep the default. Returns rc so a
 * handler can write "return reply_set(s, REPLY_NO, NULL, "...")". */
enum reply reply_set(struct session *s, enum reply rc, const char *code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Append "a:b,c" for the ascending numbers v[0..n) to out. 0 or -1. */
int uid_set_format(struct bytes *out, const uint32_t *v, size_t n);
/* "* " fmt CRLF, queued. */
void untagged(struct session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* An IMAP string for arbitrary bytes: quoted when safe, else a literal. */
void write_string(struct output *out, const char *p, size_t n);
/* The CAPABILITY list for the session's state and link (§7.2.1). */
const char *capabilities(struct session *s);

/* Command handlers by group: cmd_any.c, cmd_auth.c, cmd_mailbox.c,
 * cmd_select.c, cmd_fetch.c, cmd_store.c, cmd_copy.c, cmd_append.c,
 * cmd_search.c, cmd_sort.c. Each parses its own arguments from p (positioned just
 * after the command name) and must consume them to the end. */
enum reply cmd_capability(struct session *s, struct parse *p);
enum reply cmd_noop(struct session *s, struct parse *p);
enum reply cmd_logout(struct session *s, struct parse *p);
enum reply cmd_id(struct session *s, struct parse *p);
enum reply cmd_enable(struct session *s, struct parse *p);
enum reply cmd_namespace(struct session *s, struct parse *p);
enum reply cmd_login(struct session *s, struct parse *p);
enum reply cmd_authenticate(struct session *s, struct parse *p);
enum reply cmd_starttls(struct session *s, struct parse *p);
enum reply cmd_create(struct session *s, struct parse *p);
enum reply cmd_delete(struct session *s, struct parse *p);
enum reply cmd_rename(struct session *s, struct parse *p);
enum reply cmd_subscribe(struct session *s, struct parse *p);
enum reply cmd_unsubscribe(struct session *s, struct parse *p);
enum reply cmd_list(struct session *s, struct parse *p);
enum reply cmd_lsub(struct session *s, struct parse *p);
enum reply cmd_status(struct session *s, struct parse *p);
enum reply cmd_getquota(struct session *s, struct parse *p);     /* RFC 9208 */
enum reply cmd_getquotaroot(struct session *s, struct parse *p);
enum reply cmd_setquota(struct session *s, struct parse *p);
enum reply cmd_select(struct session *s, struct parse *p);
enum reply cmd_examine(struct session *s, struct parse *p);
enum reply cmd_close(struct session *s, struct parse *p);
enum reply cmd_unselect(struct session *s, struct parse *p);
enum reply cmd_check(struct session *s, struct parse *p);
enum reply cmd_expunge(struct session *s, struct parse *p);
enum reply cmd_fetch(struct session *s, struct parse *p);
enum reply cmd_store(struct session *s, struct parse *p);
enum reply cmd_copy(struct session *s, struct parse *p);
enum reply cmd_move(struct session *s, struct parse *p);
enum reply cmd_append(struct session *s, struct parse *p);
enum reply cmd_search(struct session *s, struct parse *p);
enum reply cmd_sort(struct session *s, struct parse *p);
enum reply cmd_thread(struct session *s, struct parse *p);
enum reply cmd_idle(struct session *s, struct parse *p);
enum reply cmd_cancelupdate(struct session *s, struct parse *p); /* RFC 5267 */

/* cmd_select.c: is uid one of s->own_added (made by this session's
 * APPEND or COPY into the selected folder, being reported)? 1 / 0. */
int session_made(const struct session *s, uint32_t uid);
/* cmd_select.c: leave the selected folder (no expunge); state AUTH. */
void session_unselect(struct session *s);
/* cmd_select.c: report changes to the selected folder made elsewhere
 * (EXISTS, RECENT, FETCH FLAGS; EXPUNGE only when allow_expunge, which
 * RFC 3501 §7.4.1 forbids during FETCH, STORE and SEARCH). */
void session_refresh(struct session *s, int allow_expunge);
/* cmd_auth.c: may a password be sent on this link? (encrypted, or the
 * control file "plaintextauth" says 1; read once.) */
int session_plaintext_ok(struct session *s);
/* cmd_mailbox.c: parse a mailbox argument (astring), check the name
 * (folder.h), canonicalise INBOX, and set *name and its directory. On
 * failure returns REPLY_BAD (syntax) or REPLY_NO (refused name) with the
 * reply set; else REPLY_OK. */
enum reply mailbox_arg(struct session *s, struct parse *p,
		       const char **name, char *dir, size_t size);
/* cmd_mailbox.c: the whole rest of a command that takes one mailbox:
 * SP, mailbox_arg, end of line (in that order). Same returns. */
enum reply sole_mailbox_arg(struct session *s, struct parse *p,
			    const char **name, char *dir, size_t size);
/* msgset.c: the selected messages named by set (sequence numbers, or
 * UIDs when s->uid), as ascending indexes into s->box->msgs in *idx
 * (malloc'd, *n of them). REPLY_OK, or REPLY_BAD with the reply set when
 * a sequence number does not exist (§6.4.8 UID sets never fail). */
enum reply message_set(struct session *s, const struct seqset *set,
		       size_t **idx, size_t *n);
/* cmd_status.c: STATUS items (RFC 3501 §6.3.10, SIZE: RFC 8438,
 * HIGHESTMODSEQ: RFC 7162). */
enum status_item {
	STATUS_MESSAGES = 1, STATUS_RECENT = 2, STATUS_UIDNEXT = 4,
	STATUS_UIDVALIDITY = 8, STATUS_UNSEEN = 16, STATUS_SIZE = 32,
	STATUS_HIGHESTMODSEQ = 64,      /* RFC 7162 §3.1.7 */
	STATUS_DELETED = 128,           /* RFC 9051 §6.3.11 */
	STATUS_DELETED_STORAGE = 256,   /* RFC 9208 §4.1.4 */
};
/* "(" status-att *(SP status-att) ")" into *items (STATUS_* bits);
 * no RECENT after ENABLE IMAP4rev2. 0, or -1 with p->error. */
int status_items_parse(struct session *s, struct parse *p, int *items);
/* "* STATUS name (...)" for the folder name, the items asked. 0, or
 * -1 when the folder cannot be read (nothing written). */
int status_write(struct session *s, const char *name, int items);
/* cmd_list.c: the "* LIST" response of the folder name, its attributes
 * as LIST gives them (\NonExistent when it is no folder), with
 * \Subscribed when subscribed: for SELECT after ENABLE IMAP4rev2 (RFC
 * 9051 §6.3.2) and NOTIFY's MailboxName and SubscriptionChange (RFC
 * 5465 §5.4, §5.5). */
void list_one(struct session *s, const char *name, int subscribed);
/* cmd_auth.c: the control file "maxsize", read once. */
long session_maxsize(struct session *s);

#endif
