<?php

namespace App\Command;

use App\Message\Nop;
use App\Message\Note;
use App\Message\SlowNote;
use App\Notes;
use Symfony\Component\Console\Attribute\AsCommand;
use Symfony\Component\Console\Command\Command;
use Symfony\Component\Console\Input\InputArgument;
use Symfony\Component\Console\Input\InputInterface;
use Symfony\Component\Console\Output\OutputInterface;
use Symfony\Component\Messenger\MessageBusInterface;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;

/** app:dispatch [scenario|slow|many] [count]: the bridge tests' messages, through the bus. */
#[AsCommand(name: 'app:dispatch')]
final class DispatchCommand extends Command
{
    public function __construct(private MessageBusInterface $bus)
    {
        parent::__construct();
    }

    protected function configure(): void
    {
        $this->addArgument('what', InputArgument::REQUIRED)->addArgument('count', InputArgument::OPTIONAL, '', '1000');
    }

    protected function execute(InputInterface $input, OutputInterface $output): int
    {
        switch ($input->getArgument('what')) {
            case 'scenario':
                $ids = 0;
                for ($i = 1; $i <= 10; $i++) {
                    $ids += $this->bus->dispatch(new Note("msg-$i"))->last(TransportMessageIdStamp::class) ? 1 : 0;
                }
                Notes::add('dispatched late');
                $this->bus->dispatch(new Note('late'), [new DelayStamp(2000)]);
                $this->bus->dispatch(new Note('failing', true));
                $output->writeln("sent 12 messages, $ids of the first 10 with a TransportMessageIdStamp");
                break;
            case 'slow':
                $this->bus->dispatch(new SlowNote('slow', 5));
                break;
            case 'many':
                $count = (int)$input->getArgument('count');
                $t = microtime(true);
                for ($i = 0; $i < $count; $i++) {
                    $this->bus->dispatch(new Nop());
                }
                $output->writeln(sprintf('dispatched %d in %.3f s', $count, microtime(true) - $t));
                break;
        }

        return Command::SUCCESS;
    }
}
