/* test_json.c - lib/json: the parser's acceptance and refusals, the
 * writer, JSON Pointer with JMAP's "*". */
#include "check.h"
#include "json.h"
#include <string.h>

static int parses(const char *text)
{
	struct mime_arena a;
	const char *why = NULL;
	mime_arena_init(&a);
	struct json *j = json_parse(text, strlen(text), &a, &why);
	mime_arena_free(&a);
	return j != NULL;
}

/* Round trip: parse and write back; compare with want. */
static int round_trip(const char *text, const char *want)
{
	struct mime_arena a;
	struct bytes out;
	struct json_writer w;
	const char *why;
	mime_arena_init(&a);
	bytes_init(&out, 1 << 20);
	struct json *j = json_parse(text, strlen(text), &a, &why);
	int ok = 0;
	if (j) {
		json_writer_init(&w, &out);
		json_value(&w, j);
		ok = !w.error && !strcmp(bytes_str(&out), want);
		if (!ok)
			fprintf(stderr, "got %s\n", bytes_str(&out));
	}
	bytes_free(&out);
	mime_arena_free(&a);
	return ok;
}

static void accepts(void)
{
	CHECK(parses("{}"));
	CHECK(parses(" [ 1 , -2.5e3 , true , false , null , \"x\" ] "));
	CHECK(parses("{\"a\":{\"b\":[{}]}}"));
	CHECK(parses("\"\\u00e9\\ud83d\\ude00\\n\""));
	CHECK(parses("0"));
	CHECK(parses("\"caf\xc3\xa9\""));
	CHECK(round_trip("{ \"a\" : [1, 2.5, \"x\\\"y\"], \"b\":null }",
			 "{\"a\":[1,2.5,\"x\\\"y\"],\"b\":null}"));
	CHECK(round_trip("\"\\u0001\\ud83d\\ude00\"",
			 "\"\\u0001\xf0\x9f\x98\x80\""));
}

static void refuses(void)
{
	const char *bad[] = {
		"", " ", "{", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "+1",
		"-", "1e", "tru", "nul", "{a:1}", "{\"a\" 1}", "[1 2]",
		"\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
		"\"\\u0000\"", "\"a\tb\"", "\"\xc3\"", "\"\xc0\xaf\"",
		"\"\xed\xa0\x80\"", "\"\xf5\x80\x80\x80\"", "1 2", "[] x",
		"{\"a\":1,\"a\":2}", "1e999", "// c\n1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (parses(bad[i]))
			fprintf(stderr, "accepted: %s\n", bad[i]);
		CHECK(!parses(bad[i]));
	}
}

/* JSON_DEPTH_MAX levels parse, one more does not. */
static void depth_bound(void)
{
	char buf[2 * JSON_DEPTH_MAX + 8];
	size_t n = 0;
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		buf[n++] = '[';
	for (int i = 0; i < JSON_DEPTH_MAX; i++)
		buf[n++] = ']';
	buf[n] = '\0';
	CHECK(parses(buf));
	memmove(buf + 1, buf, n + 1);
	buf[0] = '[';
	buf[n + 1] = ']';
	buf[n + 2] = '\0';
	CHECK(!parses(buf));
}

static void integers(void)
{
	struct mime_arena a;
	const char *why;
	int64_t v = 0;
	mime_arena_init(&a);
	const char *text = "[9007199254740991, 9007199254740992, "
			   "1.5, -3, 2e2, \"7\"]";
	struct json *j = json_parse(text, strlen(text), &a, &why);
	CHECK(j != NULL);
	if (j) {
		const struct json *m = j->child;
		CHECK(json_int(m, &v) && v == 9007199254740991LL);
		CHECK(!json_int(m->next, &v));
		CHECK(!json_int(m->next->next, &v));
		CHECK(json_int(m->next->next->next, &v) && v == -3);
		CHECK(json_int(m->next->next->next->next, &v) && v == 200);
		CHECK(!json_int(m->next->next->next->next->next, &v));
	}
	mime_arena_free(&a);
}

