<?php
/*
 * beanstalk status page: every tube of every server, every worker of the
 * fleet, each server's own figures, refreshed every 2 s; and the actions an
 * operator needs (restart workers, kick buried jobs, pause and resume a
 * tube, peek the next buried job). One file, no framework, no CDN, no build
 * step: it needs PHP 8.1+ with the beanstalk extension (built with Redis
 * support for the workers' part) and PHP's session extension (ext/session:
 * the CSRF token of the actions; a page without it says so and stops).
 *
 *   BEANSTALK_SERVERS=127.0.0.1:11300 BEANSTALK_STATUS_REDIS=127.0.0.1:6379 \
 *       php -S 127.0.0.1:8080 tools/status.php
 *
 * or under php-fpm (set the variables with env[...] in the pool, or as
 * fastcgi_param). Settings, from the environment or the array below:
 *   BEANSTALK_SERVERS          comma-separated beanstalkd addresses
 *   BEANSTALK_STATUS_REDIS     the Redis the workers beat to ("" for none)
 *   BEANSTALK_STATUS_PREFIX    their status_prefix ("beanstalk:")
 *   BEANSTALK_STATUS_PASSWORD  asks for it (HTTP basic, any user name)
 *   BEANSTALK_STATUS_READONLY  shows, never acts: any value but "", "0",
 *                              "false", "off" and "no"
 *
 * ?metrics is the same figures for Prometheus (its text format, or
 * OpenMetrics when the scraper asks for it), under the same password.
 *
 * Safe by construction: every value from beanstalkd or Redis reaches the
 * page as text (htmlspecialchars() in PHP, textContent in the script, JSON
 * with every markup character escaped), a Content-Security-Policy lets only
 * this page's own script and style run, and every action is a POST that
 * carries the session's CSRF token and is asked for confirmation first.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */

$config = [
    'servers' => '127.0.0.1:11300',
    'redis' => '',
    'prefix' => 'beanstalk:',
    'password' => '',
    'readonly' => false,
];

/** A setting: the environment's (or the FastCGI parameter's) over the array's. */
function setting(string $name, mixed $default): mixed
{
    $value = $_SERVER[$name] ?? getenv($name);
    return $value === false || $value === null ? $default : $value;
}

/** Read-only unless the value is one of the words for no: a setting that
 * forbids must not fail open on a value it does not know ("2", "y",
 * "enabled"). */
function readonly_setting(mixed $value): bool
{
    return is_bool($value) ? $value : !in_array(strtolower(trim((string)$value)), ['', '0', 'false', 'off', 'no'], true);
}

$config = [
    'servers' => array_values(array_filter(array_map('trim', explode(',', (string)setting('BEANSTALK_SERVERS', $config['servers']))))),
    'redis' => (string)setting('BEANSTALK_STATUS_REDIS', $config['redis']),
    'prefix' => (string)setting('BEANSTALK_STATUS_PREFIX', $config['prefix']),
    'password' => (string)setting('BEANSTALK_STATUS_PASSWORD', $config['password']),
    'readonly' => readonly_setting(setting('BEANSTALK_STATUS_READONLY', $config['readonly'])),
];

const PEEK_MAX = 4096;
const TIMEOUTS = ['connect_timeout' => 1.0, 'timeout' => 2.0];

function refuse(int $code, string $text): never
{
    http_response_code($code);
    header('Content-Type: text/plain; charset=utf-8');
    echo $text, "\n";
    exit;
}

