/* aliases.h - alias expansion of a message's recipients (the "aliases"
 * control file, "address: target, target..."). */
#ifndef POSTERN_QUEUE_ALIASES_H
#define POSTERN_QUEUE_ALIASES_H
#include "state.h"

/* Expand every pending local recipient of st that has an alias (the
 * address as given, else without its +tag): it becomes "expanded" and its
 * targets are added as pending recipients (a target without '@' takes the
 * alias's domain). A target that is already a pending or finished
 * recipient is not added again; an address is not expanded again below
 * itself ("a: a, b" delivers to a's own mailbox, loops end). Invalid
 * targets are logged and skipped. Returns the number of recipients
 * expanded (st changed when > 0), or -1 when the aliases file cannot be
 * read (nothing changed for the rest). */
int aliases_expand(const char *id, struct msg_state *st);

/* The domain part of address ("" if none). */
const char *address_domain(const char *address);

#endif
