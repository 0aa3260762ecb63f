/* delivery.c - helpers shared by the delivery children (delivery.h). */
#include <stdio.h>
#include <string.h>
#include "bytes.h"
#include "delivery.h"
#include "fsutil.h"
#include "state.h"

void delivery_set(struct delivery_rcpt *r, enum result result,
		  const char *relay, const char *reply)
{
	r->result = result;
	state_clean_text(r->relay, sizeof r->relay, relay ? relay : "");
	state_clean_text(r->reply, sizeof r->reply, reply);
}

void delivery_set_rest(struct delivery *d, enum result result,
		       const char *relay, const char *reply)
{
	for (size_t i = 0; i < d->count; i++) {
		struct delivery_rcpt *r = &d->rcpt[i];
		if (r->result != RESULT_NONE)
			continue;
		delivery_set(r, result, relay, reply);
	}
}

int delivery_report(const struct delivery *d, int part, int fd)
{
	struct bytes b;
	int rc = 0;
	bytes_init(&b, JOB_REPORT_MAX);
	for (size_t i = 0; i < d->count && rc == 0; i++) {
		const struct delivery_rcpt *r = &d->rcpt[i];
		if (r->result == RESULT_NONE)
			continue;
		rc = bytes_appendf(&b, "%d %ld %c\t%s\t%s\n", part, r->index, (char)r->result,
				   r->relay[0] ? r->relay : "-", r->reply);
	}
	if (rc == 0 && b.len)
		rc = write_all(fd, b.data, b.len);
	bytes_free(&b);
	return rc;
}
