/* store_cache.h - a folder's cache of what the servers would otherwise
 * read and parse each message for, in every session and connection:
 * the size on the wire, INTERNALDATE, IMAP's ENVELOPE, BODYSTRUCTURE and
 * BODY, and JMAP's summary. This module is the one owner of its format;
 * imapd (imapd/cache.c) and httpd (httpd/mail_cache.c) adapt it to what
 * they keep per message.
 *
 * ON DISK: the file "postern-cache" in the folder's directory:
 *     postern-cache 2 UIDVALIDITY
 *     UID SIZE MTIME LEN0 LEN1 LEN2 LEN3
 *     <LEN0 octets><LEN1 octets><LEN2 octets><LEN3 octets>
 *     ...
 * SIZE is the RFC822.SIZE (octets with CRLF line ends), MTIME the file's
 * mtime (IMAP INTERNALDATE, JMAP receivedAt); -1 when unknown. The four
 * strings (version 2 fixes their number; a length 0 is unknown) are
 * STORE_CACHE_ENVELOPE, _STRUCTURE, _BODY (IMAP's, as FETCH writes
 * them) and _SUMMARY (below). Records come in any order, several for one
 * UID adding to each other (the first known value wins: a message's file
 * never changes while it has its UID, only its name does, for flags; so
 * a record is valid for as long as the UIDVALIDITY is). A reader maps
 * the file (mmap) once per session or request. Writers append the new
 * records with O_APPEND in chunks of whole records (so sessions never
 * interleave inside a record), or write the file anew (a temporary
 * renamed over it) when it is missing, damaged, of another UIDVALIDITY
 * or another version (a version-1 file is simply rebuilt), or holds many
 * more records than the folder has messages. It is not fsynced: a cache
 * lost or torn in a crash is ignored and rebuilt as messages are read.
 * Opened relative to the folder with O_NOFOLLOW; a file over
 * STORE_CACHE_MAX is ignored. UIDs and flags are not here: the store's
 * index (store.h) and the file names keep them.
 *
 * THE SUMMARY (what JMAP's Email/query sorts and filters by, Threads are
 * built from and the page's message list shows, without the file):
 *     FLAGS SP PREVIEW LF HEADER
 * FLAGS: two characters: "a" when the message has an attachment (RFC
 * 8621 §4.1.4 hasAttachment), else "-"; then "+", or "!" for a message
 * with a field longer than STORE_SUMMARY_FIELD_MAX (References:
 * STORE_SUMMARY_REFERENCES), which is left out: such a summary is not
 * used, readers read the file. PREVIEW: RFC 8621 §4.1.4 preview,
 * UTF-8, its CRs and LFs made spaces. HEADER: every From, To, Cc,
 * Subject, Date, Message-ID, In-Reply-To and References field of the
 * message's header, in its order, exactly as sent (folds kept, line
 * ends CRLF), then an empty line: a header section lib/mime parses like the message's own, so a
 * reader answers from it exactly as from the file. */
#ifndef POSTERN_STORE_CACHE_H
#define POSTERN_STORE_CACHE_H
#include <stddef.h>
#include <stdint.h>
#include "bytes.h"

enum {
	STORE_CACHE_ENVELOPE, STORE_CACHE_STRUCTURE, STORE_CACHE_BODY,
	STORE_CACHE_SUMMARY, STORE_CACHE_STRINGS
};

/* One record (or what a reader knows of one UID). */
struct store_cache_entry {
	long long size;                 /* CRLF octets, -1 unknown */
	long long mtime;                /* -1 unknown */
	const char *s[STORE_CACHE_STRINGS];     /* len 0: unknown */
	size_t len[STORE_CACHE_STRINGS];
};

/* A folder's cache file as one session uses it. */
struct store_cache {
	int dirfd;                      /* the folder's (borrowed) */
	uint32_t validity;
	char *map;                      /* the file mapped; strings point in */
	size_t maplen;
	int rewrite;                    /* the next save writes it anew */
};

/* Called by store_cache_load for each record: 1 when uid is a message
 * of the folder, 0 when not (expunged: counted as dead). */
typedef int (*store_cache_take)(void *ctx, uint32_t uid,
				const struct store_cache_entry *e);

/* Map the cache of the folder dirfd (UIDVALIDITY validity; live
 * messages now) into c and hand each record to take. The strings stay
 * valid until store_cache_close. Decides whether the next save rewrites
 * the file. 0 (also when there is no usable file), or -1 (damaged: the
 * records before the damage were taken). */
int store_cache_load(struct store_cache *c, int dirfd, uint32_t validity,
		     size_t live, store_cache_take take, void *ctx);
/* Unmap the file (strings from it are then invalid). */
void store_cache_close(struct store_cache *c);

/* Saving: store_cache_save_begin; then, for each message, the record
 * of what is new (w->all == 0) or of all that is known (w->all == 1:
 * the file is being written anew) with store_cache_save_put; then
 * store_cache_save_end. */
struct store_cache_writer {
	struct store_cache *c;
	int fd;
	int all;
	int failed;
	struct bytes out;
	char tmp[64];
};
/* 0, or -1 with errno (nothing to end). */
int store_cache_save_begin(struct store_cache *c, struct store_cache_writer *w);
/* Add uid's record (nothing when e knows nothing). */
void store_cache_save_put(struct store_cache_writer *w, uint32_t uid,
			  const struct store_cache_entry *e);
/* Write what is left, close (and rename when anew). 0 or -1. */
int store_cache_save_end(struct store_cache_writer *w);

/* A summary's parts (pointers into the string). */
struct store_summary {
	int has_attachment;
	int usable;                     /* 0: "!": read the file instead */
	const char *preview;
	size_t preview_len;
	const char *header;             /* "Name: value" CRLF ... CRLF */
	size_t header_len;
};
/* Make the summary of a message into out: its header section h[0..n)
 * (the fields above are taken, bounded), has_attachment
 * and preview (LFs and CRs become spaces). 0 or -1 (ENOMEM). */
int store_summary_make(const char *h, size_t n, int has_attachment,
		       const char *preview, size_t preview_len,
		       struct bytes *out);
/* Split a summary s[0..n) into *out. 0, or -1 when it is malformed. */
int store_summary_parse(const char *s, size_t n, struct store_summary *out);

#endif
