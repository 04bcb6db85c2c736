# ./dev bench: sourced by ./dev, whose ROOT, WORK, BENCH_PACKAGES, say,
# setup, free_port, start_beanstalkd and stop_beanstalkd it uses.
#
#   ./dev bench [--quick] [--sections=put,putmany,worker,status,pool,web,rss,bridges,profile] [--ext=PATH/beanstalk.so]
#
# --ext benchmarks another build of the extension than modules/ (say, one
# built from another commit).
#
# Builds bench/rawput, starts beanstalkd (and for the web section nginx and
# php-fpm) on private loopback ports, runs bench/run.php, and stops every
# process it started, whatever happens. bench/README.md says what is measured.

BENCH_DIR="$WORK/bench"
BENCH_FPM_PID=
BENCH_NGINX_PID=

bench_main() {
	local web=1 ext="$ROOT/modules/beanstalk.so" out="$WORK/bench.json" arg args=()
	for arg in "$@"; do
		case "$arg" in
		# ./dev test runs --quick: its figures must not replace a full run's.
		--quick) args+=("$arg"); out="$WORK/bench-quick.json" ;;
		--sections=*)
			args+=("$arg")
			[[ ",${arg#--sections=}," == *,web,* ]] || web=0
			;;
		--ext=*) ext=$(realpath "${arg#--ext=}") ;;
		*) echo "usage: ./dev bench [--quick] [--sections=put,putmany,worker,status,pool,web,rss,bridges,profile] [--ext=PATH/beanstalk.so]" >&2; exit 2 ;;
		esac
	done

	bench_setup
	mkdir -p "$BENCH_DIR"
	say "gcc -O2 bench/rawput.c"
	gcc -O2 -Wall -Wextra -Werror -o "$BENCH_DIR/rawput" "$ROOT/bench/rawput.c"
	# Every run loads this copy: a rebuild of modules/ during the bench (a
	# test run in the same tree) neither mixes two builds in one result nor
	# rewrites the file under a running php-fpm.
	cp "$ext" "$BENCH_DIR/beanstalk.so.new"
	mv -f "$BENCH_DIR/beanstalk.so.new" "$BENCH_DIR/beanstalk.so"

	start_beanstalkd
	trap bench_stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	local web_args=()
	if [ "$web" -eq 1 ]; then
		bench_start_web
		web_args=(--web "$BENCH_URL")
	fi
	if ! php -n "$ROOT/bench/run.php" --server "$BEANSTALK_SERVER" --server-pid "$BEANSTALKD_PID" \
		--rawput "$BENCH_DIR/rawput" --ext "$BENCH_DIR/beanstalk.so" --ext-from "$ext" --out "$out" \
		"${web_args[@]}" "${args[@]}"; then
		if [ "$web" -eq 1 ]; then
			echo "logs of the web servers, in $BENCH_DIR:" >&2
			tail -n 5 "$BENCH_DIR"/*.log >&2 2>/dev/null || true
		fi
		exit 1
	fi
}

# Installs BENCH_PACKAGES with ./dev's setup. Debian starts nginx and
# php-fpm as services where systemd runs; the bench runs its own, so the
# ones this install started are stopped again, as setup does for beanstalkd.
bench_setup() {
	local fresh=() p
	for p in nginx php-fpm; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || fresh+=("$p")
	done
	local PACKAGES=("${BENCH_PACKAGES[@]}")
	setup
	if [ ${#fresh[@]} -gt 0 ] && command -v systemctl >/dev/null; then
		local sudo=() unit
		[ "$(id -u)" -eq 0 ] || sudo=(sudo)
		for unit in nginx "php$(bench_php_version)-fpm"; do
			if systemctl is-active --quiet "$unit" 2>/dev/null; then
				"${sudo[@]}" systemctl stop "$unit" || true
			fi
		done
	fi
}

bench_php_version() {
	php -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;'
}

# Whether child $1 still runs (a child that ended stays a zombie until waited).
bench_alive() {
	local stat
	stat=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${stat#Z}" = "$stat" ]
}

# Waits up to 5 s for 127.0.0.1:$1 to accept; fails at once if child $2 ended.
bench_wait_port() {
	local _
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		bench_alive "$2" || return 1
		sleep 0.05
	done
	return 1
}

# nginx + php-fpm on loopback, configs rendered from bench/web/*.in into
# $BENCH_DIR; php-fpm loads this extension (the bench's copy) on its
# command line, nothing from the system's ini files. Sets BENCH_URL.
bench_start_web() {
	local fpm fpm_port nginx_port user_nginx='' user_fpm='' fpm_root=() _
	fpm=$(command -v "php-fpm$(bench_php_version)" || echo "/usr/sbin/php-fpm$(bench_php_version)")
	fpm_port=$(free_port)
	for _ in 1 2 3 4 5; do
		nginx_port=$(free_port)
		[ "$nginx_port" != "$fpm_port" ] && break
	done
	if [ "$(id -u)" -eq 0 ]; then
		user_nginx='user root root;'
		user_fpm='user = root'
		fpm_root=(-R)
	fi
	mkdir -p "$BENCH_DIR/nginx-tmp"
	rm -f "$BENCH_DIR"/*.log "$BENCH_DIR"/*.out
	local f
	for f in nginx.conf php-fpm.conf; do
		sed -e "s|@DIR@|$BENCH_DIR|g" -e "s|@ROOT@|$ROOT|g" -e "s|@FPM_PORT@|$fpm_port|g" \
			-e "s|@NGINX_PORT@|$nginx_port|g" -e "s|@BEANSTALK_SERVER@|$BEANSTALK_SERVER|g" \
			-e "s|@USER@|$([ "$f" = nginx.conf ] && echo "$user_nginx" || echo "$user_fpm")|g" \
			"$ROOT/bench/web/$f.in" >"$BENCH_DIR/$f"
	done

	"$fpm" -n -F -y "$BENCH_DIR/php-fpm.conf" "${fpm_root[@]}" \
		-d extension=mbstring -d extension=sockets \
		-d zend_extension=opcache -d opcache.enable=1 \
		-d "extension=$BENCH_DIR/beanstalk.so" >"$BENCH_DIR/php-fpm.out" 2>&1 &
	BENCH_FPM_PID=$!
	nginx -e "$BENCH_DIR/nginx-error.log" -p "$BENCH_DIR" -c "$BENCH_DIR/nginx.conf" >"$BENCH_DIR/nginx.out" 2>&1 &
	BENCH_NGINX_PID=$!
	if ! bench_wait_port "$fpm_port" "$BENCH_FPM_PID" || ! bench_wait_port "$nginx_port" "$BENCH_NGINX_PID"; then
		echo "nginx or php-fpm did not start:" >&2
		tail -n 20 "$BENCH_DIR/php-fpm.out" "$BENCH_DIR/php-fpm.log" "$BENCH_DIR/nginx.out" \
			"$BENCH_DIR/nginx-error.log" 2>/dev/null >&2 || true
		exit 1
	fi
	BENCH_URL="http://127.0.0.1:$nginx_port"
	say "nginx on $BENCH_URL, php-fpm on 127.0.0.1:$fpm_port (2 children)"
}

# Stops what bench_main started: TERM, then KILL after 5 s.
bench_stop() {
	local pid _
	for pid in "$BENCH_NGINX_PID" "$BENCH_FPM_PID"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			bench_alive "$pid" || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	BENCH_NGINX_PID=
	BENCH_FPM_PID=
	stop_beanstalkd
}
