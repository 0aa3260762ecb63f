# fuzz/ - libFuzzer targets for the parsers of untrusted input (issue 16).
# `make fuzz` builds each with clang -fsanitize=fuzzer,address,undefined
# and runs it FUZZ_TIME seconds (default 60) from its seed corpus in
# t/fuzz-corpus/NAME/ (new finds go to a scratch directory, the seeds
# stay as they are). Each target lists the lib sources it needs.
FUZZ_CC    ?= clang
FUZZ_FLAGS := -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -iquote lib
FUZZ_TIME  ?= 60
FUZZ_TARGETS += fuzz/fuzz_json
FUZZ_json_SRCS := lib/json.c lib/json_write.c lib/bytes.c lib/mime_arena.c \
	lib/mime_encoding.c lib/base64.c

fuzz/fuzz_%: fuzz/fuzz_%.c
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(FUZZ_$*_SRCS) -lm

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		n=$${t#fuzz/fuzz_}; d=$$(mktemp -d); \
		echo "fuzz: $$t for $(FUZZ_TIME) s"; \
		$$t -max_total_time=$(FUZZ_TIME) $$d t/fuzz-corpus/$$n || exit 1; \
		rm -rf $$d; \
	done

.PHONY: fuzz fuzz-build
