--TEST--
Queue::kick() moves up to $bound buried jobs of the used tube back to ready, or delayed ones when none is buried
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('kick_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

function counts(string $server, string $tube): string
{
    $stats = bs_stats($server, "stats-tube $tube");
    return "ready {$stats['current-jobs-ready']}, delayed {$stats['current-jobs-delayed']}, buried {$stats['current-jobs-buried']}";
}

$ids = $q->putMany(['a', 'b', 'c']);
while ($job = $q->reserve(0)) {
    $job->bury();
}
$delayed = $q->put('later', 1024, 3600);
echo counts($server, $tube), "\n";

// Buried jobs first, oldest first; the delayed one waits.
var_dump($q->kick(2));
echo counts($server, $tube), "\n";
var_dump(bs_stat($server, "stats-job {$ids[0]}", 'state'), bs_stat($server, "stats-job {$ids[1]}", 'kicks'),
    bs_stat($server, "stats-job {$ids[2]}", 'state'));
// Fewer than asked for.
var_dump($q->kick(10));
echo counts($server, $tube), "\n";
// Nothing buried any more: now the delayed job.
var_dump($q->kick(10));
echo counts($server, $tube), "\n";
var_dump(bs_stat($server, "stats-job $delayed", 'kicks'));
// Nothing left to kick.
var_dump($q->kick(10), $q->kick(0));
while ($job = $q->reserve(0)) {
    $job->delete();
}
?>
--EXPECT--
ready 0, delayed 1, buried 3
int(2)
ready 2, delayed 1, buried 1
string(5) "ready"
string(1) "1"
string(6) "buried"
int(1)
ready 3, delayed 1, buried 0
int(1)
ready 4, delayed 0, buried 0
string(1) "1"
int(0)
int(0)
