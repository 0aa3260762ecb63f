/* store.h - the mail store: one user's Maildir, its Maildir++ folders,
 * each folder's index, its lock and every commit (DESIGN.md "Mailboxes").
 *
 * pop3d, imapd, httpd and local delivery call this module and never touch
 * Maildir file names, locks or fsyncs themselves. It reports changes as
 * data; each server turns them into its protocol's words.
 *
 * ON DISK (the store is the one owner of this format)
 *   ROOT/                    the user's Maildir = the folder INBOX
 *   ROOT/.NAME/              the folder NAME (Maildir++: "Work.Reports" is
 *                            ROOT/.Work.Reports), with a "maildirfolder" file
 *   DIR/cur/ new/ tmp/       a folder's messages (Maildir)
 *   DIR/postern-index        the folder's index (below), replaced whole
 *   DIR/postern-changes      its change log (below), appended to
 *   DIR/postern-lock         the folder's one lock (below)
 *   DIR/dovecot-keywords     keyword names: "N name", letter 'a'+N (Dovecot's)
 *   DIR/postern-cache        the parsed-message cache of imapd and httpd
 *                            (store_cache.h owns it; not state: may be lost)
 *   DIR/postern-recent       "postern-recent 1 UID": the highest UID already
 *                            shown \Recent (below)
 *   DIR/postern-special-use  the folder's special uses (RFC 6154), one
 *                            attribute a line ("\Sent"): CREATE (USE ...)
 *   ROOT/postern-uidvalidity the last UIDVALIDITY given in this Maildir
 *   ROOT/maildirsize         the Maildir++ quota file (below, "QUOTA")
 *   ROOT/subscriptions       IMAP subscriptions, one name a line (Dovecot's;
 *                            lib/folder.h owns it)
 *   ROOT/postern-identities  httpd's JMAP Identities (httpd/identity.h owns it)
 *
 * A message file is named "UNIQUE,S=LF-OCTETS,W=CRLF-OCTETS" in new/ and
 * "UNIQUE,S=..,W=..:2,INFO" in cur/; INFO is the flag letters in ASCII
 * order: D F R S T (Draft Flagged Answered Seen Deleted) and a..z (the
 * folder's keywords). ",S=" and ",W=" are optional (other programs' names
 * lack them). UNIQUE never changes for the life of a file, whatever its
 * flags: it is the message's stable name (JMAP Email id, POP3 UIDL).
 *
 * THE INDEX "postern-index" (text, one record a line):
 *   postern-index 2 UIDVALIDITY UIDNEXT HIGHESTMODSEQ MAILBOXID EXPUNGEFLOOR
 *   m UID MODSEQ CREATEDMODSEQ FILE        FILE = "new/UNIQUE..." or "cur/UNIQUE...:2,INFO"
 *   w UID OCTETS                           after its "m": the size on the wire of a
 *                                          message whose name has no ",W=" (pop3d's)
 *   x UID MODSEQ UNIQUE                    an expunged UID, the MODSEQ of its expunge,
 *                                          its unique name (absent in older indexes)
 * "m" lines ascend by UID. "x" lines are kept for the last
 * STORE_EXPUNGED_MAX expunges; EXPUNGEFLOOR is the highest MODSEQ among
 * those forgotten (0 when none): changes since a MODSEQ below the floor
 * cannot be told exactly (store_changes_since says so). The file is only
 * ever replaced whole (file_write_atomic_at) with the folder lock held, so a
 * crash leaves the old index or the new, never a mix; MODSEQ never goes
 * backwards. The optional "SEC.NSEC SEC.NSEC" after EXPUNGEFLOOR in the
 * header (or an "l" record of the log) are the mtimes of cur/ and new/
 * whose listing the index is, recorded once they are settled
 * (STORE_SETTLE_MS): while they stay, a sync reads no directory.
 *
 * THE CHANGE LOG "postern-changes" (text, one record a line):
 *   postern-changes 1 UIDVALIDITY          the index it belongs to
 *   m UID MODSEQ CREATEDMODSEQ FILE        a message's new name and MODSEQ
 *   x UID MODSEQ UNIQUE                    an expunge (UNIQUE as in the index)
 *   w UID OCTETS                           a size learned (as in the index)
 *   l SEC.NSEC SEC.NSEC                    a settled listing (as in the header)
 *   L SEC.NSEC SEC.NSEC                    a provisional listing
 * A flag change or an expunge does not rewrite the index (megabytes for a
 * big folder): under the folder lock its records are appended in one
 * write and fdatasync'd ("w" and "l" records are not synced: a lost one
 * costs a read). Every read of the index replays the log: "m" and "x"
 * records at or below the index's HIGHESTMODSEQ are in it already and
 * skipped, so the replay is idempotent; a log of another UIDVALIDITY is
 * ignored; a torn last line (a crash in an append) is ignored and cut
 * off by the next append. When the log grows past a quarter of the
 * index (and STORE_LOG_MIN) the next change writes the index whole,
 * which removes the log; a crash between the two leaves a log whose
 * records the index holds. A file renamed by another program (mutt, Dovecot) is found
 * by UNIQUE at the next sync; a changed INFO gets a new MODSEQ then.
 *
 * CATCHING UP (store_view_fast.c): a view keeps the identity of the
 * index it last read and how much of the log; while the index is that
 * file, the records appended since are every change made through the
 * store, and when the mtimes of cur/ and new/ are those of the last
 * listing recorded, nothing changed behind its back: the view takes
 * the records alone, without reading the index or listing a directory.
 * A flag change or an expunge whose folder was as its listing said ends
 * its records with an "L" of the mtimes its own renames left. "L" is
 * provisional: another program's change made in the same clock tick
 * after it would leave the mtimes as they are, so an "L" is trusted
 * only until the mtimes settle (STORE_SETTLE_MS); then one sync lists
 * the folder under the exclusive lock and records an "l" (or finds the
 * change and writes it). While flag changes keep coming, each extends
 * the listing, and such a change by another program is found when they
 * pause; a delivery into new/ or an APPEND always brings a listing. An
 * index of the old imapd format ("postern-uidlist") is taken over with
 * its UIDs and UIDVALIDITY kept.
 *
 * \RECENT (RFC 3501 §2.3.2): a message is \Recent for the one session
 * that first sees it with STORE_TAKE_NEW: its UID is above the one in
 * postern-recent, which that session's sync then raises to UIDNEXT-1
 * (under the exclusive lock). So a message appended or copied with flags
 * straight into cur/ is \Recent like one delivered into new/ (§6.4.7).
 * A folder without the file (made before it existed) goes by "in new/"
 * until its first such sync writes it.
 *
 * UIDVALIDITY (RFC 3501 §2.3.1.1) is max(now, last + 1) over the whole
 * Maildir (ROOT/postern-uidvalidity, under ROOT's lock): a folder deleted
 * and created again within one second still gets a new one.
 * MAILBOXID (RFC 8474, JMAP Mailbox id) is made once when the index is
 * made and travels with the folder's directory on RENAME.
 *
 * QUOTA (Maildir++): ROOT/maildirsize holds the usage of the whole
 * Maildir, every folder included (lib/maildirsize.h owns its format).
 * A message is added (store_append, store_copy, store_deliver) only when
 * it keeps the Maildir within the quota store_set_quota gave (else -1,
 * EDQUOT, nothing written); every add and every removal (expunge,
 * remove, a folder deleted) is written to the file, which is kept
 * whenever it exists and made (by counting) when a quota is set and it
 * is missing or stale. A file removed by another program is counted
 * again at the next recalculation (maildirsize.h).
 *
 * LOCKING: "postern-lock" in each folder, OFD record locks (fcntl):
 * byte 0 is the folder lock, taken exclusive around every change (sync
 * that writes, flag change, expunge, append's UID, keywords, any write
 * to the index or its log) and shared to read them; byte 1 is the POP3 session lock (RFC 1939 §8), held
 * for a whole POP3 session (store_folder_open with STORE_POP3); byte 2
 * of ROOT's file guards ROOT/postern-uidvalidity, byte 3 ROOT/maildirsize. Locks
 * are held for short moves only, never across network I/O.
 *
 * SAFETY: every file is opened relative to the folder's directory
 * (openat) with O_NOFOLLOW; a folder directory, message, index, lock,
 * keyword or cache file that is a symlink is refused (ELOOP), so a user
 * who can write into their Maildir cannot make a server read or write
 * elsewhere.
 *
 * Flag bits are the ones below; a flag change is a read-modify-write
 * under the folder lock against the file's name on disk now, never
 * against a session's copy, and bumps the message's MODSEQ and the
 * folder's HIGHESTMODSEQ. */
