/* test_log.c - event lines and value quoting. */
#include "check.h"
#include "log.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void quoting(void)
{
	char buf[64];
	CHECK(strcmp(log_quote("plain", buf, sizeof buf), "plain") == 0);
	CHECK(strcmp(log_quote("", buf, sizeof buf), "\"\"") == 0);
	CHECK(strcmp(log_quote("two words", buf, sizeof buf), "\"two words\"") == 0);
	CHECK(strcmp(log_quote("a\"b\\c", buf, sizeof buf), "\"a\\\"b\\\\c\"") == 0);
	CHECK(strcmp(log_quote("x\r\ny=1", buf, sizeof buf), "\"x\\x0d\\x0ay=1\"") == 0);
	char small[8];
	log_quote("a long value here", small, sizeof small);
	CHECK(strlen(small) < sizeof small);
}

static void event_line(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	int saved = dup(2);
	dup2(p[1], 2);
	log_init("/usr/sbin/postern-smtpd");
	log_event("event=connect client=%s", "192.0.2.1");
	dup2(saved, 2);
	close(p[1]);
	char buf[256];
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	CHECK(n > 0);
	buf[n > 0 ? n : 0] = '\0';
	char want[128];
	snprintf(want, sizeof want, "postern-smtpd[%ld]: event=connect client=192.0.2.1\n",
		 (long)getpid());
	CHECK(strcmp(buf, want) == 0);
	close(p[0]);
	close(saved);
}

static const struct check_case cases[] = {
	{ "quoting", quoting },
	{ "event_line", event_line },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
