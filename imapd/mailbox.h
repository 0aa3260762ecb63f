/* mailbox.h - the selected folder: its messages in UID order, their flags
 * (kept in the Maildir file name, ":2,DFRST") and \Recent (§2.3.2). */
#ifndef IMAPD_MAILBOX_H
#define IMAPD_MAILBOX_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "keywords.h"
#include "limits.h"
#include "output.h"
#include "parse.h"

/* System flags (§2.3.2) and their Maildir info letters. */
#define FLAG_ANSWERED 0x01      /* R */
#define FLAG_FLAGGED  0x02      /* F */
#define FLAG_DELETED  0x04      /* T */
#define FLAG_SEEN     0x08      /* S */
#define FLAG_DRAFT    0x10      /* D */
#define FLAG_SYSTEM   0x1f
/* Keyword n (0..25) of the folder: Maildir info letter 'a' + n, its name
 * in the folder's keyword file (keywords.c). */
#define FLAG_KEYWORD(n) (1u << (5 + (n)))

struct message {
	uint32_t uid;
	char *base;             /* Maildir unique name */
	char *file;             /* "cur/BASE:2,FLAGS" relative to the dir */
	unsigned flags;
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
};

#define CACHED_SIZE      0x01
#define CACHED_DATE      0x02
#define CACHED_ENVELOPE  0x04
#define CACHED_STRUCTURE 0x08
#define CACHED_BODY      0x10

struct mailbox {
	char name[IMAP_MAILBOX_NAME_MAX + 1];
	char dir[PATH_MAX_POSTERN];
	int readonly;           /* EXAMINE */
	uint32_t validity, next;
	size_t count;
	struct message *msgs;   /* sequence number i+1 is msgs[i] */
	struct keywords kw;     /* the folder's keyword names */
	struct timespec seen[3];        /* mtimes of cur/, new/, keywords */
	char *cache_file;               /* the cache mapped; strings point in */
	size_t cache_len;
	int cache_loaded;               /* cache_load has run */
	int cache_dirty;                /* messages learnt things to save */
	int cache_rewrite;              /* the file needs writing anew */
	time_t synced;                  /* last look at the directories */
	ino_t uidlist_ino;              /* the UID file as last read */
	off_t uidlist_size;
	struct timespec uidlist_mtime;
};

/* Open the folder in dir: sync its UIDs, and unless readonly move new/
 * into cur/, those being \Recent here. NULL with errno on failure. */
struct mailbox *mailbox_open(const char *dir, const char *name,
			     int readonly);
void mailbox_free(struct mailbox *box);

/* Catch up with changes made by others; write FLAGS (new keywords),
 * EXISTS / RECENT / FETCH FLAGS and (if allow_expunge) EXPUNGE to out.
 * 0 or -1. */
int mailbox_refresh(struct mailbox *box, int allow_expunge,
		    struct output *out);

/* The quick catch-up (rescan.c): while the UID file is the one last
 * read, follow renames of known messages (FETCH FLAGS to out). 0 done,
 * 1 when a full sync is needed (a new or missing file), -1 error. The
 * messages are unchanged unless 0. */
int mailbox_rescan(struct mailbox *box, struct output *out);

/* How many messages are \Recent. */
size_t mailbox_recent(const struct mailbox *box);

/* The flags a Maildir file name carries. */
unsigned flags_from_file(const char *file);
/* "(\Seen \Flagged $Forwarded ...)" (with \Recent when recent) to out;
 * keyword names from kw. */
void write_flags(struct output *out, const struct keywords *kw,
		 unsigned flags, int recent);
/* The folder's flags for FLAGS and PERMANENTFLAGS (§7.2.6, §7.1):
 * the system flags, its keywords, and (permanent) "\*" while it can
 * take more keywords. */
void write_flag_list(struct output *out, const struct keywords *kw,
		     int permanent);

/* Full path of message m into buf, looking for it again in cur/ when it
 * was renamed by another process. 0, or -1 (gone). */
int mailbox_path(struct mailbox *box, struct message *m, char *buf,
		 size_t size);

/* Give m the flags (a rename of its file). Call with the folder's lock
 * held (uidlist_lock). 0, or -1 (the message is gone). */
int mailbox_set_flags(struct mailbox *box, struct message *m,
		      unsigned flags);

/* Make the flag renames made so far durable: fsync cur/ (once after a
 * STORE, not per message). 0 or -1. */
int mailbox_sync_flags(struct mailbox *box);

/* Remove the messages with \Deleted (and, if uids is set, a UID in it)
 * and write "* n EXPUNGE" for each to out (when out is not NULL).
 * Returns the number removed, -1 on error. */
long mailbox_expunge(struct mailbox *box, const struct seqset *uids,
		     struct output *out);

/* The number of keyword name in the folder (case ignored), or -1. */
int mailbox_keyword_index(const struct mailbox *box, const char *name);

/* The index of the message with this UID, or -1. */
long mailbox_find_uid(const struct mailbox *box, uint32_t uid);

#endif
