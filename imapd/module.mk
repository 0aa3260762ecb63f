IMAPD_SRCS := $(wildcard imapd/*.c)
IMAPD_OBJS := $(IMAPD_SRCS:.c=.o)
PROGRAMS += imapd/imapd
MODULE_OBJS += $(IMAPD_OBJS)
$(eval $(call server,imapd/imapd,$(IMAPD_OBJS)))