function h(mixed $s): string
{
    return htmlspecialchars((string)$s, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8');
}

/** This page, as a redirect names it: its path when that is a plain one,
 * else "?" (this very path): "//host/x", "/\host/x" or a path with a
 * tab in it would send a browser to another host. */
function self_reference(): string
{
    $path = strtok($_SERVER['REQUEST_URI'] ?? '/', '?');
    return preg_match('#^/(?!/)[A-Za-z0-9._~!$&\'()*+,;=:@%/-]*$#D', (string)$path) ? $path : '?';
}

// {{{ who may look
header('X-Content-Type-Options: nosniff');
header('Referrer-Policy: no-referrer');
header('X-Frame-Options: DENY');
header('Cache-Control: no-store');
if ($config['password'] !== '') {
    $given = $_SERVER['PHP_AUTH_PW'] ?? null;
    $auth = $_SERVER['HTTP_AUTHORIZATION'] ?? $_SERVER['REDIRECT_HTTP_AUTHORIZATION'] ?? '';
    if ($given === null && stripos($auth, 'basic ') === 0) {
        $pair = (string)base64_decode(substr($auth, 6), true);
        $given = str_contains($pair, ':') ? substr($pair, strpos($pair, ':') + 1) : null;
    }
    if ($given === null || !hash_equals($config['password'], $given)) {
        header('WWW-Authenticate: Basic realm="beanstalk status", charset="UTF-8"');
        refuse(401, 'This page asks for a password.');
    }
}
if (!extension_loaded('beanstalk')) {
    refuse(500, 'The beanstalk extension is not loaded.');
}
// }}}

// {{{ figures
/**
 * How long the next ready job of a tube (the one peek-ready gives, which a
 * worker takes next) has waited, in seconds: its age less its delay, since
 * a job put or released with a delay waits from the moment it is ready.
 * 0 when none is ready; null when jobs came and went faster than the three
 * looks this takes.
 */
function tube_wait(Beanstalk\Queue $q, array $st): ?int
{
    if ($st['current-jobs-ready'] === 0) {
        return 0;
    }
    for ($look = 0; $look < 3; $look++) {
        $job = $q->useTube($st['name'])->peekReady();
        if ($job === null) {
            return 0;
        }
        $js = $q->statsJob($job);
        if ($js !== null && $js['state'] === 'ready') {
            return max(0, $js['age'] - $js['delay']);
        }
    }
    return null;
}

/** Every server's stats and tubes (with each tube's wait), every worker of
 * the fleet. */
function gather(array $config): array
{
    $servers = [];
    foreach ($config['servers'] as $i => $address) {
        $entry = ['index' => $i, 'address' => $address, 'error' => null, 'stats' => null, 'tubes' => []];
        try {
            $q = new Beanstalk\Queue($address, TIMEOUTS);
            $entry['stats'] = $q->stats();
            $names = $q->listTubes();
            sort($names, SORT_STRING);
            foreach ($names as $name) {
                $st = $q->statsTube($name);
                if ($st !== null) {
                    $entry['tubes'][] = $st + ['wait' => tube_wait($q, $st)];
                }
            }
            $q->close();
        } catch (Throwable $e) {
            $entry['error'] = $e->getMessage();
        }
        $servers[] = $entry;
    }
    $workers = null;
    $workersError = null;
    if ($config['redis'] !== '') {
        try {
            $workers = Beanstalk\Worker::fleet($config['redis'], $config['prefix']);
        } catch (Throwable $e) {
            $workersError = $e->getMessage();
        }
    }
    return ['time' => microtime(true), 'servers' => $servers, 'workers' => $workers, 'workers_error' => $workersError,
        'readonly' => $config['readonly']];
}

/** JSON that can sit inside a <script> element and be read as data only. */
function json(array $data): string
{
    return json_encode($data, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT | JSON_INVALID_UTF8_SUBSTITUTE
        | JSON_PARTIAL_OUTPUT_ON_ERROR);
}

if (($_GET['json'] ?? '') === '1' && $_SERVER['REQUEST_METHOD'] === 'GET') {
    header('Content-Type: application/json; charset=utf-8');
    echo json(gather($config));
    exit;
}
// }}}

// {{{ metrics
/**
 * Metric families for Prometheus: its text format (0.0.4), or OpenMetrics
 * 1.0, which names a counter's family without "_total" and has info and
 * unit lines of its own. Each family's samples go out together, in the
 * order the families were first added.
 */
final class Exposition
{
    /** name => [type, help, [[labels, value], ...]] */
    private array $families = [];

    public function __construct(private bool $openMetrics)
    {
    }

    /** A sample; $type: counter (its name without "_total"), gauge, info (without "_info") or summary. */
    public function add(string $name, string $type, string $help, array $labels, int|float|bool $value): void
    {
        $this->families[$name] ??= [$type, $help, []];
        $this->families[$name][2][] = [$labels, $value];
    }

    /** The text; with $started (microtime), the scrape's own time up to
     * its last line as one more family. */
    public function render(?float $started = null): string
    {
        $out = [];
        foreach ($this->families as $name => [$type, $help, $samples]) {
            $sample = $name . (['counter' => '_total', 'info' => '_info'][$type] ?? '');
            $family = $this->openMetrics ? $name : $sample;
            $out[] = "# HELP $family " . strtr($help, ['\\' => '\\\\', "\n" => '\\n']);
            $out[] = "# TYPE $family " . ($this->openMetrics || $type !== 'info' ? $type : 'gauge');
            if ($this->openMetrics && preg_match('/_(seconds|bytes)$/', $name, $unit)) {
                $out[] = "# UNIT $family $unit[1]";
            }
            foreach ($samples as [$labels, $value]) {
                $out[] = $sample . self::labels($labels) . ' ' . self::number($value);
            }
        }
        if ($started !== null) {
            $family = 'beanstalk_scrape_duration_seconds';
            array_push($out, "# HELP $family This scrape's own time: the servers', Redis's and the text's", "# TYPE $family gauge");
            if ($this->openMetrics) {
                $out[] = "# UNIT $family seconds";
            }
            $out[] = "$family " . self::number(microtime(true) - $started);
        }
        if ($this->openMetrics) {
            $out[] = '# EOF';
        }
        return implode("\n", $out) . "\n";
    }

    private static function labels(array $labels): string
    {
        $pairs = [];
        foreach ($labels as $k => $v) {
            // Label values are UTF-8: a byte that is not becomes "?".
            $v = preg_match('//u', (string)$v) ? (string)$v : preg_replace('/[\x80-\xff]/', '?', (string)$v);
            $pairs[] = $k . '="' . strtr($v, ['\\' => '\\\\', '"' => '\\"', "\n" => '\\n']) . '"';
        }
        return $pairs ? '{' . implode(',', $pairs) . '}' : '';
    }

    private static function number(int|float|bool $v): string
    {
        if (is_float($v)) {
            return is_nan($v) ? 'NaN' : (is_infinite($v) ? ($v > 0 ? '+Inf' : '-Inf') : var_export($v, true));
        }
        return (string)(int)$v;
    }
}

/** Whether the scraper's Accept header prefers OpenMetrics to the text format. */
function openmetrics_wanted(string $accept): bool
{
    $om = $text = 0.0;
    foreach (explode(',', $accept) as $range) {
        $params = array_map('trim', explode(';', $range));
        $type = strtolower(array_shift($params));
        $q = 1.0;
        foreach ($params as $param) {
            if (preg_match('/^q=([0-9.]+)$/i', $param, $m)) {
                $q = (float)$m[1];
            }
        }
        if ($type === 'application/openmetrics-text') {
            $om = max($om, $q);
        } elseif (in_array($type, ['text/plain', 'text/*', '*/*'], true)) {
            $text = max($text, $q);
        }
    }
    return $om > 0 && $om >= $text;
}

/** The servers' figures: stats, then each tube's. */
function server_metrics(Exposition $m, array $server): void
{
    $s = ['server' => $server['address']];
    $m->add('beanstalk_up', 'gauge', 'Whether the server answered this scrape', $s, $server['error'] === null);
    if ($server['error'] !== null) {
        return;
    }
    $st = $server['stats'];
    $m->add('beanstalk_server', 'info', 'The server\'s version and host name', $s + ['version' => $st['version'], 'hostname' => $st['hostname']], 1);
    foreach (['ready', 'reserved', 'delayed', 'buried'] as $state) {
        $m->add('beanstalk_server_jobs', 'gauge', 'Jobs by state', $s + ['state' => $state], $st["current-jobs-$state"]);
    }
    $gauges = [
        'current-jobs-urgent' => ['urgent_jobs', 'Ready jobs of priority below 1024'],
        'current-tubes' => ['tubes', 'Tubes that exist'],
        'current-connections' => ['connections', 'Open connections'],
        'current-producers' => ['producer_connections', 'Connections that have put a job'],
        'current-workers' => ['worker_connections', 'Connections that have reserved a job'],
        'current-waiting' => ['waiting_connections', 'Connections waiting in a reserve'],
        'uptime' => ['uptime_seconds', 'Seconds since the server started'],
        'max-job-size' => ['max_job_size_bytes', 'The largest job the server takes'],
        'draining' => ['draining', 'Whether the server is draining (takes no new job)'],
        'binlog-oldest-index' => ['binlog_oldest_index', 'The oldest binlog file\'s index (0: no binlog)'],
        'binlog-current-index' => ['binlog_current_index', 'The binlog file written now (0: no binlog)'],
        'binlog-max-size' => ['binlog_max_size_bytes', 'The size a binlog file grows to'],
    ];
    foreach ($gauges as $key => [$name, $help]) {
        if (isset($st[$key])) {
            $m->add("beanstalk_server_$name", 'gauge', $help, $s, $st[$key]);
        }
    }
    $counters = [
        'total-jobs' => ['jobs_put', 'Jobs put since the start'],
        'job-timeouts' => ['job_timeouts', 'Reserved jobs whose time-to-run ran out'],
        'total-connections' => ['connections_opened', 'Connections opened since the start'],
        'binlog-records-written' => ['binlog_records_written', 'Records written to the binlog'],
        'binlog-records-migrated' => ['binlog_records_migrated', 'Records moved to a newer binlog file'],
    ];
    foreach ($counters as $key => [$name, $help]) {
        if (isset($st[$key])) {
            $m->add("beanstalk_server_$name", 'counter', $help, $s, $st[$key]);
        }
    }
    foreach (['user' => 'rusage-utime', 'system' => 'rusage-stime'] as $mode => $key) {
        $m->add('beanstalk_server_cpu_seconds', 'counter', 'CPU time the server used', $s + ['mode' => $mode], $st[$key]);
    }
    foreach ($st as $key => $value) {
        if (str_starts_with($key, 'cmd-')) {
            $m->add('beanstalk_server_commands', 'counter', 'Commands received, by command', $s + ['command' => substr($key, 4)], $value);
        }
    }
    foreach ($server['tubes'] as $t) {
        tube_metrics($m, $s + ['tube' => $t['name']], $t);
    }
}

function tube_metrics(Exposition $m, array $l, array $t): void
{
    foreach (['ready', 'reserved', 'delayed', 'buried'] as $state) {
        $m->add('beanstalk_tube_jobs', 'gauge', 'Jobs of the tube by state', $l + ['state' => $state], $t["current-jobs-$state"]);
    }
    $m->add('beanstalk_tube_urgent_jobs', 'gauge', 'Ready jobs of the tube of priority below 1024', $l, $t['current-jobs-urgent']);
    $m->add('beanstalk_tube_jobs_put', 'counter', 'Jobs put in the tube since it exists', $l, $t['total-jobs']);
    $m->add('beanstalk_tube_commands', 'counter', 'Commands on the tube\'s jobs, by command', $l + ['command' => 'delete'], $t['cmd-delete']);
    $m->add('beanstalk_tube_commands', 'counter', 'Commands on the tube\'s jobs, by command', $l + ['command' => 'pause-tube'], $t['cmd-pause-tube']);
    $m->add('beanstalk_tube_waiting_connections', 'gauge', 'Connections waiting in a reserve on the tube', $l, $t['current-waiting']);
    $m->add('beanstalk_tube_watching_connections', 'gauge', 'Connections watching the tube', $l, $t['current-watching']);
    $m->add('beanstalk_tube_using_connections', 'gauge', 'Connections using the tube', $l, $t['current-using']);
    $m->add('beanstalk_tube_paused', 'gauge', 'Whether the tube is paused', $l, $t['pause-time-left'] > 0);
    $m->add('beanstalk_tube_pause_left_seconds', 'gauge', 'Seconds until the pause ends', $l, $t['pause-time-left']);
    if ($t['wait'] !== null) {
        $m->add('beanstalk_tube_wait_seconds', 'gauge', 'How long the next ready job has waited (its age less its delay; 0: none ready)', $l, $t['wait']);
    }
}

/** Each worker's figures from its heartbeat, and the fleet's sums. */
function worker_metrics(Exposition $m, ?array $workers, float $now): void
{
    $m->add('beanstalk_fleet_up', 'gauge', 'Whether Redis answered this scrape with the fleet', [], $workers !== null);
    if ($workers === null) {
        return;
    }
    // A SIGKILLed worker's hash outlives it by up to 3 beats, and its pid
    // may be taken meanwhile: the newer start speaks for the labels.
    $by = [];
    foreach ($workers as $w) {
        $key = "$w[host]|$w[name]|$w[pid]";
        if (!isset($by[$key]) || $by[$key]['started_at'] < $w['started_at']) {
            $by[$key] = $w;
        }
    }
    $sums = ['processed' => 0, 'failed' => 0, 'released' => 0, 'buried' => 0];
    $states = ['waiting' => 0, 'working' => 0];
    $rss = 0;
    foreach ($by as $w) {
        $l = ['host' => $w['host'], 'name' => $w['name'], 'pid' => $w['pid'], 'tubes' => implode(',', $w['tubes'])];
        foreach (['processed' => 'Jobs it handled', 'failed' => 'Jobs whose handler threw', 'released' => 'Jobs it released',
            'buried' => 'Jobs it buried'] as $key => $help) {
            $m->add("beanstalk_worker_$key", 'counter', $help, $l, $w[$key]);
            $sums[$key] += $w[$key];
        }
        foreach ($states as $state => $n) {
            $m->add('beanstalk_worker_state', 'gauge', 'The worker\'s state: 1 for the one it is in', $l + ['state' => $state], $w['state'] === $state);
        }
        $states[$w['state']] = ($states[$w['state']] ?? 0) + 1;
        $working = $w['state'] === 'working' && $w['job_since'] !== null;
        $m->add('beanstalk_worker_job_running_seconds', 'gauge', 'How long the job at hand has run (0: none)', $l, $working ? max(0.0, $now - $w['job_since']) : 0.0);
        foreach (['0.5' => 'job_duration_p50', '0.99' => 'job_duration_p99'] as $q => $key) {
            $m->add('beanstalk_worker_job_duration_seconds', 'summary', 'Job run times since the worker started', $l + ['quantile' => $q], $w[$key]);
        }
        $m->add('beanstalk_worker_rss_bytes', 'gauge', 'Resident memory', $l, $w['rss']);
        $m->add('beanstalk_worker_heap_bytes', 'gauge', 'Zend heap in use', $l, $w['memory']);
        $m->add('beanstalk_worker_beat_age_seconds', 'gauge', 'Seconds since its last heartbeat', $l, max(0.0, $now - $w['beat_at']));
        $m->add('beanstalk_worker_beat_interval_seconds', 'gauge', 'Its status_interval', $l, $w['interval']);
        $m->add('beanstalk_worker_start_time_seconds', 'gauge', 'When it started (Unix time)', $l, $w['started_at']);
        $rss += $w['rss'];
    }
    foreach ($states as $state => $n) {
        $m->add('beanstalk_fleet_workers', 'gauge', 'Live workers by state', ['state' => $state], $n);
    }
    foreach ($sums as $key => $n) {
        $m->add('beanstalk_fleet_jobs', 'gauge', 'The live workers\' counts summed (falls when a worker goes: rate() the workers\' counters)',
            ['outcome' => $key], $n);
    }
    $m->add('beanstalk_fleet_rss_bytes', 'gauge', 'The live workers\' resident memory summed', [], $rss);
}

/** The scrape: every figure of gather() as metric families. */
function metrics(array $data, bool $openMetrics, float $started): string
{
    $m = new Exposition($openMetrics);
    foreach ($data['servers'] as $server) {
        server_metrics($m, $server);
    }
    worker_metrics($m, $data['workers'], $data['time']);
    return $m->render($started);
}

if (isset($_GET['metrics']) && ($_SERVER['REQUEST_METHOD'] === 'GET' || $_SERVER['REQUEST_METHOD'] === 'HEAD')) {
    $started = microtime(true);
    $openMetrics = openmetrics_wanted($_SERVER['HTTP_ACCEPT'] ?? '');
    $text = metrics(gather($config), $openMetrics, $started);
    header('Content-Type: ' . ($openMetrics ? 'application/openmetrics-text; version=1.0.0; charset=utf-8' : 'text/plain; version=0.0.4; charset=utf-8'));
    echo $text;
    exit;
}
// }}}

// {{{ actions
if (!extension_loaded('session')) {
    http_response_code(500);
    header('Content-Type: text/plain; charset=utf-8');
    echo "tools/status.php needs PHP's session extension (ext/session), which keeps the CSRF token of its actions:\n",
        "this PHP (", PHP_BINARY, ") was built without it. Build PHP with --enable-session, or load session.so.\n";
    exit;
}
session_name('beanstalk_status');
session_set_cookie_params(['httponly' => true, 'samesite' => 'Strict', 'path' => strtok($_SERVER['REQUEST_URI'] ?? '/', '?')]);
ini_set('session.use_strict_mode', '1');
ini_set('session.use_only_cookies', '1');
session_start();
if (empty($_SESSION['csrf'])) {
    $_SESSION['csrf'] = bin2hex(random_bytes(32));
}
$csrf = $_SESSION['csrf'];

/** The action asked for, done; what to tell ('ok' or 'error', text, and a peeked job). */
function act(array $config, array $post): array
{
    $server = $config['servers'][(int)($post['server'] ?? -1)] ?? null;
    $tube = (string)($post['tube'] ?? '');
    $q = fn () => new Beanstalk\Queue($server, TIMEOUTS);
    switch ($post['action'] ?? '') {
    case 'restart':
        if ($config['redis'] === '') {
            return ['error', 'No Redis is set: the page cannot reach the workers.'];
        }
        $name = (string)($post['name'] ?? '');
        $asked = Beanstalk\Worker::restartAll($config['redis'], $name === '' ? null : $name, $config['prefix']);
        return ['ok', sprintf('Restart asked of %d worker%s%s: each stops after its job and its supervisor starts it again.',
            $asked, $asked === 1 ? '' : 's', $name === '' ? '' : " named $name")];
    case 'kick':
        $n = filter_var($post['n'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1, 'max_range' => 1000000]]);
        if ($server === null || $n === false) {
            return ['error', 'Kick: a server, a tube and a number from 1 to 1000000 are needed.'];
        }
        $kicked = $q()->useTube($tube)->kick($n);
        return ['ok', "Kicked $kicked job" . ($kicked === 1 ? '' : 's') . " of tube $tube on $server."];
    case 'pause':
    case 'resume':
        $seconds = $post['action'] === 'resume' ? 0
            : filter_var($post['seconds'] ?? '', FILTER_VALIDATE_INT, ['options' => ['min_range' => 1, 'max_range' => 4294967295]]);
        if ($server === null || $seconds === false) {
            return ['error', 'Pause: a server, a tube and seconds from 1 to 4294967295 are needed.'];
        }
        $q()->pauseTube($tube, $seconds);
        return ['ok', $seconds ? "Tube $tube on $server paused for $seconds s." : "Tube $tube on $server resumed."];
    case 'peek':
        if ($server === null) {
            return ['error', 'Peek: a server and a tube are needed.'];
        }
        $job = $q()->useTube($tube)->peekBuried();
        if ($job === null) {
            return ['ok', "No buried job in tube $tube on $server."];
        }
        return ['ok', "The next buried job of tube $tube on $server: job {$job->id}, " . strlen($job->data) . ' bytes'
            . (strlen($job->data) > PEEK_MAX ? ' (the first ' . PEEK_MAX . ' shown)' : '') . '.', substr($job->data, 0, PEEK_MAX)];
    }
    return ['error', 'Unknown action.'];
}

