# fuzz/ - libFuzzer targets for the parsers of untrusted input (issue 16).
#
#   make fuzz FUZZTIME=N    build every target and run each N seconds
#                           (default 60; FUZZ_TIME works too) from its
#                           seed corpus
#   make fuzz-build         only build them
#
# Targets are built with clang -fsanitize=fuzzer,address,undefined into
# fuzz/fuzz_NAME from fuzz/fuzz_NAME.c, linked against lib/ and the
# program objects (all but main.c) compiled the same way under fuzz/obj/.
# Seeds are t/fuzz-corpus/NAME/*; new inputs a run finds go to a scratch
# directory, so the seeds stay as committed. A crash leaves its input in
# fuzz/crash-NAME-*. t/fuzz.bats runs every target a few seconds.
#
# Adding a target is one line: $(eval $(call fuzz_target,NAME,ARCHIVES)).
FUZZ_CC    ?= clang
FUZZ_TIME  ?= 60
FUZZTIME   ?= $(FUZZ_TIME)
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_FLAGS := -std=c11 -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(WARN) \
	-Wno-unused-function -MMD -MP -D_DEFAULT_SOURCE -D_XOPEN_SOURCE=700 -iquote lib
FUZZ_TARGETS :=

fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -c -o $@ $<

# fuzz/obj/DIR.a: the objects of DIR/*.c but its main.c.
fuzz_objs = $(patsubst %.c,fuzz/obj/%.o,$(filter-out $(1)/main.c,$(wildcard $(1)/*.c)))
define fuzz_archive
fuzz/obj/$(1).a: $(call fuzz_objs,$(1))
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach d,lib smtpd imapd pop3d httpd,$(eval $(call fuzz_archive,$(d))))
-include $(wildcard fuzz/obj/*/*.d)

# fuzz_target NAME, ARCHIVES (besides lib): fuzz/fuzz_NAME.
define fuzz_target
FUZZ_TARGETS += fuzz/fuzz_$(1)
fuzz/fuzz_$(1): fuzz/obj/fuzz/fuzz_$(1).o $(foreach d,$(2),fuzz/obj/$(d).a) fuzz/obj/lib.a
	$$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $$(LDLIBS) -lm
endef

$(eval $(call fuzz_target,address,))
$(eval $(call fuzz_target,input,))
$(eval $(call fuzz_target,mime,))
$(eval $(call fuzz_target,imap_command,imapd))
$(eval $(call fuzz_target,imap_url,imapd))
$(eval $(call fuzz_target,smtp_session,smtpd))
$(eval $(call fuzz_target,json,))
$(eval $(call fuzz_target,mail_thread,))
$(eval $(call fuzz_target,jmap_state,httpd))
$(eval $(call fuzz_target,mutf7,))
$(eval $(call fuzz_target,identities,httpd))
$(eval $(call fuzz_target,store_record,))

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		n=$${t#fuzz/fuzz_}; d=$$(mktemp -d) || exit 1; \
		echo "fuzz: $$n for $(FUZZTIME) s"; \
		$$t -max_total_time=$(FUZZTIME) -artifact_prefix=fuzz/crash-$$n- \
			$$d t/fuzz-corpus/$$n || { rm -rf $$d; exit 1; }; \
		rm -rf $$d; \
	done

.PHONY: fuzz fuzz-build