#ifndef POSTERN_STORE_H
#define POSTERN_STORE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "limits.h"
#include "maildirsize.h"

/* System flags (RFC 3501 §2.3.2) and their Maildir info letters. */
#define STORE_ANSWERED 0x01u    /* R */
#define STORE_FLAGGED  0x02u    /* F */
#define STORE_DELETED  0x04u    /* T */
#define STORE_SEEN     0x08u    /* S */
#define STORE_DRAFT    0x10u    /* D */
#define STORE_SYSTEM   0x1fu
/* Keyword n (0..25) of the folder: info letter 'a' + n. */
#define STORE_KEYWORD(n) (1u << (5 + (n)))
#define STORE_KEYWORDS_MAX 26

#define STORE_MAILBOXID_MAX 24  /* "F" and hex digits, RFC 8474 objectid */
#define STORE_UNIQUE_MAX 200    /* a Maildir unique name, size hints included */

/* One user's Maildir, opened. */
struct store {
	int rootfd;             /* O_DIRECTORY|O_NOFOLLOW on ROOT */
	char root[PATH_MAX_POSTERN];
	struct maildir_quota quota;     /* the user's (store_set_quota) */
};

/* One message as a folder view holds it. Strings belong to the view. */
struct store_message {
	uint32_t uid;
	uint64_t modseq;        /* last change (RFC 7162 MODSEQ) */
	uint64_t created;       /* MODSEQ when it arrived in the folder */
	unsigned flags;         /* STORE_* and STORE_KEYWORD bits */
	int recent;             /* \Recent for this view (§2.3.2) */
	int gone;               /* its file vanished; not yet reported */
	char *unique;           /* the stable name (no ":2,") */
	char *file;             /* "cur/UNIQUE:2,INFO" or "new/UNIQUE" */
	long long size_lf;      /* ",S=": octets on disk, -1 unknown */
	long long size_crlf;    /* ",W=": octets on the wire, -1 unknown */
	void *client;           /* the caller's per-message data (imapd's
				 * cache); the store never looks at it */
};

