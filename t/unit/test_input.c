/* test_input.c - the bounded line reader: bounds, flags, timeouts, EOF. */
#include "check.h"
#include "input.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A reader on a pipe whose writer child sends data, then sleeps
 * linger_ms, then closes. */
static pid_t writer_pid;

static int feed(const char *data, size_t n, int linger_ms)
{
	int p[2];
	if (pipe(p) < 0)
		abort();
	writer_pid = fork();
	if (writer_pid == 0) {
		close(p[0]);
		size_t off = 0;
		while (off < n) {
			ssize_t w = write(p[1], data + off, n - off);
			if (w <= 0)
				_exit(1);
			off += (size_t)w;
		}
		if (linger_ms)
			usleep((useconds_t)linger_ms * 1000);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static void reap(int fd)
{
	close(fd);
	kill(writer_pid, SIGKILL);
	waitpid(writer_pid, NULL, 0);
}

static struct input in;
static char line[SMTP_COMMAND_LINE_MAX + 1];

static enum input_status read_line(size_t *len, int *flags)
{
	return input_line(&in, line, sizeof line, len, flags);
}

static void one_megabyte_line(void)
{
	size_t big = 1024 * 1024;
	char *data = malloc(big + 16);
	memset(data, 'a', big);
	memcpy(data + big, "\r\nNEXT\r\n", 8);
	int fd = feed(data, big + 8, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_TOO_LONG);
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(len == 4 && strcmp(line, "NEXT") == 0 && flags == 0);
	CHECK(read_line(&len, &flags) == INPUT_EOF);
	reap(fd);
	free(data);
}

static void exact_bound(void)
{
	/* 510 octets + CRLF = 512: the longest legal SMTP command line. */
	char data[1200];
	memset(data, 'x', 510);
	memcpy(data + 510, "\r\n", 2);
	memset(data + 512, 'y', 511);
	memcpy(data + 1023, "\r\nok\r\n", 6);
	int fd = feed(data, 1029, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK && len == 510);
	CHECK(read_line(&len, &flags) == INPUT_TOO_LONG);
	CHECK(read_line(&len, &flags) == INPUT_OK && strcmp(line, "ok") == 0);
	reap(fd);
}

/* A drained over-long line says how it ended: SMTP needs to know whether
 * the next line follows a CRLF (smtpd: only CRLF.CRLF ends DATA). The LF
 * may arrive in a later read than the CR before it. */
static void too_long_line_end(void)
{
	char data[1400];
	memset(data, 'x', 600);
	memcpy(data + 600, "\n", 1);
	memset(data + 601, 'y', 600);
	memcpy(data + 1201, "\r\n", 2);
	int fd = feed(data, 1203, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_TOO_LONG && flags == INPUT_BARE_LF);
	CHECK(read_line(&len, &flags) == INPUT_TOO_LONG && flags == 0);
	CHECK(read_line(&len, &flags) == INPUT_EOF);
	reap(fd);
	/* CR at the end of one read, LF at the start of the next */
	int p[2];
	CHECK(pipe(p) == 0);
	writer_pid = fork();
	if (writer_pid == 0) {
		close(p[0]);
		memset(data, 'z', 700);
		data[700] = '\r';
		if (write(p[1], data, 701) != 701)
			_exit(1);
		usleep(100 * 1000);
		if (write(p[1], "\nok\r\n", 5) != 5)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	input_init(&in, p[0], 5000);
	CHECK(read_line(&len, &flags) == INPUT_TOO_LONG && flags == 0);
	CHECK(read_line(&len, &flags) == INPUT_OK && strcmp(line, "ok") == 0);
	reap(p[0]);
}

static void nul_byte(void)
{
	int fd = feed("ab\0c\r\n", 6, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(len == 4 && (flags & INPUT_NUL) && memcmp(line, "ab\0c", 4) == 0);
	reap(fd);
}

static void bare_cr(void)
{
	int fd = feed("ab\rcd\r\n", 7, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(len == 5 && flags == INPUT_BARE_CR);
	reap(fd);
}

static void bare_lf(void)
{
	int fd = feed("abc\nde\r\n", 8, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(len == 3 && flags == INPUT_BARE_LF && strcmp(line, "abc") == 0);
	CHECK(read_line(&len, &flags) == INPUT_OK && flags == 0 && strcmp(line, "de") == 0);
	reap(fd);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void stall_past_timeout(void)
{
	int fd = feed("HELO", 4, 3000);
	input_init(&in, fd, 300);
	size_t len; int flags;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(read_line(&len, &flags) == INPUT_TIMEOUT);
	double took = seconds_since(&t0);
	CHECK(took >= 0.25 && took < 2.0);
	reap(fd);
}

static void trickle_does_not_extend_deadline(void)
{
	/* A byte every 100 ms never completes a line: the deadline is
	 * absolute for the whole line, so 400 ms still times out. */
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 30; i++) {
			if (write(p[1], "a", 1) != 1)
				_exit(1);
			usleep(100000);
		}
		_exit(0);
	}
	close(p[1]);
	input_init(&in, p[0], 400);
	size_t len; int flags;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK(read_line(&len, &flags) == INPUT_TIMEOUT);
	CHECK(seconds_since(&t0) < 1.5);
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void close_mid_line(void)
{
	int fd = feed("MAIL FROM:<a@b", 14, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_EOF);
	CHECK(read_line(&len, &flags) == INPUT_EOF);
	reap(fd);
}

static void raw_bytes_keep_read_ahead(void)
{
	const char data[] = "A1 APPEND x {10}\r\n0123456789 rest\r\nA2 NOOP\r\n";
	int fd = feed(data, sizeof data - 1, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	char raw[10];
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(input_bytes(&in, raw, 10) == INPUT_OK && memcmp(raw, "0123456789", 10) == 0);
	CHECK(read_line(&len, &flags) == INPUT_OK && strcmp(line, " rest") == 0);
	CHECK(input_buffered(&in) == 9);
	CHECK(read_line(&len, &flags) == INPUT_OK && strcmp(line, "A2 NOOP") == 0);
	CHECK(input_buffered(&in) == 0);
	reap(fd);
}

static void raw_bytes_large_and_eof(void)
{
	size_t big = 200000;
	char *data = malloc(big);
	for (size_t i = 0; i < big; i++)
		data[i] = (char)(i * 7);
	int fd = feed(data, big, 0);
	input_init(&in, fd, 5000);
	char *got = malloc(big);
	CHECK(input_skip(&in, 1000) == INPUT_OK);
	CHECK(input_bytes(&in, got, big - 1000) == INPUT_OK);
	CHECK(memcmp(got, data + 1000, big - 1000) == 0);
	CHECK(input_bytes(&in, got, 1) == INPUT_EOF);
	reap(fd);
	free(data);
	free(got);
}

static void wait_for_input(void)
{
	int fd = feed("x\r\n", 3, 1000);
	input_init(&in, fd, 5000);
	CHECK(input_wait(&in, 2000) == 1);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(input_wait(&in, 50) == 0);
	reap(fd);
}

/* STARTTLS: what is buffered and what waits in the pipe is thrown away;
 * what comes later is read. */
static void discard_buffered_and_waiting(void)
{
	int p[2];
	CHECK(pipe(p) == 0);
	CHECK(write(p[1], "STARTTLS\r\nRSET\r\n", 16) == 16);
	input_init(&in, p[0], 5000);
	size_t len; int flags;
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(strcmp(line, "STARTTLS") == 0);
	CHECK(input_buffered(&in) == 6);
	CHECK(write(p[1], "MAIL FROM:<a@b>\r\n", 17) == 17);
	input_discard(&in);
	CHECK(input_buffered(&in) == 0);
	CHECK(input_wait(&in, 0) == 0);
	CHECK(write(p[1], "EHLO x\r\n", 8) == 8);
	CHECK(read_line(&len, &flags) == INPUT_OK);
	CHECK(strcmp(line, "EHLO x") == 0);
	close(p[1]);
	CHECK(read_line(&len, &flags) == INPUT_EOF);
	close(p[0]);
}

/* A 3000-octet line comes in pieces of the buffer's size, then the rest. */
static void segments_of_a_long_line(void)
{
	char data[3100], seg[101];
	memset(data, 'q', 3000);
	memcpy(data + 3000, "\r\nend\n", 6);
	int fd = feed(data, 3006, 0);
	input_init(&in, fd, 5000);
	size_t len, total = 0; int flags, pieces = 0;
	do {
		CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
		total += len;
		pieces++;
	} while (flags & INPUT_PARTIAL);
	CHECK(total == 3000 && pieces == 31 && flags == 0);
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
	CHECK(len == 3 && strcmp(seg, "end") == 0 && flags == INPUT_BARE_LF);
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_EOF);
	reap(fd);
}

/* A CRLF split by the piece boundary is still a CRLF, not a bare CR. */
static void segment_crlf_across_pieces(void)
{
	char seg[5];
	int fd = feed("abc\r\nx\ry\rz\n", 11, 0);
	input_init(&in, fd, 5000);
	size_t len; int flags;
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
	CHECK(len == 3 && memcmp(seg, "abc", 3) == 0 && flags == INPUT_PARTIAL);
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
	CHECK(len == 0 && flags == 0);
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
	CHECK(len == 3 && flags == (INPUT_PARTIAL | INPUT_BARE_CR));
	CHECK(input_segment(&in, seg, sizeof seg, &len, &flags) == INPUT_OK);
	CHECK(len == 2 && strcmp(seg, "\rz") == 0 &&
	      flags == (INPUT_BARE_LF | INPUT_BARE_CR));
	reap(fd);
}

static const struct check_case cases[] = {
	{ "one_megabyte_line", one_megabyte_line },
	{ "exact_bound", exact_bound },
	{ "too_long_line_end", too_long_line_end },
	{ "nul_byte", nul_byte },
	{ "bare_cr", bare_cr },
	{ "bare_lf", bare_lf },
	{ "stall_past_timeout", stall_past_timeout },
	{ "trickle_does_not_extend_deadline", trickle_does_not_extend_deadline },
	{ "close_mid_line", close_mid_line },
	{ "raw_bytes_keep_read_ahead", raw_bytes_keep_read_ahead },
	{ "raw_bytes_large_and_eof", raw_bytes_large_and_eof },
	{ "wait_for_input", wait_for_input },
	{ "discard_buffered_and_waiting", discard_buffered_and_waiting },
	{ "segments_of_a_long_line", segments_of_a_long_line },
	{ "segment_crlf_across_pieces", segment_crlf_across_pieces },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
