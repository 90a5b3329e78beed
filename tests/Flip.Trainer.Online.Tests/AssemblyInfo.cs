// libtorch's generator is process-global and the tests seed it: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