struct store_keywords {
	char *name[STORE_KEYWORDS_MAX];     /* NULL: letter unused */
	size_t count;                       /* highest used index + 1 */
};

/* A session's view of one folder: messages in UID order; sequence
 * number i+1 is msgs[i]. Changes made by others reach it only through
 * store_folder_sync, so numbers stay stable between syncs. */
struct store_folder {
	struct store *store;
	int dirfd;              /* the folder's directory */
	char name[1024];        /* "INBOX" or the Maildir++ name */
	int mode;               /* STORE_* open flags */
	uint32_t uidvalidity, uidnext;
	uint64_t highestmodseq;
	char mailboxid[STORE_MAILBOXID_MAX + 1];
	size_t count;
	struct store_message *msgs;
	struct store_keywords kw;
	void *priv;             /* the store's own bookkeeping */
};

/* What a sync found, as data (see store_folder_sync). */
struct store_changes {
	size_t nexpunged;
	size_t *expunged;       /* sequence numbers, in the order "* n EXPUNGE"
				 * must be written (each as it was just before
				 * its own removal) */
	uint32_t *expunged_uids;        /* the same messages' UIDs */
	void **expunged_client;         /* and their client data, for the
					 * caller to free */
	size_t nchanged;
	size_t *changed;        /* indexes into msgs whose flags changed */
	size_t added;           /* msgs[count-added .. count) are new */
	int keywords_changed;   /* kw gained or lost a name */
};

/* The changes since a MODSEQ, for CONDSTORE/QRESYNC and JMAP
 * Foo/changes. */
struct store_since {
	int too_old;            /* since < EXPUNGEFLOOR: expunges unknown;
				 * the caller resyncs fully (JMAP
				 * cannotCalculateChanges, QRESYNC: all UIDs) */
	size_t ncreated, nupdated, nexpunged;
	uint32_t *created;      /* UIDs with CREATEDMODSEQ > since */
	uint32_t *updated;      /* UIDs with MODSEQ > since, not created */
	uint32_t *expunged;     /* UIDs expunged with MODSEQ > since */
	char **expunged_unique; /* their unique names (JMAP Email ids);
				 * an entry is NULL when an older index
				 * did not record it */
	uint64_t *expunged_modseq;      /* and the MODSEQs of the expunges */
	uint32_t uidnext;       /* the folder's, when this was taken: a */
	uint64_t highestmodseq; /* state to ask the next changes since */
};

enum store_open_mode {
	STORE_READONLY = 0x01,  /* EXAMINE: moves nothing, changes nothing */
	STORE_TAKE_NEW = 0x02,  /* move new/ into cur/; those are \Recent here */
	STORE_POP3     = 0x04,  /* take the POP3 session lock (no wait) */
};

