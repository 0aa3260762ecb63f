/* fuzz_address.c - libFuzzer target: the RFC 5321 path and mailbox
 * parsers (lib/address) with every flag combination; what parses must
 * format, and the formatted mailbox must parse again to the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "address.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void path(const char *s, int flags)
{
	struct address a, b;
	const char *why;
	char buf[ADDRESS_PATH_MAX + 8];
	int n = address_parse_path(s, &a, flags, &why);
	if (n < 0)
		return;
	if ((size_t)n > strlen(s) || s[n - 1] != '>')
		abort();
	if (address_format(&a, buf, sizeof buf) < 0)
		abort();
	if (!a.null && a.domain[0] &&
	    address_parse_mailbox(buf, &b, flags, &why) == 0 &&
	    (strcmp(a.local, b.local) || strcmp(a.domain, b.domain)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address a;
	const char *why;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int flags = 0; flags < 8; flags++) {
		path(s, flags);
		(void)address_parse_mailbox(s, &a, flags, &why);
	}
	free(s);
	return 0;
}
