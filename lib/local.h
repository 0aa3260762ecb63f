/* local.h - who is local: domains, users, aliases (control files). */
#ifndef POSTERN_LOCAL_H
#define POSTERN_LOCAL_H
#include <stddef.h>
#include "bytes.h"

/* Is domain one of "domains" (default: "me")? ASCII case ignored.
 * 1, 0, or -1 (control file unreadable). */
int local_domain(const char *domain);
/* Does "local@domain" have a line in "users"? 1, 0, -1. */
int local_user(const char *address);
/* The alias targets of address ("a, b, c" as written) into targets.
 * 1 found, 0 none, -1 error. */
int local_alias(const char *address, struct bytes *targets);
/* address without a "+tag" in its local part, lowercased, into buf.
 * 0, or -1 if it does not fit. */
int local_base_address(const char *address, char *buf, size_t size);

#endif