enum store_flag_op { STORE_FLAGS_SET, STORE_FLAGS_ADD, STORE_FLAGS_REMOVE };

/* Every durable write goes through the one commit call in fsutil.h:
 * file_commit (tmp -> fsync -> rename -> fsync dir, undone on failure)
 * and file_write_atomic(_at) built on it. */

/* --- the Maildir ------------------------------------------------------ */

/* Open the Maildir at root (created with cur/ new/ tmp/ when missing).
 * A root that is a symlink is refused (ELOOP). 0, or -1 with errno. */
int store_open(struct store *st, const char *root);
void store_close(struct store *st);

/* The user's quota (0: no limit of that resource; store_open sets
 * none): store_append, store_copy refuse what would exceed it. */
void store_set_quota(struct store *st, const struct maildir_quota *q);

/* The usage of the whole Maildir (RFC 9208 STORAGE and MESSAGE: octets
 * on disk and messages), from maildirsize, counted again when it is
 * missing or stale. 0, or -1 with errno. */
struct store_usage {
	uint64_t octets, messages;
};
int store_quota_usage(struct store *st, struct store_usage *u);

/* Create the folder name (not its parents) with a new UIDVALIDITY and
 * MAILBOXID. 0; -1 with errno (EEXIST when it exists). */
int store_folder_create(struct store *st, const char *name);
/* Remove the folder and its messages (not INBOX, not its children).
 * 0, or -1 with errno (ENOENT). */
int store_folder_delete(struct store *st, const char *name);
/* Rename a folder and its children ("A" -> "B" moves "A.x" to "B.x");
 * MAILBOXID and UIDVALIDITY travel with it. INBOX: its messages move
 * into the new folder and INBOX stays, empty (RFC 3501 §6.3.5).
 * 0, or -1 with errno (ENOENT, EEXIST). */
int store_folder_rename(struct store *st, const char *from, const char *to);
/* Does the folder exist? 1 / 0 (a symlinked folder does not). */
int store_folder_exists(struct store *st, const char *name);

/* Counts for STATUS and JMAP Mailbox/get without opening a view (reads
 * the index under the shared lock, syncing it when stale). 0 or -1. */
struct store_status {
	uint32_t messages, recent, unseen, uidvalidity, uidnext;
	uint64_t highestmodseq, size;   /* size: sum of CRLF sizes */
	uint32_t deleted;               /* with \Deleted (RFC 9051 §6.3.11) */
	uint64_t deleted_octets;        /* and their octets on disk */
	char mailboxid[STORE_MAILBOXID_MAX + 1];
};
int store_folder_status(struct store *st, const char *name,
			struct store_status *out);
/* The same without size (left 0), which reads the file of every
 * message whose name and index entry do not carry its size. */
int store_folder_counts(struct store *st, const char *name,
			struct store_status *out);

/* Special uses (RFC 6154 §2) a folder can be given: its directory's
 * "postern-special-use" (it moves with RENAME and goes with DELETE).
 * \All and \Flagged (virtual folders) are not among them. */
#define STORE_USE_ARCHIVE 0x01u
#define STORE_USE_DRAFTS  0x02u
#define STORE_USE_JUNK    0x04u
#define STORE_USE_SENT    0x08u
#define STORE_USE_TRASH   0x10u
/* The bit of the attribute attr[0..len) ("\Sent", ASCII case ignored),
 * or 0 when it is not one a folder can be given. */
unsigned store_special_use_bit(const char *attr, size_t len);
/* "\Drafts \Sent" for bits into buf ("" for none). 0, or -1 when it
 * does not fit. */
int store_special_use_format(unsigned bits, char *buf, size_t size);
/* The special uses recorded for folder name into *bits: 1 recorded, 0
 * none recorded (or no such folder), -1 error. For IMAP LIST and JMAP
 * Mailbox roles; the JMAP Mailbox/set role is the same record. */
int store_special_use_get(struct store *st, const char *name,
			  unsigned *bits);
/* Record bits (replacing what was recorded) for the existing folder
 * name, atomically. 0, or -1 with errno and the old record kept. */
int store_special_use_set(struct store *st, const char *name,
			  unsigned bits);

/* --- a folder view ---------------------------------------------------- */

/* Open a view of the folder name (mode: STORE_*). Syncs the index first.
 * NULL with errno on failure (EWOULDBLOCK: STORE_POP3 and another POP3
 * session holds the folder). */
