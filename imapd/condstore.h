/* condstore.h - CONDSTORE and QRESYNC (RFC 7162): enabling them, the
 * SELECT/EXAMINE parameters, the FETCH modifiers and VANISHED (EARLIER).
 * The MODSEQ of each message and the expunged UIDs with theirs come from
 * lib/store (store.h); STORE UNCHANGEDSINCE is in cmd_store.c, SEARCH
 * MODSEQ in search_parse.c and cmd_search.c. */
#ifndef IMAPD_CONDSTORE_H
#define IMAPD_CONDSTORE_H
#include <stdint.h>
#include "imapd.h"

/* The QRESYNC select parameter (RFC 7162 §3.2.5). */
struct qresync {
	int given;
	uint32_t uidvalidity;
	uint64_t modseq;
	int has_known;
	struct seqset known;            /* known-uids */
	int has_match;
	struct seqset match_seq, match_uid;     /* seq-match-data */
};

/* The FETCH modifiers (RFC 7162 §3.1.4.1, §3.2.6). */
struct fetch_modifiers {
	int changedsince_given;
	uint64_t changedsince;
	int vanished;
};

/* Turn on ENABLED_* bits (QRESYNC implies CONDSTORE). The first
 * CONDSTORE-enabling command with a folder selected tells its
 * HIGHESTMODSEQ (§3.1). Returns the bits that were newly enabled. */
unsigned session_enable(struct session *s, unsigned bits);

/* [SP "(" select-param *(SP select-param) ")"] after SELECT/EXAMINE's
 * mailbox: CONDSTORE (*condstore = 1) and QRESYNC (...) into q (memory
 * from p). REPLY_OK, or REPLY_BAD with the reply set (QRESYNC not
 * enabled, bad syntax, unknown parameter). */
enum reply select_params_parse(struct session *s, struct parse *p,
			       int *condstore, struct qresync *q);

/* After a SELECT's usual responses: the VANISHED (EARLIER) and FETCH
 * responses that bring a client at q up to date (§3.2.5), nothing when
 * the UIDVALIDITY differs. */
void qresync_report(struct session *s, const struct qresync *q);

/* [SP "(" fetch-modifier *(SP fetch-modifier) ")"] after FETCH's
 * attributes. REPLY_OK, or REPLY_BAD with the reply set (VANISHED without
 * CHANGEDSINCE, without UID or without ENABLE QRESYNC: §3.2.6). */
enum reply fetch_modifiers_parse(struct session *s, struct parse *p,
				 struct fetch_modifiers *m);

/* "* VANISHED (EARLIER) ..." for the UIDs of uids that are gone from
 * the selected folder with an expunge MODSEQ over since; when the store
 * no longer knows expunges that old (below its floor), every UID of
 * uids up to UIDNEXT-1 that is not in the folder, above the UID
 * "above" (seq-match-data, §3.2.5.2). */
void vanished_earlier(struct session *s, const struct seqset *uids,
		      uint64_t since, uint32_t above);

/* After a command in the selected state: while expunges wait to be told,
 * an "OK [HIGHESTMODSEQ n]" with n below them (RFC 7162 §3.2), so that a
 * client does not take a later MODSEQ as its resync point. */
void condstore_after_command(struct session *s);

#endif
