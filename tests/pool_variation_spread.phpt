--TEST--
Queue over three servers: 30 000 puts spread within 10 % of even; putMany splits its batch over them
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$n = bs_under_valgrind() ? 3000 : 30000;
$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('pool_spread');
$q = new Beanstalk\Queue($addresses, ['tube' => $tube]);
for ($i = 0; $i < $n; $i++) {
    $q->put('x');
}
$counts = array_map(fn ($a) => (int)bs_stat($a, "stats-tube $tube", 'current-jobs-ready'), $addresses);
echo "all stored: ", array_sum($counts) === $n ? 'yes' : array_sum($counts), "\n";
echo "within 10 % of even: ", max($counts) <= 1.1 * $n / 3 && min($counts) >= 0.9 * $n / 3 ? 'yes' : implode(' ', $counts), "\n";
$ids = $q->putMany(array_fill(0, 3000, 'y'));
$per = array_count_values(array_column($ids, 'server'));
echo "batch over every server: ", count($per) === 3 && min($per) >= 900 ? 'yes' : json_encode($per), "\n";
foreach ($ids as $job) {
    if (bs_stat($job['server'], "stats-job {$job['id']}", 'tube') !== $tube) {
        echo "job {$job['id']} is not on {$job['server']}\n";
        break;
    }
}
?>
--EXPECT--
all stored: yes
within 10 % of even: yes
batch over every server: yes
