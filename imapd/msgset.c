/* msgset.c - from a sequence set to the messages it names. */
#include <stdlib.h>
#include "imapd.h"
#include "mailbox.h"
#include "search.h"

enum reply message_set(struct session *s, const struct seqset *set,
		       size_t **idx, size_t *n)
{
	struct mailbox *b = s->box;
	*idx = NULL;
	*n = 0;
	if (!s->uid && !set->saved &&
	    (b->count == 0 || seqset_max(set) > b->count))
		return reply_set(s, REPLY_BAD, NULL,
				 "Invalid message sequence number");
	size_t *v = malloc((b->count ? b->count : 1) * sizeof *v);
	if (!v)
		return reply_set(s, REPLY_NO, "SERVERBUG", "Out of memory");
	uint32_t star = s->uid ? (b->count ? b->msgs[b->count - 1].uid : 0)
			       : (uint32_t)b->count;
	for (size_t i = 0; i < b->count; i++) {
		uint32_t key = s->uid ? b->msgs[i].uid : (uint32_t)(i + 1);
		if (set->saved ? search_saved_contains(s, b->msgs[i].uid) :
		    seqset_contains(set, key, star))
			v[(*n)++] = i;
	}
	*idx = v;
	return REPLY_OK;
}
