dnl config.m4 for extension beanstalk

PHP_ARG_ENABLE([beanstalk],
  [whether to enable the beanstalk extension],
  [AS_HELP_STRING([--enable-beanstalk], [Enable the beanstalkd client extension])],
  [no])

PHP_ARG_ENABLE([beanstalk-dev],
  [whether to build beanstalk with developer warnings],
  [AS_HELP_STRING([--enable-beanstalk-dev], [Developers: compile with -Wall -Wextra -Werror])],
  [no],
  [no])

if test "$PHP_BEANSTALK" != "no"; then
  PHP_PROG_RE2C([1.0.3])
  if test -z "$RE2C" && test ! -f "$ext_srcdir/src/proto.c"; then
    AC_MSG_ERROR([re2c is needed to build src/proto.c from src/proto.re])
  fi

  if test -n "$RE2C"; then
    AC_DEFINE_UNQUOTED([BEANSTALK_RE2C], ["re2c $php_re2c_version"], [The re2c that generates src/proto.c])
  else
    AC_DEFINE([BEANSTALK_RE2C], ["re2c (shipped src/proto.c)"], [The re2c that generated src/proto.c])
  fi

  BEANSTALK_CFLAGS="-std=gnu11 -DZEND_ENABLE_STATIC_TSRMLS_CACHE=1"
  if test "$PHP_BEANSTALK_DEV" != "no"; then
    BEANSTALK_CFLAGS="$BEANSTALK_CFLAGS -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers"
  fi

  BEANSTALK_SOURCES="ext/beanstalk.c ext/exceptions.c ext/queue.c ext/queue_inspect.c ext/job.c ext/stats.c ext/persistent.c src/proto.c src/net.c src/tubes.c src/conn.c src/command.c src/stats.c"

  dnl The worker loop and its monitor thread.
  BEANSTALK_SOURCES="$BEANSTALK_SOURCES ext/worker.c src/worker.c src/stopsignals.c src/caps.c src/watchdog.c src/histogram.c"

  PHP_NEW_EXTENSION([beanstalk], [$BEANSTALK_SOURCES], [$ext_shared],, [$BEANSTALK_CFLAGS])
  PHP_ADD_BUILD_DIR([$ext_builddir/ext])
  PHP_ADD_BUILD_DIR([$ext_builddir/src])
  PHP_ADD_INCLUDE([$ext_srcdir/src])
  PHP_ADD_INCLUDE([$ext_srcdir/ext])
  PHP_ADD_MAKEFILE_FRAGMENT
fi
