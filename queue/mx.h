/* mx.h - where mail for a domain goes: the "routes" control file, else
 * DNS (RFC 5321 §5.1) through libresolv. */
#ifndef POSTERN_QUEUE_MX_H
#define POSTERN_QUEUE_MX_H
#include <sys/socket.h>
#include "limits.h"

enum mx_status { MX_OK, MX_TEMPORARY, MX_PERMANENT };

struct mx_target {
	char host[ADDRESS_DOMAIN_MAX + 1];      /* name, for logs and DSNs */
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

struct mx_result {
	enum mx_status status;
	char reply[256];        /* why, as an SMTP-like reply, when not MX_OK */
	size_t count;
	struct mx_target target[MX_HOSTS_MAX * MX_ADDRESSES_MAX];
};

/* The addresses to try for domain, in order. A "routes" line for the
 * domain or "*" wins (its host resolved by getaddrinfo, port default
 * 25); else the MX records by preference (equal ones shuffled), each
 * host's A then AAAA records; no MX records: the domain's own A/AAAA
 * (§5.1 implicit MX); a null MX (RFC 7505) or a domain that does not
 * exist: MX_PERMANENT; DNS trouble: MX_TEMPORARY. "[literal]" domains
 * go to that address. Fills out (status always set). */
void mx_resolve(const char *domain, struct mx_result *out);

#endif
