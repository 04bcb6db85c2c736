#!/usr/bin/env bash
# Builds PHP 8.2 from Debian 12's source package, as one of the variants the
# suite is run on, into a cache outside the clone, and prints the directory
# it is installed in (bin/php, bin/phpize, sbin/php-fpm, and for the ZTS
# variants lib/libphp.so, Apache's module).
#
#   scripts/php-build.sh debug-zts | release-zts | debug-nts
#
# The source is Debian's (a deb-src entry with the machine's own Debian
# URIs, suite bookworm; apt-get source php8.2), built from its .orig
# tarball: Debian's patched tree does not configure as upstream does. A
# variant is built once and reused while its recipe (this script's
# configure line and the tarball) is the same; a changed recipe rebuilds it.
# The cache is $BEANSTALK_PHP_CACHE, by default ~/.cache/beanstalk-php.
#
# The configure is kept small (--disable-all, then what the suite needs) so a
# cold build takes minutes on two cores: the CLI, php-fpm for the fpm tests,
# Apache's module (apxs2) for the threaded-server test, ext/session for
# tools/status.php, pcntl and posix for the Worker tests, sockets, and for
# the framework applications of the bridge tests what their packages require
# (mbstring, ctype, filter, tokenizer, dom, xml, libxml, fileinfo, openssl,
# iconv) and what Laravel's skeleton stores in (pdo_sqlite).
set -euo pipefail

variant=${1:-}
case "$variant" in
debug-zts) flags=(--enable-debug --enable-zts) ;;
release-zts) flags=(--enable-zts) ;;
debug-nts) flags=(--enable-debug) ;;
*) echo "usage: $0 debug-zts|release-zts|debug-nts" >&2; exit 2 ;;
esac

CACHE=${BEANSTALK_PHP_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/beanstalk-php}
SUITE=bookworm
# Debian packages the build and the variants' runs need. apache2-dev brings
# apxs; apache2-bin the server the threaded test starts, and wrk its load;
# dpkg-dev lets apt-get source verify.
BUILD_PACKAGES=(gcc make pkg-config dpkg-dev xz-utils apache2-dev apache2-bin wrk libxml2-dev libssl-dev libsqlite3-dev libonig-dev)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_locked() { flock /tmp/apt.lock env DEBIAN_FRONTEND=noninteractive "$@"; }

install_packages() {
	local missing=() p
	for p in "${BUILD_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	say "installing ${missing[*]}"
	apt_locked apt-get update -qq
	apt_locked apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The URIs and key of the machine's own Debian entry (deb822 .sources or a
# one-line sources.list), as "URI<TAB>signed-by" lines.
debian_uris() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '
			function flush() {
				if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "")
					{ n = split(uris, u, " "); for (i = 1; i <= n; i++) print u[i] "\t" key }
				types = suites = uris = key = ""
			}
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			/^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
			/^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
			/^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
			/^Signed-By:/ { sub(/^Signed-By:[ \t]*/, ""); key = $0 }
			END { flush() }' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk -v suite="$SUITE" '
			$1 == "deb" {
				opts = ""; i = 2
				if ($2 ~ /^\[/) { while ($i !~ /\]$/) { opts = opts " " $i; i++ } opts = opts " " $i; i++ }
				key = ""
				if (match(opts, /signed-by=[^] ]+/)) key = substr(opts, RSTART + 10, RLENGTH - 10)
				if ($(i + 1) == suite) print $i "\t" key
			}' "$f"
	done
}

# A deb-src entry beside the machine's Debian one, and the index of its
# sources (only that entry is updated).
add_deb_src() {
	local list=/etc/apt/sources.list.d/beanstalk-deb-src.sources lines
	lines=$(debian_uris | sort -u)
	if [ -z "$lines" ]; then
		echo "no deb entry for $SUITE in /etc/apt/sources.list{,.d}: cannot add its deb-src" >&2
		exit 1
	fi
	local uris key
	uris=$(cut -f1 <<<"$lines" | tr '\n' ' ' | sed 's/ $//')
	key=$(cut -f2 <<<"$lines" | grep -m1 . || true)
	{
		echo "# Added by beanstalk's scripts/php-build.sh: PHP's source package."
		echo "Types: deb-src"
		echo "URIs: $uris"
		echo "Suites: $SUITE"
		echo "Components: main"
		[ -n "$key" ] && echo "Signed-By: $key"
	} >"$list.new"
	mv "$list.new" "$list"
	say "apt-get update of the deb-src entry ($uris $SUITE)"
	apt_locked apt-get update -qq -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- \
		-o APT::Get::List-Cleanup=0
}

# The .orig tarball of php8.2, fetched once into $CACHE/src.
orig_tarball() {
	local t
	t=$(ls "$CACHE"/src/ 2>/dev/null | grep -E '^php8\.2_.*\.orig\.tar\.(xz|gz|bz2)$' | sort -V | tail -1 || true)
	if [ -z "$t" ]; then
		add_deb_src
		mkdir -p "$CACHE/src"
		say "apt-get source php8.2 ($SUITE)"
		(cd "$CACHE/src" && apt-get source --download-only -qq php8.2 >/dev/null)
		t=$(ls "$CACHE"/src/ 2>/dev/null | grep -E '^php8\.2_.*\.orig\.tar\.(xz|gz|bz2)$' | sort -V | tail -1 || true)
		[ -n "$t" ] || { echo "apt-get source php8.2 brought no .orig tarball" >&2; exit 1; }
	fi
	echo "$CACHE/src/$t"
}

configure_line() {
	local prefix=$1
	echo ./configure --prefix="$prefix" --disable-all --disable-cgi --disable-phpdbg \
		--enable-cli --enable-fpm --with-apxs2=/usr/bin/apxs2 \
		--enable-session --enable-pcntl --enable-posix --enable-sockets \
		--enable-mbstring --enable-ctype --enable-filter --enable-tokenizer \
		--with-libxml --enable-dom --enable-xml --enable-fileinfo --with-openssl --with-iconv \
		--enable-pdo --with-pdo-sqlite \
		--without-pear "${flags[@]}"
}

mkdir -p "$CACHE"
exec 9>"$CACHE/$variant.lock"
flock 9
install_packages
tarball=$(orig_tarball)
prefix="$CACHE/$variant"
recipe="$(configure_line "$prefix") $(basename "$tarball")"
if [ -x "$prefix/bin/php" ] && [ "$(cat "$prefix/.recipe" 2>/dev/null)" = "$recipe" ]; then
	echo "$prefix"
	exit 0
fi

build="$CACHE/build-$variant"
log="$CACHE/$variant.log"
rm -rf "$build" "$prefix"
mkdir -p "$build"
say "PHP $variant: building from $(basename "$tarball") (log: $log)"
start=$(date +%s)
tar -xf "$tarball" -C "$build" --strip-components=1
(
	cd "$build"
	# apxs2's install wants to edit Apache's own configuration: the module
	# is copied by hand below instead.
	eval "$(configure_line "$prefix")"
	make -j"$(nproc)"
	make install-cli install-fpm install-build install-headers install-programs
	mkdir -p "$prefix/lib"
	if [ -f libs/libphp.so ]; then cp libs/libphp.so "$prefix/lib/libphp.so"; fi
) >"$log" 2>&1 || { tail -40 "$log" >&2; echo "PHP $variant: the build failed; see $log" >&2; exit 1; }
echo "$recipe" >"$prefix/.recipe"
echo "$(( $(date +%s) - start ))" >"$prefix/.build-seconds"
rm -rf "$build"
say "PHP $variant built in $(( $(date +%s) - start )) s"
echo "$prefix"
