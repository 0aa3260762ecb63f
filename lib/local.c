/* local.c - local domains, users and aliases from the control files. */
#include "local.h"
#include "control.h"
#include "limits.h"
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

int local_domain(const char *domain)
{
	int found = control_member("domains", domain);
	if (found != CONTROL_MISSING)
		return found;
	char me[ADDRESS_DOMAIN_MAX + 1];
	if (control_me(me, sizeof me) < 0)
		return -1;
	return strcasecmp(me, domain) == 0;
}

int local_user(const char *address)
{
	return control_lookup("users", address, ':', NULL);
}

int local_alias(const char *address, struct bytes *targets)
{
	return control_lookup("aliases", address, ':', targets);
}

int local_base_address(const char *address, char *buf, size_t size)
{
	const char *at = strrchr(address, '@');
	size_t llen = at ? (size_t)(at - address) : strlen(address);
	const char *plus = memchr(address, '+', llen);
	size_t keep = plus && plus != address ? (size_t)(plus - address) : llen;
	size_t dlen = at ? strlen(at) : 0;
	if (keep + dlen >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (size_t i = 0; i < keep; i++)
		buf[i] = (char)tolower((unsigned char)address[i]);
	for (size_t i = 0; i < dlen; i++)
		buf[keep + i] = (char)tolower((unsigned char)at[i]);
	buf[keep + dlen] = '\0';
	return 0;
}
