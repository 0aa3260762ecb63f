/* quota.h - each user's quota, from the control file "quota"
 * (postern-control(5)): one item a line,
 *     KEY: STORAGE [MESSAGES]
 * KEY is an address (user@domain), "@domain" (every user of the domain)
 * or "*" (everyone else); STORAGE is in KiB (1024 octets, RFC 9208
 * §5.1), MESSAGES a count; 0 or a missing MESSAGES is no limit. The
 * first line of the most specific key found applies; no line, or no
 * file, is no quota. The store enforces it (store.h "QUOTA"). */
#ifndef POSTERN_QUOTA_H
#define POSTERN_QUOTA_H
#include "maildirsize.h"

/* The quota of address (user@domain, lowercase, no +tag) into *q (all
 * 0: none). 0; -1 when the file is unreadable or the line that applies
 * is broken: then the line "event=config-error file=quota ..." is
 * logged, *q is none, and the caller refuses to add mail (a temporary
 * failure), never a silent "no quota". */
int quota_for_user(const char *address, struct maildir_quota *q);

#endif
