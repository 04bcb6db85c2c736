--TEST--
tools/status.php in headless Chromium, with beanstalkd, Redis and two real workers busy: both workers and every tube appear with their real figures, the page refreshes itself without reloading, a late beat stands out, a job whose data is a script is shown as text, the restart button restarts the workers; the password, the CSRF token and the read-only mode hold
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
require __DIR__ . '/browser.inc';
if ($why = bs_redis_skip()) die($why);
if ($why = bs_browser_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip nothing of the extension runs in this process, and a browser under valgrind crawls');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
require __DIR__ . '/browser.inc';
use Beanstalk\{Queue, Worker};

const PASSWORD = 'pa<ss>word';
$bs = new BsServer();
$server = $bs->address;
$redis = new BsRedis();
$xss = '<script>alert(1)</script>';
$tubes = ['mail', 'images', 'reports'];

// What the workers find: a job that is a script (they bury it), a delayed
// one, a paused tube's jobs, and 500 jobs of 30 to 60 ms: some 10 s of work
// for the two.
$q = new Queue($server);
$q->useTube('mail')->put($xss);
$q->useTube('images')->put('delayed', 1024, 3600);
$q->useTube('reports')->putMany(['r1', 'r2']);
$q->pauseTube('reports', 3600);
for ($i = 0; $i < 250; $i++) {
    $q->useTube('mail')->put('60');
    $q->useTube('images')->put('30');
}

$code = '[, $server, $redis, $name] = $argv;
$w = new Beanstalk\Worker(new Beanstalk\Queue($server, ["watch" => ["mail", "images", "reports"]]),
    ["name" => $name, "status" => $redis, "status_interval" => 2, "process_title" => false]);
echo "running\n";
exit($w->run(function (Beanstalk\Job $job) {
    if (str_starts_with($job->data, "<script>")) {
        $job->bury();
        return;
    }
    usleep((int)$job->data * 1000);
}));';
$names = ['w1', '<b>w2</b>'];
$children = [];
foreach ($names as $name) {
    $children[$name] = new BsChild($code, [$server, $redis->address, $name]);
}
foreach ($children as $child) {
    $child->line() === 'running' or print("a worker did not start\n");
}

$page = new BsStatusPage(['BEANSTALK_SERVERS' => $server, 'BEANSTALK_STATUS_REDIS' => $redis->address,
    'BEANSTALK_STATUS_PASSWORD' => PASSWORD]);
$auth = ['Authorization' => 'Basic ' . base64_encode('ops:' . PASSWORD)];

echo "-- over plain HTTP\n";
[$status, $headers] = bs_http('GET', $page->url);
echo "no password: $status, ", str_starts_with($headers['www-authenticate'][0] ?? '', 'Basic') ? 'asks for Basic' : 'asks nothing', "\n";
[$status] = bs_http('GET', $page->url, ['Authorization' => 'Basic ' . base64_encode('ops:wrong')]);
echo "wrong password: $status\n";
[$status, $headers, $body] = bs_http('GET', $page->url, $auth);
echo "right password: $status, CSP ", str_contains($headers['content-security-policy'][0] ?? '', "script-src 'nonce-") ? 'with a nonce' : 'missing', "\n";
preg_match('/beanstalk_status=[0-9a-zA-Z,-]+/', implode(';', $headers['set-cookie'] ?? []), $cookie);
preg_match('/name="csrf" value="([0-9a-f]{64})"/', $body, $token);
echo "token in every form: ", isset($token[1]) && substr_count($body, '<form') === substr_count($body, 'value="' . $token[1] . '"') ? 'yes' : 'no', "\n";
$form = http_build_query(['action' => 'pause', 'server' => 0, 'tube' => 'mail', 'seconds' => 600]);
$post = $auth + ['Cookie' => $cookie[0] ?? '', 'Content-Type' => 'application/x-www-form-urlencoded'];
[$status] = bs_http('POST', $page->url, $post, $form);
echo "pause without the token: $status, mail paused: ", bs_stats($server, 'stats-tube mail')['pause'], " s\n";
[$status] = bs_http('POST', $page->url, $post, $form . '&csrf=' . str_repeat('0', 64));
echo "pause with a wrong token: $status, mail paused: ", bs_stats($server, 'stats-tube mail')['pause'], " s\n";
$readonly = new BsStatusPage(['BEANSTALK_SERVERS' => $server, 'BEANSTALK_STATUS_REDIS' => $redis->address, 'BEANSTALK_STATUS_READONLY' => '1']);
[$status, , $body] = bs_http('GET', $readonly->url);
echo "read-only: $status, forms ", substr_count($body, '<form'), "\n";
[$status] = bs_http('POST', $readonly->url, ['Content-Type' => 'application/x-www-form-urlencoded'], $form);
echo "read-only POST: $status, mail paused: ", bs_stats($server, 'stats-tube mail')['pause'], " s\n";
unset($readonly);

echo "-- in the browser\n";
$b = new BsBrowser(1440, 780);
$b->call('Network.setExtraHTTPHeaders', ['headers' => $auth]);
$b->navigate($page->url);
$rows = $b->waitFor('document.querySelectorAll("#workers tbody tr").length === 2 && document.querySelectorAll("#tubes tbody tr").length === 4
    && [...document.querySelectorAll("#workers .state")].some(td => td.textContent === "working")', 30);
echo "workers and tubes shown, one working: ", var_export((bool)$rows, true), "\n";
echo "tubes: ", implode(' ', $b->eval('[...document.querySelectorAll("#tubes .name")].map(td => td.textContent)')), "\n";
$shown = $b->eval('[...document.querySelectorAll("#workers tbody tr")].map(tr => [tr.querySelector(".name").textContent, Number(tr.dataset.pid)])');
$want = array_map(fn ($n) => [$n, $children[$n]->pid()], $names);
sort($shown);
sort($want);
echo "workers by name and pid: ", $shown === $want ? 'both, names as text' : json_encode($shown), "\n";
echo "markup from a worker's name: ", $b->eval('document.querySelectorAll("#workers b").length'), " elements\n";

// The page refreshes itself: the same document, new figures.
$b->eval('window.bsMark = 42');
$r0 = (int)$b->eval('document.getElementById("updated").dataset.refreshes');
$p0 = (int)$b->eval('[...document.querySelectorAll("#workers .processed")].reduce((s, td) => s + Number(td.textContent), 0)');
$took = microtime(true);
$b->waitFor("Number(document.getElementById('updated').dataset.refreshes) >= $r0 + 2", 15);
$took = microtime(true) - $took;
$p1 = (int)$b->eval('[...document.querySelectorAll("#workers .processed")].reduce((s, td) => s + Number(td.textContent), 0)');
echo "refreshed twice in ", $took > 2 && $took < 10 ? '2 s steps' : "$took s", ", not reloaded: ", var_export($b->eval('window.bsMark') === 42, true),
    ", processed grew: ", var_export($p1 > $p0, true), "\n";
echo "sparklines: ", $b->eval('document.querySelectorAll("#tubes svg.spark polyline").length'), "\n";
// The screenshot once the sparklines have a few points, jobs still flowing.
$b->waitFor("Number(document.getElementById('updated').dataset.refreshes) >= $r0 + 4", 15);
$png = $b->screenshot();
$shot = dirname(__DIR__) . '/.work/status-page.png';
@mkdir(dirname($shot), 0777, true);
file_put_contents($shot, $png);
echo "screenshot: ", str_starts_with($png, "\x89PNG") && strlen($png) > 20000 ? 'a PNG' : strlen($png) . ' bytes', "\n";
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', sprintf("status_page_basic: screenshot .work/status-page.png, %d bytes\n", strlen($png)), FILE_APPEND);

// Once the work is done, every figure of every tube is the server's.
$until = microtime(true) + 60;
do {
    usleep(200000);
    $busy = 0;
    foreach (['mail', 'images'] as $t) {
        $st = bs_stats($server, "stats-tube $t");
        $busy += $st['current-jobs-ready'] + $st['current-jobs-reserved'];
    }
} while ($busy > 0 && microtime(true) < $until);
$r = (int)$b->eval('document.getElementById("updated").dataset.refreshes');
$b->waitFor("Number(document.getElementById('updated').dataset.refreshes) >= $r + 1", 15);
$keys = ['ready' => 'current-jobs-ready', 'reserved' => 'current-jobs-reserved', 'delayed' => 'current-jobs-delayed',
    'buried' => 'current-jobs-buried', 'urgent' => 'current-jobs-urgent', 'total' => 'total-jobs'];
foreach (array_merge($tubes, ['default']) as $t) {
    $st = bs_stats($server, "stats-tube $t");
    $cells = $b->eval('(() => { const tr = [...document.querySelectorAll("#tubes tbody tr")].find(tr => tr.dataset.tube === ' . json_encode($t)
        . '); return tr ? Object.fromEntries(["ready","reserved","delayed","buried","urgent","total","paused","wait"].map(c => [c, tr.querySelector("." + c).textContent])) : null; })()');
    $wrong = [];
    foreach ($keys as $c => $k) {
        if (($cells[$c] ?? null) !== (string)$st[$k]) {
            $wrong[] = "$c " . ($cells[$c] ?? '?') . " (server: {$st[$k]})";
        }
    }
    if ($st['pause'] > 0 && !str_starts_with($cells['paused'] ?? '', 'paused')) {
        $wrong[] = 'not shown paused';
    }
    // A ready job's wait, in seconds (the paused tube's have waited since the start); none without one.
    if (($st['current-jobs-ready'] > 0) !== (bool)preg_match('/^\d+ (s|min)$/', $cells['wait'] ?? '')) {
        $wrong[] = "wait time '" . ($cells['wait'] ?? '?') . "'";
    }
    printf("%s: %s\n", $t, $wrong ? implode(', ', $wrong) : "as the server says (total {$st['total-jobs']}, buried {$st['current-jobs-buried']}, delayed {$st['current-jobs-delayed']}"
        . ($st['pause'] ? ', paused' : '') . ($st['current-jobs-ready'] ? ', its next job\'s wait shown' : '') . ')');
}
$version = bs_stats($server, 'stats')['version'];
// Every job's end beaten to Redis (the script job counts: the handler
// buried it), then one more refresh.
$until = microtime(true) + 15;
while (array_sum(array_column(Worker::fleet($redis->address), 'processed')) < 501 && microtime(true) < $until) {
    usleep(100000);
}
$r = (int)$b->eval('document.getElementById("updated").dataset.refreshes');
$b->waitFor("Number(document.getElementById('updated').dataset.refreshes) >= $r + 1", 15);
echo "server version: ", $b->eval('document.querySelector("#servers .version").textContent') === $version ? 'as the server says' : 'wrong', "\n";
$fleet = [];
foreach (Worker::fleet($redis->address) as $w) {
    $fleet[$w['name']] = $w['processed'];
}
$pageProcessed = $b->eval('Object.fromEntries([...document.querySelectorAll("#workers tbody tr")].map(tr => [tr.querySelector(".name").textContent, Number(tr.querySelector(".processed").textContent)]))');
echo "workers' processed: ", array_sum($fleet) === 501 && $pageProcessed == $fleet ? 'as fleet() says, 501 in all' : json_encode([$pageProcessed, $fleet]), "\n";

// A worker that stops beating stands out: late past 1.5 intervals (3 s),
// gone from the fleet past 3.
$children['w1']->signal(SIGSTOP);
$late = $b->waitFor('[...document.querySelectorAll("#workers tr.late .name")].map(td => td.textContent).join()', 15);
$children['w1']->signal(SIGCONT);
echo "late beat stands out: ", $late === 'w1' ? 'w1' : var_export($late, true), "\n";
$b->waitFor('document.querySelectorAll("#workers tr.late").length === 0', 15) or print("w1 still late\n");

// Peek the buried job: its data is shown as text.
$b->eval('document.querySelector(\'#tubes tr[data-tube="mail"] button.peek\').click()');
$peeked = $b->waitFor('document.getElementById("peeked") && document.getElementById("peeked").textContent', 15);
echo "peeked: ", $peeked === $xss ? 'the script, as text' : var_export($peeked, true), "\n";
echo "scripts in the page: ", $b->eval('document.scripts.length'), ", dialogs: ", json_encode($b->dialogs), "\n";
echo "result: ", str_replace($server, 'SERVER', $b->eval('document.getElementById("result-text").textContent')), "\n";

// Restart all: both workers stop after their job, as restartAll() asks.
$b->dialogs = [];
$b->waitFor('document.querySelectorAll("#workers tbody tr").length === 2', 15);
$b->eval('document.getElementById("restart-all").click()');
echo "result: ", $b->waitFor('document.getElementById("result-text") && document.getElementById("result-text").textContent.startsWith("Restart")
    && document.getElementById("result-text").textContent', 15), "\n";
echo "dialogs: ", json_encode($b->dialogs), "\n";
foreach ($children as $name => $child) {
    $exit = $child->wait(20);
    echo "$name exit: ", $exit === Worker::STOP_RESTART ? 'STOP_RESTART' : $exit, "\n";
}
echo "server errors: ", preg_match('/PHP (Warning|Fatal|Notice|Deprecated)/', $page->log()) ? $page->log() : 'none', "\n";
?>
--EXPECT--
-- over plain HTTP
no password: 401, asks for Basic
wrong password: 401
right password: 200, CSP with a nonce
token in every form: yes
pause without the token: 403, mail paused: 0 s
pause with a wrong token: 403, mail paused: 0 s
read-only: 200, forms 0
read-only POST: 403, mail paused: 0 s
-- in the browser
workers and tubes shown, one working: true
tubes: default images mail reports
workers by name and pid: both, names as text
markup from a worker's name: 0 elements
refreshed twice in 2 s steps, not reloaded: true, processed grew: true
sparklines: 8
screenshot: a PNG
mail: as the server says (total 251, buried 1, delayed 0)
images: as the server says (total 251, buried 0, delayed 1)
reports: as the server says (total 2, buried 0, delayed 0, paused, its next job's wait shown)
default: as the server says (total 0, buried 0, delayed 0)
server version: as the server says
workers' processed: as fleet() says, 501 in all
late beat stands out: w1
peeked: the script, as text
scripts in the page: 2, dialogs: ["Peek the next buried job?"]
result: The next buried job of tube mail on SERVER: job 1, 25 bytes.
result: Restart asked of 2 workers: each stops after its job and its supervisor starts it again.
dialogs: ["Restart every worker? Each stops after its job and its supervisor starts it again."]
w1 exit: STOP_RESTART
<b>w2</b> exit: STOP_RESTART
server errors: none
