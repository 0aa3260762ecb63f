/* fuzz_imap_command.c - libFuzzer target: the IMAP command parser
 * (imapd/parse.c and the grammars built on it: sequence sets, FETCH
 * attributes, SEARCH keys, flag lists) on a command as command.c
 * assembles it. The tag and command name come first, as on the wire;
 * then the rest goes through every argument grammar in turn, RFC 7162's
 * FETCH modifiers and SELECT parameters among them (with QRESYNC on),
 * and NOTIFY SET's event groups (RFC 5465, with UTF-8 names on). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../imapd/condstore.h"
#include "../imapd/fetch.h"
#include "../imapd/flags.h"
#include "../imapd/parse.h"
#include "../imapd/mailbox.h"
#include "../imapd/notify_impl.h"
#include "../imapd/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The session the RFC 7162 grammars consult (UID command, QRESYNC on). */
static struct session *fuzz_session(void)
{
	static struct session s;
	if (!s.code.max) {
		bytes_init(&s.code, 4096);
		s.uid = 1;
		s.enabled = ENABLED_CONDSTORE | ENABLED_QRESYNC | ENABLED_UTF8;
	}
	return &s;
}

/* One grammar over buf[0..len), on a fresh copy. */
static void grammar(const char *buf, size_t len, int which)
{
	struct parse p;
	struct string s;
	struct seqset set;
	struct fetch_request fr;
	struct key k;
	struct flag_args f;
	unsigned needs = 0;
	uint32_t n;
	int nil, condstore;
	struct fetch_modifiers mod;
	struct qresync q;
	char *copy = malloc(len + 1);
	if (!copy)
		return;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	parse_init(&p, copy, len);
	memset(&k, 0, sizeof k);
	switch (which) {
	case 0: (void)(parse_seqset(&p, &set) == 0 && parse_sp(&p) == 0 &&
		       fetch_parse(&p, &fr) == 0 && parse_end(&p) == 0); break;
	case 1: {
		struct search_return r;
		(void)(search_return_parse(&p, &r) == 0 &&
		       search_parse(&p, &k, &needs) == 0);
		break;
	}
	case 2: (void)(parse_seqset(&p, &set) == 0 && parse_sp(&p) == 0 &&
		       parse_atom(&p, &s) == 0 && parse_sp(&p) == 0 &&
		       flag_list_parse(&p, &f) == 0); break;
	case 3: (void)(parse_astring(&p, &s) == 0 && parse_sp(&p) == 0 &&
		       parse_list_mailbox(&p, &s) == 0 && parse_end(&p) == 0); break;
	case 4: (void)(parse_nstring(&p, &s, &nil) == 0 && parse_sp(&p) == 0 &&
		       parse_nz_number(&p, &n) == 0 && parse_sp(&p) == 0 &&
		       parse_string(&p, &s) == 0); break;
	case 6: (void)(parse_seqset(&p, &set) == 0 && parse_sp(&p) == 0 &&
		       fetch_parse(&p, &fr) == 0 &&
		       fetch_modifiers_parse(fuzz_session(), &p, &mod) == REPLY_OK &&
		       parse_end(&p) == 0); break;
	case 7: (void)(parse_astring(&p, &s) == 0 &&
		       select_params_parse(fuzz_session(), &p, &condstore, &q)); break;
	case 8: {
		struct notify *ns;
		if (parse_atom(&p, &s) == 0 &&  /* SET */
		    notify_set_parse(fuzz_session(), &p, &ns, &nil) == REPLY_OK) {
			notify_state_free(ns);
			free(ns);
		}
		break;
	}
	default:
		memset(&f, 0, sizeof f);
		while (flag_parse(&p, &f) == 0 && parse_sp(&p) == 0)
			continue;
		break;
	}
	parse_free(&p);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct parse p;
	struct string tag, name;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	parse_init(&p, buf, size);
	if (parse_tag(&p, &tag) == 0 && parse_sp(&p) == 0 && parse_atom(&p, &name) == 0) {
		size_t at = p.pos < size && buf[p.pos] == ' ' ? p.pos + 1 : p.pos;
		for (int which = 0; which < 9; which++)
			grammar(buf + at, size - at, which);
	}
	parse_free(&p);
	free(buf);
	return 0;
}
