/* test_peer.c - the client address and CIDR matching. */
#include "check.h"
#include "peer.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void environment_fallbacks(void)
{
	char buf[64];
	/* fd 0 is not a socket under the test runner */
	unsetenv("TCPREMOTEIP");
	unsetenv("REMOTE_ADDR");
	CHECK(strcmp(peer_address(buf, sizeof buf), "unknown") == 0);
	setenv("REMOTE_ADDR", "2001:db8::5", 1);
	CHECK(strcmp(peer_address(buf, sizeof buf), "2001:db8::5") == 0);
	setenv("TCPREMOTEIP", "192.0.2.9", 1);
	CHECK(strcmp(peer_address(buf, sizeof buf), "192.0.2.9") == 0);
	setenv("TCPREMOTEIP", "not an address\r\n", 1);
	CHECK(strcmp(peer_address(buf, sizeof buf), "2001:db8::5") == 0);
	setenv("REMOTE_ADDR", "::ffff:10.1.2.3", 1);
	CHECK(strcmp(peer_address(buf, sizeof buf), "10.1.2.3") == 0);
}

static void from_socket(void)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof sin;
	CHECK(bind(l, (struct sockaddr *)&sin, sizeof sin) == 0 && listen(l, 1) == 0);
	CHECK(getsockname(l, (struct sockaddr *)&sin, &len) == 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	CHECK(connect(c, (struct sockaddr *)&sin, sizeof sin) == 0);
	int a = accept(l, NULL, NULL);
	int saved = dup(0);
	dup2(a, 0);
	setenv("TCPREMOTEIP", "192.0.2.9", 1);
	char buf[64];
	CHECK(strcmp(peer_address(buf, sizeof buf), "127.0.0.1") == 0);
	dup2(saved, 0);
	close(a); close(c); close(l); close(saved);
}

static void networks(void)
{
	CHECK(peer_in_network("127.0.0.1", "127.0.0.0/8") == 1);
	CHECK(peer_in_network("128.0.0.1", "127.0.0.0/8") == 0);
	CHECK(peer_in_network("192.0.2.130", "192.0.2.128/25") == 1);
	CHECK(peer_in_network("192.0.2.127", "192.0.2.128/25") == 0);
	CHECK(peer_in_network("10.0.0.1", "0.0.0.0/0") == 1);
	CHECK(peer_in_network("10.0.0.1", "10.0.0.1") == 1);
	CHECK(peer_in_network("10.0.0.2", "10.0.0.1") == 0);
	CHECK(peer_in_network("::1", "::1/128") == 1);
	CHECK(peer_in_network("2001:db8::1", "2001:db8::/32") == 1);
	CHECK(peer_in_network("2001:db9::1", "2001:db8::/32") == 0);
	CHECK(peer_in_network("127.0.0.1", "::1/128") == 0);
	CHECK(peer_in_network("::ffff:127.0.0.1", "127.0.0.0/8") == 1);
	CHECK(peer_in_network("unknown", "0.0.0.0/0") == 0);
	CHECK(peer_in_network("10.0.0.1", "10.0.0.0/33") == 0);
	CHECK(peer_in_network("10.0.0.1", "10.0.0.0/x") == 0);
	CHECK(peer_in_network("10.0.0.1", "10.0.0.0/") == 0);
	CHECK(peer_in_network("10.0.0.1", "garbage") == 0);
}

static const struct check_case cases[] = {
	{ "environment_fallbacks", environment_fallbacks },
	{ "from_socket", from_socket },
	{ "networks", networks },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