if ($_SERVER['REQUEST_METHOD'] === 'POST') {
    if ($config['readonly']) {
        refuse(403, 'This page is read-only.');
    }
    if (!is_string($_POST['csrf'] ?? null) || !hash_equals($csrf, $_POST['csrf'])) {
        refuse(403, 'The form is stale or forged (its CSRF token does not match): reload the page.');
    }
    try {
        $_SESSION['flash'] = act($config, $_POST);
    } catch (Throwable $e) {
        $_SESSION['flash'] = ['error', $e->getMessage()];
    }
    // Post/redirect/get: a reload never acts twice.
    header('Location: ' . self_reference(), true, 303);
    exit;
}
if ($_SERVER['REQUEST_METHOD'] !== 'GET' && $_SERVER['REQUEST_METHOD'] !== 'HEAD') {
    header('Allow: GET, HEAD, POST');
    refuse(405, 'Method not allowed.');
}
$flash = $_SESSION['flash'] ?? null;
unset($_SESSION['flash']);
session_write_close();
// }}}

$nonce = base64_encode(random_bytes(16));
header("Content-Security-Policy: default-src 'none'; script-src 'nonce-$nonce'; style-src 'nonce-$nonce'; "
    . "connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
header('Content-Type: text/html; charset=utf-8');
$initial = gather($config);
?>
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>beanstalk status</title>
<style nonce="<?= h($nonce) ?>">
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2433; background: #f4f6fa; }
header { background: #1d2433; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
header h1 { font-size: 18px; margin: 0; }
header .meta { color: #b8c0d0; font-size: 13px; }
main { padding: 12px 20px 30px; }
h2 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; background: #fff; box-shadow: 0 1px 2px rgba(0,0,0,.08); width: 100%; }
th, td { padding: 4px 6px; border-bottom: 1px solid #e3e7ef; text-align: right; white-space: nowrap; }
th { background: #e9edf5; font-weight: 600; font-size: 12px; white-space: normal; }
td.text, th.text { text-align: left; }
tr.late td { background: #ffe3e0; }
tr.late td.beat { color: #b3261e; font-weight: 600; }
.state-working { color: #1a7f37; font-weight: 600; }
.state-waiting { color: #55607a; }
.state-stopped { color: #b3261e; }
.paused { color: #9a6700; font-weight: 600; }
.error { color: #b3261e; }
.flash { padding: 8px 12px; margin: 10px 0; border-radius: 4px; background: #dff3e4; }
.flash.error { background: #ffe3e0; }
.flash pre { background: #fff; padding: 8px; margin: 6px 0 0; white-space: pre-wrap; word-break: break-all; max-height: 240px; overflow: auto; }
svg.spark { width: 90px; height: 20px; vertical-align: middle; }
svg.spark polyline { fill: none; stroke: #3367d6; stroke-width: 1.5; }
form { display: inline; margin: 0; }
input[type=number] { width: 48px; }
button { font-size: 12px; }
td.actions { text-align: left; white-space: normal; min-width: 300px; }
td.actions form { display: inline-block; white-space: nowrap; margin: 1px 0; }
</style>
</head>
<body>
<header><h1>beanstalk status</h1><span class="meta" id="updated">loading…</span><span class="meta" id="mode"><?= $config['readonly'] ? 'read-only' : '' ?></span></header>
<main>
<?php if ($flash): ?>
<div class="flash <?= $flash[0] === 'error' ? 'error' : '' ?>" id="result"><span id="result-text"><?= h($flash[1]) ?></span><?php if (isset($flash[2])): ?><pre id="peeked"><?= h($flash[2]) ?></pre><?php endif ?></div>
<?php endif ?>
<noscript><p>The figures are filled in and refreshed by this page's script: turn JavaScript on.</p></noscript>
<h2>Workers</h2>
<div id="workers-error" class="error"></div>
<?php if (!$config['readonly'] && $config['redis'] !== ''): ?>
<p><form method="post" data-confirm="Restart every worker? Each stops after its job and its supervisor starts it again."><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="restart"><button type="submit" id="restart-all">Restart all workers</button></form></p>
<?php endif ?>
<table id="workers"><thead><tr><th class="text">host</th><th class="text">name</th><th>pid</th><th class="text">state</th><th class="text">job</th><th>running for</th><th>processed</th><th>failed</th><th>jobs/s</th><th>p50</th><th>p99</th><th>memory</th><th>RSS</th><th>last beat</th><th class="actions"></th></tr></thead><tbody></tbody></table>
<h2>Tubes</h2>
<table id="tubes"><thead><tr><th class="text">server</th><th class="text">tube</th><th>ready</th><th class="text">ready, last minutes</th><th title="How long the next ready job has waited">wait time</th><th>urgent</th><th>reserved</th><th>delayed</th><th>buried</th><th>waiting</th><th>total put</th><th>put/s</th><th>done/s</th><th class="text">done/s, last minutes</th><th class="text">paused</th><th class="actions"></th></tr></thead><tbody></tbody></table>
<h2>Servers</h2>
<table id="servers"><thead><tr><th class="text">server</th><th class="text">version</th><th>uptime</th><th>connections</th><th>producers</th><th>workers</th><th>waiting</th><th>jobs</th><th>total jobs</th><th>timeouts</th><th class="text">binlog</th></tr></thead><tbody></tbody></table>
</main>
<script type="application/json" id="initial"><?= json($initial) ?></script>
<?php if (!$config['readonly']): ?>
<template id="actions-tube"><form method="post" data-confirm="Kick the buried jobs?"><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="kick"><input type="hidden" name="server"><input type="hidden" name="tube"><input type="number" name="n" min="1" value="10" aria-label="jobs to kick"><button type="submit" class="kick">kick</button></form> <form method="post" data-confirm="Pause the tube?"><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="pause"><input type="hidden" name="server"><input type="hidden" name="tube"><input type="number" name="seconds" min="1" value="60" aria-label="seconds to pause"><button type="submit" class="pause">pause</button></form> <form method="post" data-confirm="Resume the tube?"><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="resume"><input type="hidden" name="server"><input type="hidden" name="tube"><button type="submit" class="resume">resume</button></form> <form method="post" data-confirm="Peek the next buried job?"><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="peek"><input type="hidden" name="server"><input type="hidden" name="tube"><button type="submit" class="peek">peek buried</button></form></template>
<template id="actions-worker"><form method="post" data-confirm="Restart the workers of this name?"><input type="hidden" name="csrf" value="<?= h($csrf) ?>"><input type="hidden" name="action" value="restart"><input type="hidden" name="name"><button type="submit" class="restart">restart</button></form></template>
<?php endif ?>
<script nonce="<?= h($nonce) ?>">
'use strict';
(function () {
    const REFRESH_MS = 2000;
    const HISTORY = 150;            /* samples kept per tube: 5 minutes */
    const readonly = <?= $config['readonly'] ? 'true' : 'false' ?>;
    let refreshes = 0;

    /* Every value goes in as text: never through innerHTML. */
    function cell(row, value, cls) {
        const td = document.createElement('td');
        td.textContent = value === null || value === undefined ? '' : String(value);
        if (cls) {
            td.className = cls;
        }
        row.appendChild(td);
        return td;
    }
    function bytes(n) {
        if (!n) {
            return '';
        }
        const units = ['B', 'KiB', 'MiB', 'GiB'];
        let i = 0;
        while (n >= 1024 && i < units.length - 1) {
            n /= 1024;
            i++;
        }
        return (i ? n.toFixed(1) : n) + ' ' + units[i];
    }
    function secs(s) {
        if (s === null || s === undefined || s === '') {
            return '';
        }
        s = Number(s);
        if (s < 1) {
            return (s * 1000).toFixed(s < 0.01 ? 2 : 0) + ' ms';
        }
        if (s < 120) {
            return s.toFixed(1) + ' s';
        }
        if (s < 7200) {
            return Math.floor(s / 60) + ' min';
        }
        return (s / 3600).toFixed(1) + ' h';
    }
    function spark(values) {
        const ns = 'http://www.w3.org/2000/svg';
        const svg = document.createElementNS(ns, 'svg');
        svg.setAttribute('class', 'spark');
        svg.setAttribute('viewBox', '0 0 90 20');
        svg.setAttribute('preserveAspectRatio', 'none');
        const line = document.createElementNS(ns, 'polyline');
        const max = Math.max(1, ...values);
        const step = values.length > 1 ? 90 / (values.length - 1) : 0;
        line.setAttribute('points', values.map((v, i) => (i * step).toFixed(1) + ',' + (19 - 18 * v / max).toFixed(1)).join(' '));
        svg.appendChild(line);
        return svg;
    }
    function actions(row, template, fields) {
        const td = cell(row, '', 'actions');
        if (readonly) {
            return;
        }
        td.appendChild(document.getElementById(template).content.cloneNode(true));
        td.querySelectorAll('input[type=hidden]').forEach(function (input) {
            if (input.name in fields) {
                input.value = fields[input.name];
            }
        });
    }

    /* The tubes' history, kept in the browser between refreshes (and
     * reloads): server|tube => [[time, ready, total put, deleted], ...]. */
    let history = {};
    try {
        history = JSON.parse(sessionStorage.getItem('beanstalk-status-history') || '{}');
    } catch (e) {
        history = {};
    }
    function remember(key, time, ready, total, deleted) {
        const h = history[key] = history[key] || [];
        if (!h.length || h[h.length - 1][0] < time) {
            h.push([time, ready, total, deleted]);
        }
        while (h.length > HISTORY) {
            h.shift();
        }
        return h;
    }
    /* Per second, between samples, of the count at index k. */
    function rates(h, k) {
        const out = [];
        for (let i = 1; i < h.length; i++) {
            out.push(Math.max(0, (h[i][k] - h[i - 1][k]) / Math.max(0.001, h[i][0] - h[i - 1][0])));
        }
        return out;
    }

    function render(data) {
        const now = data.time;
        const seen = {};
        const tubes = document.querySelector('#tubes tbody');
        const servers = document.querySelector('#servers tbody');
        const tubeRows = [];
        const serverRows = [];
        for (const server of data.servers) {
            const row = document.createElement('tr');
            row.dataset.server = server.address;
            cell(row, server.address, 'text');
            if (server.error !== null) {
                cell(row, server.error, 'text error').colSpan = 10;
                serverRows.push(row);
                continue;
            }
            const s = server.stats;
            cell(row, s.version, 'text version');
            cell(row, secs(s.uptime));
            cell(row, s['current-connections']);
            cell(row, s['current-producers']);
            cell(row, s['current-workers']);
            cell(row, s['current-waiting']);
            cell(row, s['current-jobs-ready'] + s['current-jobs-reserved'] + s['current-jobs-delayed'] + s['current-jobs-buried']);
            cell(row, s['total-jobs']);
            cell(row, s['job-timeouts']);
            cell(row, s['binlog-current-index'] > 0 ? 'file ' + s['binlog-current-index'] + ', ' + s['binlog-records-written'] + ' records written, '
                + s['binlog-records-migrated'] + ' migrated' : 'off', 'text');
            serverRows.push(row);
            for (const t of server.tubes) {
                const key = server.address + '|' + t.name;
                seen[key] = true;
                const h = remember(key, now, t['current-jobs-ready'], t['total-jobs'], t['cmd-delete']);
                const put = rates(h, 2);
                const done = rates(h, 3);
                const tr = document.createElement('tr');
                tr.dataset.server = server.address;
                tr.dataset.tube = t.name;
                cell(tr, server.address, 'text');
                cell(tr, t.name, 'text name');
                cell(tr, t['current-jobs-ready'], 'ready');
                cell(tr, '', 'text').appendChild(spark(h.map(x => x[1])));
                /* Whole seconds, as the server counts a job's age. */
                cell(tr, t.wait === null ? '?' : t.wait === 0 ? '' : t.wait < 120 ? t.wait + ' s' : secs(t.wait), 'wait');
                cell(tr, t['current-jobs-urgent'], 'urgent');
                cell(tr, t['current-jobs-reserved'], 'reserved');
                cell(tr, t['current-jobs-delayed'], 'delayed');
                cell(tr, t['current-jobs-buried'], 'buried');
                cell(tr, t['current-waiting'], 'waiting');
                cell(tr, t['total-jobs'], 'total');
                cell(tr, put.length ? put[put.length - 1].toFixed(1) : '', 'put-rate');
                cell(tr, done.length ? done[done.length - 1].toFixed(1) : '', 'done-rate');
                cell(tr, '', 'text').appendChild(spark(done));
                cell(tr, t.pause ? 'paused, ' + secs(t['pause-time-left']) + ' left' : '', 'text paused');
                actions(tr, 'actions-tube', { server: String(server.index), tube: t.name });
                tubeRows.push(tr);
            }
        }
        for (const key of Object.keys(history)) {
            if (!seen[key]) {
                delete history[key];
            }
        }
        try {
            sessionStorage.setItem('beanstalk-status-history', JSON.stringify(history));
        } catch (e) {
            /* full or off: the history lasts as long as the page */
        }
        tubes.replaceChildren(...tubeRows);
        servers.replaceChildren(...serverRows);

        const workers = document.querySelector('#workers tbody');
        const workerRows = [];
        document.getElementById('workers-error').textContent = data.workers_error
            ? 'Workers: ' + data.workers_error : (data.workers === null ? 'Workers: no Redis is set (BEANSTALK_STATUS_REDIS).' : '');
        for (const w of data.workers || []) {
            const tr = document.createElement('tr');
            const late = now - w.beat_at > 1.5 * (w.interval || 2);
            if (late) {
                tr.className = 'late';
            }
            tr.dataset.pid = String(w.pid);
            cell(tr, w.host, 'text host');
            cell(tr, w.name, 'text name');
            cell(tr, w.pid, 'pid');
            cell(tr, w.state, 'text state state-' + String(w.state).replace(/[^a-z]/g, ''));
            cell(tr, w.state === 'working' ? 'job ' + w.job_id + (w.job_tube ? ' (' + w.job_tube + ')' : '') : '', 'text job');
            cell(tr, w.state === 'working' && w.job_since ? secs(now - w.job_since) : '');
            cell(tr, w.processed, 'processed');
            cell(tr, w.failed, 'failed');
            cell(tr, Number(w.jobs_per_sec || 0).toFixed(1), 'jobs_per_sec');
            cell(tr, secs(w.job_duration_p50));
            cell(tr, secs(w.job_duration_p99));
            cell(tr, bytes(w.memory));
            cell(tr, bytes(w.rss));
            cell(tr, secs(Math.max(0, now - w.beat_at)) + ' ago' + (late ? ' (late)' : ''), 'beat');
            actions(tr, 'actions-worker', { name: w.name });
            workerRows.push(tr);
        }
        workers.replaceChildren(...workerRows);
        refreshes++;
        const updated = document.getElementById('updated');
        updated.textContent = 'updated ' + new Date(now * 1000).toLocaleTimeString() + ', every ' + REFRESH_MS / 1000 + ' s';
        updated.dataset.refreshes = String(refreshes);
    }

    async function refresh() {
        try {
            const reply = await fetch('?json=1', { credentials: 'same-origin', cache: 'no-store' });
            if (!reply.ok) {
                throw new Error('HTTP ' + reply.status);
            }
            render(await reply.json());
        } catch (e) {
            document.getElementById('updated').textContent = 'refresh failed (' + e.message + '), trying again';
        }
        setTimeout(refresh, REFRESH_MS);
    }

    document.addEventListener('submit', function (event) {
        const question = event.target.dataset.confirm;
        if (question && !window.confirm(question)) {
            event.preventDefault();
        }
    });
    render(JSON.parse(document.getElementById('initial').textContent));
    setTimeout(refresh, REFRESH_MS);
})();
</script>
</body>
</html>
