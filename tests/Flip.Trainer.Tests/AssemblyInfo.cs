// libtorch's random generator is process-global: tests that seed it (manual_seed) and then build models must not
// interleave with other tests drawing from it, or their "same seed, same weights" premise breaks.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Flip.Trainer.Tests
{
    internal static class TorchThreads
    {
        // The models under test are tiny; one intra-op thread avoids OpenMP spin-waiting on a busy 2-core CI box.
        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void UseOneThread() => TorchSharp.torch.set_num_threads(1);
    }
}
