admin/postern_user.o: admin/postern_user.c lib/address.h lib/limits.h \
 lib/bytes.h lib/control.h lib/bytes.h lib/fsutil.h lib/log.h
lib/address.h:
lib/limits.h:
lib/bytes.h:
lib/control.h:
lib/bytes.h:
lib/fsutil.h:
lib/log.h:
