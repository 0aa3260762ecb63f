/* mailbox.h - the selected folder as IMAP shows it: a session's view of
 * the folder in lib/store (store.h) plus what imapd keeps per message
 * (\Recent, the parsed-message cache). The store owns the Maildir, its
 * index, its lock and every change; this module turns the changes it
 * reports into untagged responses. */
#ifndef IMAPD_MAILBOX_H
#define IMAPD_MAILBOX_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "limits.h"
#include "output.h"
#include "parse.h"
#include "store.h"
#include "store_cache.h"

/* System flags (§2.3.2): the store's bits. */
#define FLAG_ANSWERED STORE_ANSWERED
#define FLAG_FLAGGED  STORE_FLAGGED
#define FLAG_DELETED  STORE_DELETED
#define FLAG_SEEN     STORE_SEEN
#define FLAG_DRAFT    STORE_DRAFT
#define FLAG_SYSTEM   STORE_SYSTEM
#define FLAG_KEYWORD(n) STORE_KEYWORD(n)
#define KEYWORDS_MAX  STORE_KEYWORDS_MAX

struct message {
	uint32_t uid;
	const char *base;       /* the unique name (the store's string) */
	unsigned flags;
	uint64_t modseq;
	int recent;
	long long size;         /* RFC822.SIZE (CRLF), -1 until known */
	int gone;               /* the file vanished; EXPUNGE not yet sent */
	/* what the folder's cache (cache.h) knows or this session worked
	 * out: a message's file never changes but for its name */
	unsigned cached;        /* CACHED_* bits: which of these are set */
	unsigned owned;         /* CACHED_* bits: which strings are malloc'd */
	unsigned unsaved;       /* CACHED_* bits: not yet in the cache file */
	time_t mtime;           /* INTERNALDATE */
	const char *envelope, *structure, *body;   /* ENVELOPE, BODYSTRUCTURE, BODY */
	size_t envelope_len, structure_len, body_len;
	const char *summary;    /* JMAP's (httpd's), carried along */
	size_t summary_len;
};

#define CACHED_SIZE      0x01
#define CACHED_DATE      0x02
#define CACHED_ENVELOPE  0x04
#define CACHED_STRUCTURE 0x08
#define CACHED_BODY      0x10
#define CACHED_SUMMARY   0x20   /* only kept for the cache's rewrite */

/* What the session has enabled (RFC 7162), for the reports below. */
#define ENABLED_CONDSTORE 0x01  /* §3.1, §3.2.4: UID and MODSEQ in every
				 * FETCH response of a flag change */
#define ENABLED_QRESYNC   0x02  /* §3.2.10: VANISHED instead of EXPUNGE */
#define ENABLED_IMAP4REV2 0x04  /* RFC 9051 (Appendix E): no \Recent, UID
				 * in every unsolicited FETCH, ESEARCH */
#define ENABLED_UTF8      0x08  /* UTF8=ACCEPT (RFC 6855): UTF-8 names
				 * (also after IMAP4rev2, utf8.h) */
#define ENABLED_NOTIFY    0x10  /* a NOTIFY SET was given (RFC 5465 §5.1):
				 * UID in every unsolicited FETCH */

struct mailbox {
	char name[IMAP_MAILBOX_NAME_MAX + 1];
	unsigned enabled;       /* ENABLED_* of the session */
	uint64_t modseq_told;   /* HIGHESTMODSEQ at the last catch-up that
				 * left no expunge untold (RFC 7162 §3.2) */
	char dir[PATH_MAX_POSTERN];     /* the folder's directory (logs) */
	int readonly;           /* EXAMINE */
	uint32_t validity, next;
	size_t count;
	struct message *msgs;   /* sequence number i+1 is msgs[i] */
	const struct store_keywords *kw;        /* the folder's keywords */
	struct store_folder *f; /* the store's view; msgs[i] is f->msgs[i] */
	time_t synced;          /* the last catch-up (main.c: one a second) */
	struct store_cache cache;       /* the cache mapped; strings point in */
	int cache_loaded;               /* cache_load has run */
	int cache_dirty;                /* messages learnt things to save */
	/* told of the expunges about to be reported, before their EXPUNGE
	 * or VANISHED responses (RFC 5267 §4.3.4 wants REMOVEFROM first,
	 * search_context.c): store_changes' UIDs (ascending) and sequence
	 * numbers (the k-th's once the k before it left, so k less than
	 * before any left: lib/store_view.c removes in ascending order);
	 * may be NULL */
	uint32_t new_from;      /* the lowest UID of the messages catch-ups
				 * found new since NOTIFY last looked
				 * (notify_new_messages), 0: none */
	void (*expunging)(void *arg, const uint32_t *uids,
			  const size_t *seqs, size_t n);
	void *expunging_arg;
};

