/* http_text.c - the words of HTTP: status texts (RFC 7231 §6.1),
 * percent-encoding (RFC 3986 §2.1) and form or query parameters. */
#include "http.h"
#include <string.h>

const char *http_reason(int code)
{
	static const struct { int code; const char *text; } reasons[] = {
		{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
		{ 204, "No Content" }, { 303, "See Other" },
		{ 304, "Not Modified" }, { 400, "Bad Request" },
		{ 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" },
		{ 408, "Request Timeout" }, { 411, "Length Required" },
		{ 413, "Payload Too Large" }, { 414, "URI Too Long" },
		{ 415, "Unsupported Media Type" }, { 429, "Too Many Requests" },
		{ 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
		{ 503, "Service Unavailable" },
		{ 505, "HTTP Version Not Supported" },
	};
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (reasons[i].code == code)
			return reasons[i].text;
	return "";
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int http_unescape(const char *s, size_t n, int form, struct bytes *out)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (n - i < 3)
				return -1;
			int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (form && c == '+') {
			c = ' ';
		}
		if (bytes_append_char(out, c) < 0)
			return -1;
	}
	if (!out->data && bytes_append(out, "", 0) < 0)
		return -1;
	return 0;
}

int http_param(const char *query, size_t n, const char *key,
	       struct bytes *out)
{
	size_t klen = strlen(key);
	const char *p = query, *end = query + n;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		size_t name_len = (size_t)((eq ? eq : stop) - p);
		if (name_len == klen && !memcmp(p, key, klen)) {
			bytes_clear(out);
			if (!eq)
				return bytes_append(out, "", 0) < 0 ? -1 : 1;
			return http_unescape(eq + 1, (size_t)(stop - eq - 1), 1,
					     out) < 0 ? -1 : 1;
		}
		p = stop + 1;
	}
	return 0;
}
