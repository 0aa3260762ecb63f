/* notify_impl.h - NOTIFY's state, shared by notify_parse.c (the command)
 * and notify.c (the watching). Not for other modules: see notify.h. */
#ifndef IMAPD_NOTIFY_IMPL_H
#define IMAPD_NOTIFY_IMPL_H
#include <stddef.h>
#include <time.h>
#include "imapd.h"
#include "store.h"

/* Events (RFC 5465 §5) as bits. */
#define EVENT_NEW      0x01     /* MessageNew */
#define EVENT_EXPUNGE  0x02     /* MessageExpunge */
#define EVENT_FLAG     0x04     /* FlagChange */
#define EVENT_NAME     0x08     /* MailboxName */
#define EVENT_SUBS     0x10     /* SubscriptionChange */
#define EVENTS_MESSAGE (EVENT_NEW | EVENT_EXPUNGE | EVENT_FLAG)

/* §6: which folders a group covers. */
enum notify_filter {
	FILTER_INBOXES,         /* §6.3: taken as PERSONAL, as allowed */
	FILTER_PERSONAL,        /* §6.2 */
	FILTER_SUBSCRIBED,      /* §6.4 */
	FILTER_SUBTREE,         /* §6.5 */
	FILTER_MAILBOXES,       /* §6.6 */
};

struct notify_group {
	enum notify_filter filter;
	unsigned events;
	char **names;           /* SUBTREE, MAILBOXES: stored names */
	size_t nnames;
	int owned;              /* names malloc'd (else the parse's) */
};

/* A watched folder's state at the last look. */
struct notify_folder {
	char *name;
	struct store_status st;
	struct timespec stamps[3];      /* mtimes of the folder, new/, cur/ */
};

enum notify_selected { SELECTED_NONE, SELECTED_NOW, SELECTED_DELAYED };

struct notify {
	enum notify_selected selected;  /* §6.1 */
	unsigned selected_events;
	char *new_fetch;        /* MessageNew's "(fetch-att ...)" for the
				 * selected folder (§5.2), as the client
				 * wrote it (re-parsed when used), or NULL */
	size_t new_fetch_len;
	struct notify_group groups[IMAP_NOTIFY_GROUPS_MAX];
	size_t ngroups;
	struct notify_folder *folders;  /* message events: the last look */
	size_t nfolders;
	char **names;           /* MailboxName: the folders that existed */
	size_t nnames;
	char **subs;            /* SubscriptionChange, SUBSCRIBED */
	size_t nsubs;
	int looked;             /* names/subs/folders hold a first look */
};

/* notify_parse.c: the rest of "NOTIFY SET" after SET into *out
 * (malloc'd; free with notify_state_free and free) and *status (the
 * STATUS indicator). REPLY_OK, or BAD/NO with the reply set. */
struct session;
struct parse;
enum reply notify_set_parse(struct session *s, struct parse *p,
			    struct notify **out, int *status);

/* notify.c: take a first look (no responses); with status, the STATUS
 * responses §3.1 asks of NOTIFY SET STATUS. 0, or -1 (too many folders:
 * the reply is set to NO [NOTIFICATIONOVERFLOW]). */
struct session;
int notify_start(struct session *s, int status);
void notify_state_free(struct notify *n);

#endif
