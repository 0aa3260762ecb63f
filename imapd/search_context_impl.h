/* search_context_impl.h - what search_context.c and
 * search_context_sort.c share: a context and one change to its result. */
#ifndef IMAPD_SEARCH_CONTEXT_IMPL_H
#define IMAPD_SEARCH_CONTEXT_IMPL_H
#include <stddef.h>
#include <stdint.h>
#include "limits.h"
#include "mail_sort.h"

struct search_context {
	char tag[IMAP_TAG_MAX + 1];
	int uid;                /* UID SEARCH / UID SORT: UIDs are shown */
	struct mail_sort_criterion crit[IMAP_SORT_CRITERIA_MAX];
	size_t ncrit;           /* 0: a SEARCH (mailbox order, position 0) */
	char *keys;             /* the search keys as the command gave them */
	size_t keys_len;
	unsigned needs;         /* their SEARCH_NEEDS_* */
	uint32_t *uids;         /* the result in the requested order */
	size_t n;
	uint64_t modseq;        /* every message up to this MODSEQ is checked */
	uint32_t uid_seen;      /* the highest UID at the last look: those
				 * above are new messages */
	char *fetch;            /* UPDATE (fetch-att ...) (RFC 5465 §7), or
				 * NULL */
	size_t fetch_len;
};

/* One entry of ADDTO or REMOVEFROM: the number shown, its position. */
struct change {
	uint32_t number;
	size_t pos;             /* 1 is the first; 0 for SEARCH (§4.3.3) */
};

struct session;

/* qsort/bsearch order of uint32_t UIDs. */
int search_context_compare_uids(const void *a, const void *b);

/* A SORT's result without removed[0..nr) (ascending; their changes, in
 * the order of their positions, into rv) and with msgs[added[0..na)]
 * (their changes, in the order of their final positions, into av: the
 * order the client applies them in, §4.3.2). 0, or -1 (ENOMEM: the
 * result is then unusable). */
int search_context_merge_sort(struct session *s, struct search_context *c,
			      const uint32_t *removed, size_t nr,
			      const size_t *added, size_t na,
			      struct change *rv, struct change *av);

#endif
