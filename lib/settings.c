/* settings.c - the table of numeric control files. See settings.h. */
#include "settings.h"
#include "control.h"
#include "limits.h"
#include "log.h"
#include <errno.h>
#include <string.h>

static const struct setting_def table[SETTING_COUNT] = {
	[SETTING_MAXSIZE] = { "maxsize", 36700160, 1, MESSAGE_SIZE_MAX, NULL,
		"smtpd sendmail imapd" },
	/* RFC 5321 §4.5.3.1.8 asks for at least 100; fewer is allowed to an
	 * administrator (the client sends the rest later) */
	[SETTING_MAXRCPT] = { "maxrcpt", 100, 1, 100000, NULL, "smtpd" },
	/* RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes */
	[SETTING_TIMEOUT] = { "timeout", 300, 1, 86400, NULL, "smtpd" },
	/* RFC 1939 §3: an autologout timer of at least 10 minutes */
	[SETTING_POP3TIMEOUT] = { "pop3timeout", 600, 1, 86400, NULL, "pop3d" },
	/* RFC 3501 §5.4: an autologout timer of at least 30 minutes */
	[SETTING_IMAPTIMEOUT] = { "imaptimeout", 1800, 1, 86400, NULL, "imapd" },
	/* RFC 2177 §3: clients re-issue IDLE every 29 minutes */
	[SETTING_IDLETIMEOUT] = { "idletimeout", IMAP_IDLE_TIMEOUT, 1, 86400,
		NULL, "imapd" },
	[SETTING_RELAYTIMEOUT] = { "relaytimeout", 0, 0, 86400,
		"no cap: the RFC 5321 §4.5.3.2 timeouts as they are", "runner" },
	[SETTING_RETRYMIN] = { "retrymin", 300, 0, 86400 * 7,
		"retry at once", "runner" },
	[SETTING_RETRYMAX] = { "retrymax", 3600, 0, 86400 * 7,
		"no larger than retrymin", "runner" },
	[SETTING_QUEUELIFETIME] = { "queuelifetime", 432000, 0, 86400 * 365,
		"bounce at the first temporary failure", "runner" },
	[SETTING_CONCURRENCY] = { "concurrency", 20, 1, RUNNER_CONCURRENCY_MAX,
		NULL, "runner" },
	/* a slow or throttling domain takes at most this many of the
	 * concurrency slots (Postfix: default_destination_concurrency_limit) */
	[SETTING_DOMAINCONCURRENCY] = { "domainconcurrency", 10, 1,
		RUNNER_CONCURRENCY_MAX, NULL, "runner" },
	/* RFC 3464 Action: delayed; four hours, as OpenSMTPD */
	[SETTING_DELAYWARNING] = { "delaywarning", 14400, 0, 86400 * 365,
		"no delay warnings", "runner" },
	[SETTING_PLAINTEXTAUTH] = { "plaintextauth", 0, 0, 1,
		"refuse passwords until the link is encrypted",
		"smtpd pop3d imapd" },
};

const struct setting_def *setting_def(enum setting_id id)
{
	return &table[id];
}

const struct setting_def *setting_find(const char *file)
{
	for (size_t i = 0; i < SETTING_COUNT; i++)
		if (!strcmp(table[i].file, file))
			return &table[i];
	return NULL;
}

int setting_value(enum setting_id id, long *out, const char **why)
{
	const struct setting_def *d = &table[id];
	const char *reason = NULL;
	long v;
	if (control_number(d->file, d->dflt, &v) < 0)
		reason = errno == EINVAL ? "not a number" : "unreadable";
	else if (v < d->min || v > d->max)
		reason = "out of bounds";
	if (why)
		*why = reason;
	if (reason) {
		*out = d->dflt;
		errno = EINVAL;
		return -1;
	}
	*out = v;
	return 0;
}

int setting_load(enum setting_id id, long *out)
{
	const char *why;
	if (setting_value(id, out, &why) == 0)
		return 0;
	log_event("event=config-error file=%s reason=\"%s\"", table[id].file,
		  why);
	errno = EINVAL;
	return -1;
}

int settings_check(const enum setting_id *ids, size_t n)
{
	int rc = 0;
	long v;
	for (size_t i = 0; i < n; i++)
		if (setting_load(ids[i], &v) < 0)
			rc = -1;
	return rc;
}
