/* starttls.c - STARTTLS through the TLS wrapper's control pipe on fd 5. */
#include "starttls.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* tlswrapper(1) -n: the control pipe's fixed descriptor. */
#define STARTTLS_CONTROL_FD 5

static int control_pipe;        /* fd 5 is the wrapper's, not yet used */

void starttls_init(void)
{
	struct stat st;
	int fl;

	control_pipe = 0;
	if (fstat(STARTTLS_CONTROL_FD, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	fl = fcntl(STARTTLS_CONTROL_FD, F_GETFL);
	if (fl < 0 || (fl & O_ACCMODE) != O_WRONLY)
		return;
	/* Not inherited by anything the server may run. */
	if (fcntl(STARTTLS_CONTROL_FD, F_SETFD, FD_CLOEXEC) < 0)
		return;
	control_pipe = 1;
}

int starttls_available(void)
{
	return control_pipe;
}

/* write(2) all of p to fd. 0 or -1. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int starttls_start(struct input *in, struct output *out, const char *reply)
{
	int failed;

	if (!control_pipe) {
		errno = EBADF;
		return -1;
	}
	if (output_flush(out) < 0)
		return -1;
	control_pipe = 0;
	failed = write_all(STARTTLS_CONTROL_FD, reply, strlen(reply));
	if (close(STARTTLS_CONTROL_FD) < 0)
		failed = -1;
	/* What came before the reply was sent in clear: a client cannot
	 * have sent anything meant for TLS yet (RFC 3207 §4.1 and CVE-2011-0411).
	 * The wrapper passes on no plaintext once it switches, and whatever
	 * it passed before the switch is in the pipe by now but for a
	 * window of microseconds, which the next read cannot tell apart. */
	input_discard(in);
	return failed;
}
