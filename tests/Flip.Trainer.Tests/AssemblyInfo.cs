// Torch's global generator and thread count are process-wide: tests that seed it must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
