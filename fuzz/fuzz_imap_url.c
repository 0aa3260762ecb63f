/* fuzz_imap_url.c - libFuzzer target: the IMAP URL parser CATENATE uses
 * (imapd/imap_url); what parses names a mailbox and a nonzero UID, a
 * section with no "]" nor line end (it goes inside FETCH's BODY[...]),
 * and a partial range with a nonzero length. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imapd/imap_url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imap_url u;
	char *s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (imap_url_parse(s, &u) == 0 &&
	    (!u.mailbox[0] || u.uid == 0 || strpbrk(u.section, "]\r\n") ||
	     (u.partial && u.length == 0) ||
	     strlen(u.mailbox) > IMAP_MAILBOX_NAME_MAX ||
	     strlen(u.section) > IMAP_URL_SECTION_MAX))
		abort();
	free(s);
	return 0;
}