/* RFC 8620 §3.7's example: "/list/ * /id" over a Foo/get result. */
static void pointer(void)
{
	const char *text = "{\"list\":[{\"id\":\"a\",\"t\":[\"x\",\"y\"]},"
			   "{\"id\":\"b\",\"t\":[\"z\"]}],\"a/b\":1,\"m~n\":2}";
	struct mime_arena a;
	struct bytes out;
	struct json_writer w;
	const char *why;
	mime_arena_init(&a);
	bytes_init(&out, 4096);
	struct json *j = json_parse(text, strlen(text), &a, &why);
	CHECK(j != NULL);
	const struct json *r = json_pointer(j, "/list/*/id", &a);
	CHECK(r && r->type == JSON_ARRAY && r->len == 2);
	json_writer_init(&w, &out);
	if (r)
		json_value(&w, r);
	CHECK(!strcmp(bytes_str(&out), "[\"a\",\"b\"]"));
	r = json_pointer(j, "/list/*/t", &a);   /* arrays flattened */
	CHECK(r && r->len == 3);
	r = json_pointer(j, "/list/1/id", &a);
	CHECK(r && !strcmp(json_string(r), "b"));
	CHECK(json_pointer(j, "/list/2", &a) == NULL);
	CHECK(json_pointer(j, "/list/01", &a) == NULL);
	CHECK(json_pointer(j, "/nope", &a) == NULL);
	CHECK(json_pointer(j, "nope", &a) == NULL);
	r = json_pointer(j, "/a~1b", &a);
	CHECK(r && r->type == JSON_NUMBER && r->number == 1);
	r = json_pointer(j, "/m~0n", &a);
	CHECK(r && r->number == 2);
	CHECK(json_pointer(j, "", &a) == j);
	bytes_free(&out);
	mime_arena_free(&a);
}

static void writer(void)
{
	struct bytes out;
	struct json_writer w;
	bytes_init(&out, 4096);
	json_writer_init(&w, &out);
	json_object_begin(&w);
	json_key(&w, "s");
	json_str(&w, "a\"\\\n\x01\xff\xc3\xa9");
	json_key(&w, "n");
	json_int64(&w, -42);
	json_key(&w, "l");
	json_array_begin(&w);
	json_bool(&w, 1);
	json_null(&w);
	json_raw(&w, "{}", 2);
	json_end(&w);
	json_end(&w);
	CHECK(!w.error);
	CHECK(!strcmp(bytes_str(&out), "{\"s\":\"a\\\"\\\\\\n\\u0001"
		      "\xef\xbf\xbd\xc3\xa9\",\"n\":-42,\"l\":[true,null,{}]}"));
	CHECK(parses(bytes_str(&out)));
	json_end(&w);           /* one too many */
	CHECK(w.error);
	bytes_free(&out);
}

static int same(const char *x, const char *y)
{
	struct mime_arena a;
	const char *why;
	mime_arena_init(&a);
	struct json *j = json_parse(x, strlen(x), &a, &why);
	struct json *k = json_parse(y, strlen(y), &a, &why);
	int r = json_equal(j, k);
	mime_arena_free(&a);
	return r;
}

static void equal(void)
{
	CHECK(same("{\"a\":1,\"b\":[true,null,\"x\"]}",
		   "{\"b\":[true,null,\"x\"],\"a\":1.0}"));
	CHECK(same("[]", "[]") && same("{}", "{}") && same("\"\\u00e9\"", "\"\xc3\xa9\""));
	CHECK(!same("{\"a\":1}", "{\"a\":1,\"b\":2}"));
	CHECK(!same("{\"a\":1,\"b\":2}", "{\"a\":1,\"c\":2}"));
	CHECK(!same("[1,2]", "[2,1]") && !same("[1]", "[1,1]"));
	CHECK(!same("true", "false") && !same("null", "0") && !same("\"a\"", "\"ab\""));
	CHECK(!json_equal(NULL, NULL));
}

static const struct check_case cases[] = {
	{ "equal", equal },
	{ "accepts", accepts },
	{ "refuses", refuses },
	{ "depth_bound", depth_bound },
	{ "integers", integers },
	{ "pointer", pointer },
	{ "writer", writer },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	return check_main(argc, argv, cases);
}
