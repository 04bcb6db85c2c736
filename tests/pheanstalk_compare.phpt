--TEST--
The same sequence through this extension and through pheanstalk 4 (an independent client) on the same server: both see the same
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_file('/usr/share/php/Pheanstalk/autoload.php')) {
    die('skip no pheanstalk (apt-get install php-pda-pheanstalk)');
}
// ext/mbstring built in (a PHP built by ./dev test), or Debian's shared one.
$probe = extension_loaded('mbstring') ? 'ok' : shell_exec(escapeshellarg(PHP_BINARY) . ' -n -d ' . escapeshellarg('extension_dir=' . PHP_EXTENSION_DIR)
    . ' -d extension=mbstring -r ' . escapeshellarg('echo function_exists("mb_strlen") ? "ok" : "no";') . ' 2>/dev/null');
if ($probe !== 'ok') {
    die('skip pheanstalk needs ext/mbstring (apt-get install php-mbstring)');
}
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
require __DIR__ . '/pheanstalk_compare.inc';
$server = bs_server();

$ours = bs_compare_run(new BsCompareExtension($server, $tube = bs_tube('compare_ext')), $tube);

// pheanstalk in a process of its own, with ext/mbstring (built in, or the system's).
$mbstring = extension_loaded('mbstring') ? [] : ['-d', 'extension_dir=' . PHP_EXTENSION_DIR, '-d', 'extension=mbstring'];
$proc = proc_open([PHP_BINARY, '-n', ...$mbstring,
    __DIR__ . '/pheanstalk_compare.inc', $server, bs_tube('compare_pheanstalk')], [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
$out = stream_get_contents($pipes[1]);
$err = stream_get_contents($pipes[2]);
proc_close($proc);
$theirs = json_decode($out, true);
if (!is_array($theirs)) {
    echo "pheanstalk run failed:\n$out$err\n";
    $theirs = [];
}

echo implode("\n", $ours), "\n";
var_dump($ours === $theirs);
foreach (array_keys($ours + $theirs) as $i) {
    if (($ours[$i] ?? null) !== ($theirs[$i] ?? null)) {
        echo "differs at step $i:\n  extension:  ", $ours[$i] ?? '-', "\n  pheanstalk: ", $theirs[$i] ?? '-', "\n";
    }
}
?>
--EXPECT--
put: a b g d
stats-job: a TUBE ready pri=10 delay=0 ttr=60 reserves=0 timeouts=0 releases=0 buries=0 kicks=0
stats-job: b TUBE ready pri=5 delay=0 ttr=60 reserves=0 timeouts=0 releases=0 buries=0 kicks=0
stats-job: g TUBE delayed pri=20 delay=3600 ttr=120 reserves=0 timeouts=0 releases=0 buries=0 kicks=0
stats-job: d TUBE ready pri=1024 delay=0 ttr=60 reserves=0 timeouts=0 releases=0 buries=0 kicks=0
peek-ready: b "beta"
peek-delayed: g "gamma"
peek-buried: not found
stats-tube: TUBE urgent=2 ready=3 reserved=0 delayed=1 buried=0 total-jobs=4 using=1 watching=1 waiting=0 cmd-delete=0 cmd-pause-tube=0 pause=0
reserve: b "beta"
stats-job: b TUBE reserved pri=5 delay=0 ttr=60 reserves=1 timeouts=0 releases=0 buries=0 kicks=0
release pri 30: b TUBE ready pri=30 delay=0 ttr=60 reserves=1 timeouts=0 releases=1 buries=0 kicks=0
reserve: a "alpha"
bury pri 7: a TUBE buried pri=7 delay=0 ttr=60 reserves=1 timeouts=0 releases=0 buries=1 kicks=0
reserve: b "beta"
bury pri 8: b TUBE buried pri=8 delay=0 ttr=60 reserves=2 timeouts=0 releases=1 buries=1 kicks=0
peek-buried: a "alpha"
stats-tube: TUBE urgent=0 ready=1 reserved=0 delayed=1 buried=2 total-jobs=4 using=1 watching=1 waiting=0 cmd-delete=0 cmd-pause-tube=0 pause=0
kick 1: 1
stats-job: a TUBE ready pri=7 delay=0 ttr=60 reserves=1 timeouts=0 releases=0 buries=1 kicks=1
kick-job b: true
kick-job g (delayed): true
kick-job d (ready): false
peek g: g "gamma"
peek-delayed: not found
peek-ready: a "alpha"
stats-tube: TUBE urgent=3 ready=4 reserved=0 delayed=0 buried=0 total-jobs=4 using=1 watching=1 waiting=0 cmd-delete=0 cmd-pause-tube=0 pause=0
reserve: a "alpha"
touch: a TUBE reserved pri=7 delay=0 ttr=60 reserves=2 timeouts=0 releases=0 buries=1 kicks=1
stats-tube: TUBE urgent=2 ready=3 reserved=1 delayed=0 buried=0 total-jobs=4 using=1 watching=1 waiting=0 cmd-delete=0 cmd-pause-tube=0 pause=0
delete: true
reserved and deleted in order: b g d
stats-tube: TUBE urgent=0 ready=0 reserved=0 delayed=0 buried=0 total-jobs=4 using=1 watching=1 waiting=0 cmd-delete=4 cmd-pause-tube=0 pause=0
peek a: not found
stats-job a: not found
delete a: false
kick-job a: false
reserve: not found
bool(true)