struct store_folder *store_folder_open(struct store *st, const char *name,
				       int mode);
/* Drop the view (and the POP3 lock); the messages' client data must be
 * freed by the caller first. */
void store_folder_close(struct store_folder *f);

/* Cheap: may the folder have changed since the view's last sync (index
 * file or directory stamps moved)? 1 / 0. For IDLE, NOOP and HTTP
 * EventSource polling; no lock, no directory read. */
int store_folder_poll(struct store_folder *f);

/* Catch up with the folder on disk. Messages whose file is gone are
 * removed from the view when allow_expunge (and listed in ch->expunged),
 * else marked gone and kept (RFC 3501 §7.4.1: no EXPUNGE during FETCH,
 * STORE, SEARCH). New messages are appended; flag changes made by anyone
 * are listed in ch->changed. ch (may be NULL) is filled; free it with
 * store_changes_free. 0, or -1 with errno and the view unchanged. */
int store_folder_sync(struct store_folder *f, int allow_expunge,
		      struct store_changes *ch);
void store_changes_free(struct store_changes *ch);

/* Change the flags of msgs[idx[0..n)]: under the folder lock, for each
 * message read its name on disk now, apply op with flags, rename it,
 * give it MODSEQ = ++HIGHESTMODSEQ, then write the index once and fsync
 * cur/. unchangedsince (RFC 7162 §3.1.3; 0: no condition) skips messages
 * whose MODSEQ is higher: their indexes go to *failed (malloc'd, *nfailed;
 * may be NULL when unchangedsince is 0). A message found gone is marked
 * gone and counted in the return. The view's copies are updated.
 * Returns how many were gone, or -1 with errno (nothing changed). */
long store_set_flags(struct store_folder *f, const size_t *idx, size_t n,
		     enum store_flag_op op, unsigned flags,
		     uint64_t unchangedsince, size_t **failed,
		     size_t *nfailed);

/* Remember sizes[k], the octets on the wire (CRLF) of msgs[idx[k]],
 * for messages whose names carry no ",W=" (other programs' names), so
 * that no session has to read them again (pop3d's STAT and LIST). A
 * cache: "w" records of the change log, not synced; a negative size is
 * skipped. The view's size_crlf are set. 0, or -1 with errno. */
int store_set_sizes(struct store_folder *f, const size_t *idx,
		    const long long *sizes, size_t n);

/* The letters of keyword names in this folder, adding the missing ones
 * when add (under the folder lock, dovecot-keywords rewritten). *bits
 * gets STORE_KEYWORD(i) for each. f->kw is refreshed. 0; -1 with errno
 * E2BIG when the folder would need more than 26 (nothing written). */
int store_keywords_resolve(struct store_folder *f, char *const *names,
			   size_t n, int add, unsigned *bits);

/* The letter number of keyword name in k (ASCII case ignored), or -1. */
int store_keywords_index(const struct store_keywords *k, const char *name);

/* Remove the messages that have \Deleted on disk now (and, when uids is
 * not NULL, a UID among uids[0..nuids), ascending). The removed leave the
 * view and are listed in ch (as for a sync; ch may be NULL). Records each as expunged
 * with a new MODSEQ. 0, or -1 with errno. */
int store_expunge(struct store_folder *f, const uint32_t *uids,
		  size_t nuids, struct store_changes *ch);

/* Remove msgs[idx[0..n)] whatever their flags (POP3 DELE at UPDATE,
 * JMAP Email/set destroy). ch as for store_expunge, or NULL (then the
 * client data of the removed is not handed back). A message already
 * gone counts as removed. Returns how many could not be removed (0 on
 * full success), -1 on error (nothing removed). */
long store_remove(struct store_folder *f, const size_t *idx, size_t n,
		  struct store_changes *ch);

/* Open message i for reading (O_NOFOLLOW, relative to the folder),
 * finding it again by its unique name when renamed meanwhile. An fd, or
 * -1 with errno (ENOENT: gone, and then marked gone). */
int store_message_open(struct store_folder *f, size_t i);

/* The changes since MODSEQ since (see struct store_since). 0 or -1. */
int store_changes_since(struct store_folder *f, uint64_t since,
			struct store_since *out);
void store_since_free(struct store_since *s);

/* --- new messages ----------------------------------------------------- */

/* What a store_append / store_copy made. */
struct store_added {
	uint32_t uidvalidity;
	size_t n;
	uint32_t *uids;         /* in the order given */
	char **uniques;
};
void store_added_free(struct store_added *a);