/* Open the folder name of the Maildir st: unless readonly, move new/
 * into cur/, those being \Recent here. NULL with errno on failure. */
struct mailbox *mailbox_open(struct store *st, const char *name,
			     int readonly);
void mailbox_free(struct mailbox *box);

/* Catch up with changes made by others; write FLAGS (new keywords),
 * EXISTS / RECENT / FETCH FLAGS and (if allow_expunge) EXPUNGE or
 * VANISHED to out (may be NULL). Skipped when the store says nothing
 * moved, unless force. 0 or -1. */
int mailbox_refresh(struct mailbox *box, int allow_expunge, int force,
		    struct output *out);

/* Expunges seen but not yet reported (a file gone while expunges may
 * not be told, RFC 3501 §7.4.1)? 1 / 0. */
int mailbox_gone_pending(const struct mailbox *box);

/* "* n FETCH (UID u MODSEQ (m) FLAGS (...))" for msgs[i]: UID and MODSEQ
 * when with_ids (RFC 7162 §3.2.4), FLAGS when with_flags. */
void write_flags_fetch(struct output *out, const struct mailbox *box,
		       size_t i, int with_ids, int with_flags);

/* "* VANISHED [(EARLIER) ]uid-set" (RFC 7162 §3.2.10) for uids[0..n),
 * sorted here; nothing when n is 0. */
void write_vanished(struct output *out, int earlier, uint32_t *uids,
		    size_t n);

/* How many messages are \Recent. */
size_t mailbox_recent(const struct mailbox *box);

/* "(\Seen \Flagged $Forwarded ...)" (with \Recent when recent) to out;
 * keyword names from kw. */
void write_flags(struct output *out, const struct store_keywords *kw,
		 unsigned flags, int recent);
/* The folder's flags for FLAGS and PERMANENTFLAGS (§7.2.6, §7.1):
 * the system flags, its keywords, and (permanent) "\*" while it can
 * take more keywords. */
void write_flag_list(struct output *out, const struct store_keywords *kw,
		     int permanent);

/* Open message m's file for reading (found again when renamed). An fd,
 * or -1 (gone: m->gone is then set). */
int mailbox_message_open(struct mailbox *box, struct message *m);

/* Change the flags of msgs[idx[0..n)] (store_set_flags: a
 * read-modify-write against the files on disk, under the folder's
 * lock). The messages' flags are then what they are on disk. Returns
 * how many were gone, -1 on error. */
long mailbox_store_flags(struct mailbox *box, const size_t *idx, size_t n,
			 enum store_flag_op op, unsigned flags);
/* The same with RFC 7162's UNCHANGEDSINCE (0: none): the messages that
 * failed it are left alone and listed in *failed (malloc'd, *nfailed,
 * ascending), their flags and MODSEQ as they are on disk now. */
long mailbox_store_flags_if(struct mailbox *box, const size_t *idx,
			    size_t n, enum store_flag_op op, unsigned flags,
			    uint64_t unchangedsince, size_t **failed,
			    size_t *nfailed);

/* The keyword letters of names in the folder, added unless !add;
 * writes "* FLAGS" and PERMANENTFLAGS to out when the list grew
 * (§7.2.6). 0, or -1 with errno (E2BIG: over 26). */
int mailbox_keywords(struct mailbox *box, char *const *names, size_t n,
		     int add, unsigned *bits, struct output *out);

/* Remove the messages with \Deleted on disk (and, if uids is set, a UID
 * in it) and write "* n EXPUNGE" for each to out (may be NULL).
 * Returns the number removed, -1 on error. */
long mailbox_expunge(struct mailbox *box, const struct seqset *uids,
		     struct output *out);

/* The number of keyword name in the folder (case ignored), or -1. */
int mailbox_keyword_index(const struct mailbox *box, const char *name);

/* The index of the first message with a UID >= uid (count if none). */
long mailbox_find_uid_at_least(const struct mailbox *box, uint32_t uid);
/* The index of the message with this UID, or -1. */
long mailbox_find_uid(const struct mailbox *box, uint32_t uid);

#endif
