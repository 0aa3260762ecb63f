/* search_context.h - updating searches (CONTEXT=SEARCH, CONTEXT=SORT:
 * RFC 5267 §4.3): a SEARCH or SORT with RETURN (UPDATE) keeps its keys,
 * its sort criteria and its result (UIDs in the requested order), and
 * every change to the selected folder the session learns of (new
 * messages, expunges, flag changes: its own and others') is checked
 * against the keys for the changed messages only, the difference sent as
 * "* ESEARCH (TAG "t") [UID] REMOVEFROM (...) ADDTO (...)".
 *
 * The contexts live in struct session (at most IMAP_CONTEXTS_MAX) and end
 * on CANCELUPDATE and when the folder is left (SELECT, EXAMINE, CLOSE,
 * UNSELECT). */
#ifndef IMAPD_SEARCH_CONTEXT_H
#define IMAPD_SEARCH_CONTEXT_H
#include <stddef.h>
#include "mail_sort.h"
#include "search.h"

struct session;

/* The context the command tagged tag opened, or NULL. */
struct search_context *search_context_find(const struct session *s,
					   const char *tag);

/* After a searching command with RETURN (UPDATE) answered: keep a
 * context for s->tag with the keys prog found in p's buffer, UPDATE's
 * fetch attributes there (r, RFC 5465 §7: FETCH of each new message
 * that joins, before the ADDTO), the sort criteria c[0..nc) (nc 0: a
 * SEARCH, in mailbox order) and the result msgs[idx[0..n)] in the
 * requested order. When the keys use sequence
 * numbers or "$" (RFC 5267 §4.3: evaluated when the command ran) or
 * OLDER/YOUNGER (the result moves with the clock), when the session has
 * IMAP_CONTEXTS_MAX, or memory is out, sends "* NO [NOUPDATE "tag"]"
 * instead (§4.3.1). */
void search_context_add(struct session *s, const struct parse *p,
			const struct search_return *r,
			const struct search_program *prog,
			const struct mail_sort_criterion *c, size_t nc,
			const size_t *idx, size_t n);

/* Check the messages of the selected folder whose MODSEQ moved since the
 * last look (new ones, flag changes) against every context, and send
 * the ESEARCH updates. Call after the EXISTS and FETCH responses of the
 * changes are written (§4.3.3: ADDTO after EXISTS). */
void search_contexts_update(struct session *s);

/* End every context (the folder is left). */
void search_contexts_free(struct session *s);

/* cmd_sort.c: the sort values the criteria c[0..nc) need of msgs[i]
 * into f, its UID as the last tie-breaker (f->order; the same order as
 * sequence numbers). 0, or -1 (ENOMEM). */
int sort_fields_read(struct session *s, size_t i,
		     const struct mail_sort_criterion *c, size_t nc,
		     struct mail_fields *f);

#endif
