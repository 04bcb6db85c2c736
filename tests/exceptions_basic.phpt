--TEST--
The exception tree: every failure is a Beanstalk\Exception, itself a RuntimeException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
// Each class with its parents, nearest first: the tree of DESIGN.md section 2.
foreach ([
    'Exception', 'ConnectionException', 'TimeoutException', 'ServerException',
    'JobTooBigException', 'NotFoundException', 'ProtocolException', 'DeadlineSoonException',
] as $name) {
    $class = new ReflectionClass("Beanstalk\\$name");
    $parents = [];
    for ($p = $class->getParentClass(); $p; $p = $p->getParentClass()) {
        $parents[] = $p->getName();
    }
    // Open to extension (not final), so applications may refine them.
    printf("%s%s < %s\n", $name, $class->isFinal() ? ' (final)' : '', implode(' < ', $parents));
}

// One catch for everything the extension throws about the server.
try {
    throw new Beanstalk\TimeoutException('late');
} catch (Beanstalk\ConnectionException $e) {
    echo get_class($e), ' caught as ConnectionException: ', $e->getMessage(), "\n";
}
?>
--EXPECT--
Exception < RuntimeException < Exception
ConnectionException < Beanstalk\Exception < RuntimeException < Exception
TimeoutException < Beanstalk\ConnectionException < Beanstalk\Exception < RuntimeException < Exception
ServerException < Beanstalk\Exception < RuntimeException < Exception
JobTooBigException < Beanstalk\ServerException < Beanstalk\Exception < RuntimeException < Exception
NotFoundException < Beanstalk\Exception < RuntimeException < Exception
ProtocolException < Beanstalk\Exception < RuntimeException < Exception
DeadlineSoonException < Beanstalk\Exception < RuntimeException < Exception
Beanstalk\TimeoutException caught as ConnectionException: late
