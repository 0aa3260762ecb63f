POP3D_SRCS := $(wildcard pop3d/*.c)
POP3D_OBJS := $(POP3D_SRCS:.c=.o)
PROGRAMS += pop3d/pop3d
MODULE_OBJS += $(POP3D_OBJS)
$(eval $(call server,pop3d/pop3d,$(POP3D_OBJS)))