/* A message streamed into the Maildir's tmp/ as it arrives (an IMAP
 * APPEND literal), never held whole in memory: store_upload_begin, its
 * CRLF octets in pieces of any size by store_upload_write, store_upload_end
 * (the file is closed: a MULTIAPPEND of many holds no descriptors), then
 * store_append commits it; store_upload_abort removes one that was not
 * committed (always safe to call). */
struct store_upload {
	int fd;                 /* while being written, else -1 */
	int live;               /* the file is in tmp/ (not committed) */
	int rootfd;             /* the Maildir it is in (borrowed) */
	char unique[STORE_UNIQUE_MAX];
	char tmp[PATH_MAX_POSTERN];     /* "tmp/UNIQUE" under rootfd */
	size_t lf, crlf;        /* octets stored (LF), octets on the wire */
	int cr;                 /* a CR held back: is it part of a CRLF? */
	char prev;              /* the last octet received */
};
/* Start an upload into the tmp/ of st's Maildir. 0, or -1 with errno. */
int store_upload_begin(struct store *st, struct store_upload *u);
/* Add data[0..len) (CRLF text, stored with LF; a bare LF is kept and
 * counted as CRLF on the wire, as store_append does). 0, or -1 with
 * errno. */
int store_upload_write(struct store_upload *u, const char *data,
		       size_t len);
/* The last octet was written: close it. 0, or -1 with errno (aborted). */
int store_upload_end(struct store_upload *u);
/* Remove an upload that was not committed. */
void store_upload_abort(struct store_upload *u);

/* One message for store_append: data is CRLF (IMAP, JMAP) and is stored
 * with LF line ends, named with ,S= and ,W=; flags (system bits) plus
 * keywords[0..nkw) (added to the folder as needed); date = the file's
 * mtime (INTERNALDATE; 0: now). When upload is not NULL the message is
 * that file instead of data/len: store_append commits it into the
 * folder (or leaves it for store_upload_abort when the append fails). */
struct store_new {
	const char *data;
	size_t len;
	unsigned flags;
	char *const *keywords;
	size_t nkw;
	time_t date;
	struct store_upload *upload;    /* or NULL */
};

/* Append v[0..n) to folder name, all or nothing (RFC 3502 MULTIAPPEND):
 * each goes tmp/, fsync, rename into new/ (no flags) or cur/, fsync the
 * directory; then their UIDs are given together under the folder lock,
 * in the order of v. When one fails, those already written are removed.
 * out gets the UIDs. 0, or -1 with errno and nothing left behind
 * (E2BIG: too many keywords; EDQUOT: over st's quota). */
int store_append(struct store *st, const char *name,
		 const struct store_new *v, size_t n, struct store_added *out);

/* Called by store_deliver with the message written and named, just
 * before the rename that delivers it (the runner journals the name
 * there, so that a crash after the rename is not delivered twice).
 * Nonzero abandons the delivery. */
typedef int (*store_deliver_hook)(void *ctx, const char *dir,
				  const char *unique);

/* Local delivery: header (may be NULL) then the bytes of fd from offset
 * to its end (LF line ends) into folder dir (a Maildir path, created
 * when missing), named with ,S= and ,W= like store_append; into new/.
 * hook (may be NULL) is called with ctx before the rename. unique gets
 * the name. quota (may be NULL: none) is the user's: a message that
 * would exceed it is refused (EDQUOT). 0, or -1 with errno and nothing
 * left behind. */
int store_deliver(const char *dir, const struct maildir_quota *quota,
		  const char *header, size_t header_len, int fd, off_t offset,
		  char *unique, size_t size, store_deliver_hook hook,
		  void *ctx);

/* Copy (move = 0) or move msgs[idx[0..n)] of f into the folder dest,
 * keeping flags and keywords (keyword names added to dest as needed) and
 * INTERNALDATE. A copy is all or nothing: on failure the copies made are
 * removed. A move removes the sources (they become gone in f, reported
 * at the next sync with expunge allowed). out gets the new UIDs in the
 * order of idx. 0, or -1 with errno (EDQUOT: a copy over the quota,
 * nothing made). */
int store_copy(struct store_folder *f, const size_t *idx, size_t n,
	       const char *dest, int move, struct store_added *out);

/* --- names ------------------------------------------------------------ */

/* The flags a Maildir file name carries (its ":2,INFO"). */
unsigned store_flags_from_name(const char *file);
/* ",W=" of a name: octets on the wire, or -1. */
long long store_size_from_name(const char *file);

#endif
